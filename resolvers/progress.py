"""Keeping and reading the progress counts (see ``models.progress``).

Writes happen inside the caller's transaction: a branch's creation updates the tallies
of its ancestors; a state change inserts one delta row per ancestor. Reads sum the rows
of the organisations shown; ``fold_deltas`` compacts them.
"""

from __future__ import annotations

import asyncio
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from models.campaign import Campaign
from models.organization import Organization, Sector, path_ids
from models.progress import (
    METRICS,
    SECTOR_KEYS,
    STATUS_COLUMNS,
    TOTAL_COLUMNS,
    BranchFacts,
    ProgressDelta,
    Tally,
    add_into,
    difference,
)
from models.rectification import BranchState, Shown
from models.workflow import RectificationStatus
from resolvers.loaders import states_by_key
from resolvers.tree_cache import TreeView
from zhengdun.db import (
    Write,
    any_of,
    connection,
    insert_rows,
    is_postgres,
    placeholder,
    write_together,
)

GroupKey = tuple[int, str, bool]  # (organisation id, sector, direct)


def facts(row: Shown | None) -> BranchFacts:
    if row is None:
        return BranchFacts()
    return BranchFacts(
        status=row.status,
        has_form=row.latest_self_check_id is not None,
        is_key=row.is_key,
        selected=row.selected_as_bottom,
    )


class DeltaBatch:
    """Changes of many branches in one campaign, summed per group and written at once."""

    def __init__(self, campaign_id: int) -> None:
        self.campaign_id = campaign_id
        self.groups: dict[GroupKey, dict[str, int]] = defaultdict(dict)

    def add_branch(self, branch_path: str, sector: str, change: dict[str, int]) -> None:
        if not change:
            return
        *ancestors, _branch = path_ids(branch_path)
        for ancestor in ancestors:
            add_into(self.groups[(ancestor, sector, ancestor == ancestors[-1])], change)

    def add_organization(self, org: Organization, change: dict[str, int]) -> None:
        """A change of the organisation itself (its quota), counted in it and above."""
        for ancestor in path_ids(org.path):
            add_into(self.groups[(ancestor, org.sector, False)], change)

    async def write(self) -> None:
        write = self.rows()
        if write is not None:
            await write_together([write])

    def rows(self) -> Write | None:
        """The INSERT of the summed deltas (``None`` if they are all zero); emptied."""
        rows = [
            ProgressDelta(
                campaign_id=self.campaign_id,
                org_id=org_id,
                sector=sector,
                direct=direct,
                **{k: v for k, v in counts.items() if v},
            )
            for (org_id, sector, direct), counts in self.groups.items()
            if any(counts.values())
        ]
        self.groups.clear()
        return insert_rows(ProgressDelta, rows) if rows else None


def change_deltas(
    row: BranchState, before: BranchFacts, after: BranchFacts | None = None
) -> Write | None:
    """The deltas of one branch's state row changed from ``before`` to ``after`` (by
    default what the row is now)."""
    batch = DeltaBatch(row.campaign_id)
    batch.add_branch(row.branch_path, row.sector, difference(before, after or facts(row)))
    return batch.rows()


async def record_quota_met(campaign_id: int, org: Organization) -> None:
    batch = DeltaBatch(campaign_id)
    batch.add_organization(org, {"quota_met": 1})
    await batch.write()


Sums = dict[tuple[str, bool], dict[str, int]]  # (sector, direct) → metric → count


async def progress_sums(campaign_id: int, org_ids: Iterable[int]) -> dict[int, Sums]:
    """The summed deltas of each organisation, by sector and direct flag."""
    ids = list(dict.fromkeys(org_ids))
    result: dict[int, Sums] = {i: {} for i in ids}
    if not ids:
        return result
    conn = connection()
    sums = ", ".join(f"COALESCE(SUM({m}), 0)" for m in METRICS)
    among, params = any_of(conn, 2, ids)
    _, rows = await conn.execute_query(
        f"SELECT org_id, sector, direct, {sums} FROM progress_delta "
        f"WHERE campaign_id = {placeholder(conn, 1)} AND org_id{among} "
        "GROUP BY org_id, sector, direct",
        [campaign_id, *params],
    )
    for org_id, sector, direct, *values in map(tuple, rows):
        result[org_id][(sector, bool(direct))] = dict(zip(METRICS, values, strict=True))
    return result


