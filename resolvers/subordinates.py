"""下级组织列表: an organisation's subordinate branches with their state, paged by path.

One indexed range scan over the organisation tree (ALL: the path range of the subtree;
DIRECT: the children), joined with the state rows of the campaign. ``totalCount`` comes
from the counts (``resolvers.progress``), never from counting rows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from models.campaign import Campaign
from models.organization import Organization, descendant_range
from models.progress import STATUS_COLUMNS
from models.rectification import BranchState
from models.workflow import RectificationStatus
from resolvers.progress import merged, progress_sums, tallies, total
from resolvers.tree_cache import TreeView
from zhengdun.db import connection, placeholder, read_models

# Every column of the two tables (the projection lists no foreign-key columns).
ORG_COLUMNS = [*Organization._meta.fields_db_projection.values(), "parent_id"]
STATE_COLUMNS = [*BranchState._meta.fields_db_projection.values(), "campaign_id", "branch_id"]


class Scope(enum.Enum):
    DIRECT = "DIRECT"
    ALL = "ALL"


@dataclass
class SubordinatePage:
    rows: list[tuple[Organization, BranchState | None]]
    has_next_page: bool


async def subordinate_page(
    org: Organization,
    campaign: Campaign | None,
    scope: Scope,
    statuses: list[RectificationStatus] | None,
    size: int,
    after: str | None,
) -> SubordinatePage:
    conn = connection()
    params: list[Any] = []

    def bind(value: Any) -> str:
        params.append(value)
        return placeholder(conn, len(params))

    state_join = (
        f"LEFT JOIN branch_state s ON s.branch_id = o.id AND s.campaign_id = "
        f"{bind(campaign.id if campaign else -1)}"
    )
    where = ["o.type = 'BRANCH'"]
    if scope == Scope.DIRECT:
        where.append(f"o.parent_id = {bind(org.id)}")
    else:
        low, high = descendant_range(org.path)
        where.append(f"o.path > {bind(low)} AND o.path < {bind(high)}")
    if after is not None:
        where.append(f"o.path > {bind(after)}")
    if statuses:
        wanted = [s.value for s in statuses if s != RectificationStatus.NOT_SUBMITTED]
        terms = [f"s.status IN ({', '.join(bind(v) for v in wanted)})"] if wanted else []
        if RectificationStatus.NOT_SUBMITTED in statuses:
            terms.append("s.id IS NULL OR s.status = 'NOT_SUBMITTED'")
        where.append("(" + " OR ".join(terms) + ")")
    columns = ", ".join(
        [*(f"o.{c} AS o_{c}" for c in ORG_COLUMNS), *(f"s.{c} AS s_{c}" for c in STATE_COLUMNS)]
    )
    rows = await conn.execute_query_dict(
        f"SELECT {columns} FROM organization o {state_join} WHERE {' AND '.join(where)} "
        f"ORDER BY o.path LIMIT {bind(size + 1)}",
        params,
    )
    has_next_page = len(rows) > size
    rows = rows[:size]
    branches = read_models(Organization, [{c: row[f"o_{c}"] for c in ORG_COLUMNS} for row in rows])
    states = iter(
        read_models(
            BranchState,
            [{c: row[f"s_{c}"] for c in STATE_COLUMNS} for row in rows if row["s_id"] is not None],
        )
    )
    page = [
        (branch, next(states) if row["s_id"] is not None else None)
        for branch, row in zip(branches, rows, strict=True)
    ]
    return SubordinatePage(rows=page, has_next_page=has_next_page)


async def subordinate_count(
    org: Organization,
    campaign: Campaign | None,
    scope: Scope,
    statuses: list[RectificationStatus] | None,
    tree: TreeView | None = None,
) -> int:
    """How many subordinate branches match, from the tallies and the progress counts."""
    counts = (await tallies([org.id], tree))[org.id]
    if scope == Scope.DIRECT:
        branches = sum(c.direct_branches for c in counts)
    else:
        branches = sum(c.branches for c in counts)
    if not statuses:
        return branches
    if campaign is None:
        return branches if RectificationStatus.NOT_SUBMITTED in statuses else 0
    per_sector = merged(
        (await progress_sums(campaign.id, [org.id]))[org.id], direct_only=scope == Scope.DIRECT
    )
    by_status: dict[RectificationStatus, int] = {
        s: total(per_sector, column) for s, column in STATUS_COLUMNS.items()
    }
    by_status[RectificationStatus.NOT_SUBMITTED] = branches - sum(by_status.values())
    return sum(by_status[s] for s in set(statuses))
