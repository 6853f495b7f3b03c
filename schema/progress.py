"""GraphQL shape of 下级团支部整顿进度 (progress by sector)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from models.organization import Organization as OrganizationModel
from resolvers import progress as resolve
from resolvers.campaign import campaign_for_view
from resolvers.organization import all_children
from schema.organization import Sector
from zhengdun.context import Context

if TYPE_CHECKING:
    from schema.organization import Organization

Ctx = Info[Context, Any]


@strawberry.type(description="某一领域的团支部数")
class SectorCount:
    sector: Sector
    total_branches: int
    key_branches: int


@strawberry.type(description="一个组织(含全部下级)的整顿进度")
class ProgressRow:
    """Resolved straight from ``resolvers.progress.ProgressRow`` (plain attributes)."""

    organization: Annotated[Organization, strawberry.lazy("schema.organization")]
    total_branches: int
    submitted_branches: int = strawberry.field(
        description="Branches with at least one form (self or superior) in the campaign."
    )
    key_branches: int = strawberry.field(description="Branches with isKey true.")
    rectified_branches: int = strawberry.field(description="Branches in status RECTIFIED.")
    selected_branches: int = strawberry.field(
        description="Branches ticked as bottom branches (后进团支部)."
    )
    overdue_branches: int = strawberry.field(
        description="Branches with no form after the campaign's self-check deadline (0 before it)."
    )
    overdue_quota_organizations: int = strawberry.field(
        description="Organisations in this subtree (itself included) with branches among their "
        "children whose bottom quota is unmet after the review deadline (0 before it)."
    )
    by_sector: list[SectorCount]


@strawberry.type(description="下级团支部整顿进度")
class RectificationProgress:
    rows: list[ProgressRow] = strawberry.field(
        description="First row: the organisation itself (its whole subtree); then one per child organisation."
    )


async def organization_progress(
    root: OrganizationModel, info: Ctx, campaign_id: strawberry.ID | None = None
) -> RectificationProgress:
    from models.errors import RuleError
    from schema.errors import query_error

    try:
        campaign = await campaign_for_view(info, campaign_id, ["campaignId"])
    except RuleError as error:
        raise query_error(error) from None
    tree = info.context.loaders.tree
    children = await all_children(root, tree)
    rows = await resolve.progress_rows(root, campaign, info.context.clock.today(), children, tree)
    return RectificationProgress(rows=rows)  # type: ignore[arg-type]