# What a progress row shows of the summed deltas, in this order.
ROW_METRICS = (
    "submitted",
    "key",
    "selected",
    "quota_met",
    STATUS_COLUMNS[RectificationStatus.RECTIFIED],
)
_SUBMITTED, _KEY, _SELECTED, _QUOTA_MET, _RECTIFIED = range(len(ROW_METRICS))
_ZEROS = (0,) * len(ROW_METRICS)
SECTORS = [s.value for s in Sector]  # the order of every per-sector list shown
_NO_KEYS = (0,) * len(SECTORS)
if not all(s.isidentifier() for s in SECTORS):  # written into the SQL below as they are
    raise RuntimeError("a Sector value is not a plain identifier")
# A delta row's key branches in one sector's column of a total (0 in the others).
_KEY_IN = {s: f"CASE WHEN sector = '{s}' THEN key ELSE 0 END" for s in SECTOR_KEYS}
_SHOWN = [*ROW_METRICS, *SECTOR_KEYS.values()]  # what the view reads of a total, in order
_DELTA_AS_TOTAL = ", ".join(
    [*ROW_METRICS] + [f"{_KEY_IN[s]} AS {c}" for s, c in SECTOR_KEYS.items()]
)
_SUMS_SHOWN = ", ".join(f"SUM({c})" for c in _SHOWN)


def count_into_totals(source: str, where: str) -> str:
    """The upsert adding the sums of ``source``'s delta rows matching ``where`` to their
    organisations' ProgressTotal rows (the fold's and the generator's)."""
    sums = [f"SUM({m})" for m in METRICS] + [f"SUM({key})" for key in _KEY_IN.values()]
    return (
        f"INSERT INTO progress_total (campaign_id, org_id, {', '.join(TOTAL_COLUMNS)}) "
        f"SELECT campaign_id, org_id, {', '.join(sums)} FROM {source} WHERE {where} "
        "GROUP BY campaign_id, org_id ON CONFLICT (campaign_id, org_id) DO UPDATE SET "
        + ", ".join(f"{c} = progress_total.{c} + excluded.{c}" for c in TOTAL_COLUMNS)
    )


Totals = tuple[tuple[int, ...], tuple[int, ...]]  # ROW_METRICS; key branches by SECTORS


async def progress_totals(campaign_id: int, org_ids: Iterable[int]) -> dict[int, Totals]:
    """Each organisation's counts, direct and indirect together: the ROW_METRICS over all
    its sectors, and its key branches in each of the SECTORS, in that order.

    Its ProgressTotal row plus its deltas the fold has not counted yet, in one statement
    (so one snapshot: a fold commits the deltas' removal and the totals' increase
    together). Once folded that is one row per organisation: the root's 35 instead of
    the ~530 delta rows of its organisations' sectors (docs/benchmarks.md, change 43).
    Organisations with no counts yet are not in the result.
    """
    ids = list(dict.fromkeys(org_ids))
    if not ids:
        return {}
    conn = connection()
    among, params = any_of(conn, 2, ids)
    where = f"campaign_id = {placeholder(conn, 1)} AND org_id{among}"
    values = [campaign_id, *params]
    if not is_postgres(conn):  # "?" marks: the values again for the second SELECT
        values += values
    _, rows = await conn.execute_query(
        f"SELECT org_id, {_SUMS_SHOWN} FROM (SELECT org_id, {', '.join(_SHOWN)} FROM progress_total "
        f"WHERE {where} UNION ALL SELECT org_id, {_DELTA_AS_TOTAL} FROM progress_delta "
        f"WHERE {where} AND NOT in_totals) AS counts GROUP BY org_id",
        values,
    )
    width = len(ROW_METRICS)
    return {row[0]: (tuple(row[1 : 1 + width]), tuple(row[1 + width :])) for row in rows}


async def _read_tallies(keys: list[tuple[str, int]]) -> list[list[Tally]]:
    ids = [org_id for _, org_id in keys]
    conn = connection()
    among, params = any_of(conn, 1, ids)
    _, rows = await conn.execute_query(
        "SELECT org_id, sector, branches, direct_branches, units FROM branch_tally "
        f"WHERE org_id{among}",
        params,
    )
    found: dict[int, list[Tally]] = defaultdict(list)
    for org_id, *values in map(tuple, rows):
        found[org_id].append(Tally(*values))
    return [found.get(org_id, []) for org_id in ids]


async def tallies(org_ids: Iterable[int], tree: TreeView | None = None) -> dict[int, list[Tally]]:
    """Branch tallies of each organisation, one per sector it has.

    Tallies change only with the tree (a branch is counted in its ancestors' rows in the
    transaction that inserts it), so a request's ``tree`` view keeps
    them in the worker's tree cache beside the children pages, for as long as the
    tree's version stays the same: the root's progress no longer decodes 35 × 16 rows
    of them per request (docs/benchmarks.md, change 26). Without a view, read each time.
    """
    ids = list(dict.fromkeys(org_ids))
    if not ids:
        return {}
    view = TreeView() if tree is None else tree
    found = await view.pages([("tally", org_id) for org_id in ids], _read_tallies)
    return dict(zip(ids, found, strict=True))


GROUP = "campaign_id, org_id, sector, direct"


class Folded(NamedTuple):
    counted: int  # delta rows counted into the totals
    removed: int  # delta rows fewer
    busy: bool = False  # another fold was running (``wait=False``): nothing done


# The PostgreSQL advisory lock held by a fold to the end of its transaction ("zhdf").
FOLD_LOCK = 0x7A686466


async def fold_deltas(limit: int = 20000, *, wait: bool = True) -> Folded:
    """Folds the groups that have rows not yet counted (``in_totals`` false) into one
    counted row each, and adds those rows to their organisations' totals. On PostgreSQL
    at most ``limit`` groups a call: call again until nothing is counted.

    One fold at a time on PostgreSQL (an advisory lock): every worker folds in the
    background, and two folds of overlapping groups would lock the same delta and totals
    rows in different orders (a deadlock, which loses nothing but the round). Without
    ``wait`` a fold that finds the lock taken does nothing and says so (``busy``).

    Exact at every moment: on PostgreSQL one statement deletes the groups' rows, inserts
    their sums and adds the uncounted ones among them to the totals (a concurrent fold
    of the same group finds its rows gone and skips them); on SQLite writes are
    serialised, so the statements of the transaction see the same rows.
    """
    from tortoise.transactions import in_transaction

    columns = ", ".join(METRICS)
    sums = ", ".join(f"SUM({m})" for m in METRICS)
    async with in_transaction() as conn:
        if is_postgres(conn):
            lock = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
            got = await conn.execute_query(f"SELECT {lock}({FOLD_LOCK})")
            if not wait and got[1][0][0] is not True:
                return Folded(0, 0, busy=True)
            result = await conn.execute_query_dict(
                f"WITH groups AS (SELECT DISTINCT {GROUP} FROM progress_delta "
                f"WHERE NOT in_totals LIMIT {int(limit)}), "
                f"gone AS (DELETE FROM progress_delta d USING groups g WHERE "
                + " AND ".join(f"d.{c} = g.{c}" for c in GROUP.split(", "))
                + " RETURNING d.*), "
                f"folded AS (INSERT INTO progress_delta ({GROUP}, {columns}, in_totals) "
                f"SELECT {GROUP}, {sums}, TRUE FROM gone GROUP BY {GROUP} RETURNING 1), "
                f"totals AS ({count_into_totals('gone', 'NOT in_totals')}) "
                "SELECT (SELECT COUNT(*) FROM gone WHERE NOT in_totals) AS counted, "
                "(SELECT COUNT(*) FROM gone) - (SELECT COUNT(*) FROM folded) AS removed"
            )
            return Folded(int(result[0]["counted"]), int(result[0]["removed"]))
        top = await conn.execute_query_dict("SELECT MAX(id) AS top FROM progress_delta")
        upto = f"id <= {int(top[0]['top'] or 0)}"
        groups = (
            f"{upto} AND ({GROUP}) IN (SELECT {GROUP} FROM progress_delta "
            f"WHERE {upto} AND NOT in_totals)"
        )
        before = await conn.execute_query_dict(
            "SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN in_totals THEN 0 ELSE 1 END), 0) "
            f"AS counted FROM progress_delta WHERE {upto}"
        )
        await conn.execute_query(count_into_totals("progress_delta", f"{upto} AND NOT in_totals"))
        await conn.execute_query(
            f"INSERT INTO progress_delta ({GROUP}, {columns}, in_totals) "
            f"SELECT {GROUP}, {sums}, TRUE FROM progress_delta WHERE {groups} GROUP BY {GROUP}"
        )
        await conn.execute_query(f"DELETE FROM progress_delta WHERE {groups}")
        after = await conn.execute_query_dict(
            f"SELECT COUNT(*) AS n FROM progress_delta WHERE {upto}"
        )
        return Folded(int(before[0]["counted"]), int(before[0]["n"]) - int(after[0]["n"]))


async def newest_delta_id() -> int:
    conn = connection()
    rows = await conn.execute_query_dict("SELECT MAX(id) AS top FROM progress_delta")
    return int(rows[0]["top"] or 0)


async def fold_new_deltas(seen: int | None) -> int | None:
    """Folds when deltas were written since the last fold (``seen``: the newest id then);
    returns the newest id now, for the next call (``seen`` again when another worker was
    folding: this one tries at its next interval).

    Asking the newest id costs one index entry when nothing changed (grouping the whole
    table cost 80 ms of PostgreSQL every interval in every worker at 1,000,000 branches,
    before the index of deltas not yet counted). A delta committed after a fold with an
    id below ``seen`` waits for the next write to be folded: the sums are exact either way.
    """
    top = await newest_delta_id()
    if top == seen:
        return top
    if (await fold_deltas(wait=False)).busy:  # another worker is folding: next time
        return seen
    return await newest_delta_id()


def merged(sums: Sums, *, direct_only: bool = False) -> dict[str, dict[str, int]]:
    """Per sector totals of an organisation's sums (all rows, or only direct ones)."""
    out: dict[str, dict[str, int]] = {}
    for (sector, direct), counts in sums.items():
        if direct_only and not direct:
            continue
        add_into(out.setdefault(sector, {}), counts)
    return out


def total(per_sector: dict[str, dict[str, int]], metric: str) -> int:
    return sum(counts.get(metric, 0) for counts in per_sector.values())


class SectorCount(NamedTuple):
    """One sector's branches and key branches: a tuple, so that a row's 16 are made by
    ``tuple.__new__`` in C (:data:`_sector_count`), without a Python-level constructor call
    each (the root's progress shows 35 rows of them)."""

    sector: str
    total_branches: int
    key_branches: int


_sector_count = functools.partial(tuple.__new__, SectorCount)


@dataclass(slots=True)
class ProgressRow:
    """下级团支部整顿进度: one organisation's whole subtree in one campaign."""

    organization: Organization
    total_branches: int
    submitted_branches: int
    key_branches: int
    rectified_branches: int
    selected_branches: int
    overdue_branches: int
    overdue_quota_organizations: int
    by_sector: list[SectorCount]


async def progress_rows(
    org: Organization,
    campaign: Campaign,
    today: date,
    children: list[Organization],
    tree: TreeView | None = None,
) -> list[ProgressRow]:
    """The organisation's own row, then one per child; read from the counts only."""
    orgs = [org, *children]
    unit_ids = [o.id for o in orgs if not o.is_branch]
    tally = await tallies(unit_ids, tree)  # usually the worker's tree cache: no statement
    branch_ids = [o.id for o in orgs if o.is_branch]  # none under the root, most counties
    if branch_ids:  # two reads on pool connections at once (outside any transaction)
        sums, states = await asyncio.gather(
            progress_totals(campaign.id, unit_ids),
            states_by_key([(campaign.id, b) for b in branch_ids]),
        )
    else:
        sums, states = await progress_totals(campaign.id, unit_ids), []
    branch_states = dict(zip(branch_ids, states, strict=True))
    after_self_check = today > campaign.self_check_deadline
    after_review = today > campaign.review_deadline
    rows = []
    for o in orgs:
        if o.is_branch:  # a branch is its own subtree
            vector = facts(branch_states.get(o.id)).vector()
            totals = tuple(vector[m] for m in ROW_METRICS)
            keys = tuple(vector["key"] if s == o.sector.value else 0 for s in SECTORS)
            counts = [Tally(o.sector.value, 1, 0, 0)]
        else:
            totals, keys = sums.get(o.id, (_ZEROS, _NO_KEYS))
            counts = tally[o.id]
        branches = units = 0
        by_sector = dict.fromkeys(SECTORS, 0)
        for count in counts:
            branches += count.branches
            units += count.units
            by_sector[count.sector] = count.branches
        submitted = totals[_SUBMITTED]
        rows.append(
            ProgressRow(
                organization=o,
                total_branches=branches,
                submitted_branches=submitted,
                key_branches=totals[_KEY],
                rectified_branches=totals[_RECTIFIED],
                selected_branches=totals[_SELECTED],
                overdue_branches=branches - submitted if after_self_check else 0,
                overdue_quota_organizations=units - totals[_QUOTA_MET] if after_review else 0,
                by_sector=list(
                    map(_sector_count, zip(SECTORS, by_sector.values(), keys, strict=True))
                ),
            )
        )
    return rows
