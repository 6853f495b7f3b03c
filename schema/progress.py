"""GraphQL shape of 下级团支部整顿进度 (progress by sector)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from models.organization import Organization as OrganizationModel
from resolvers import progress as resolve
from resolvers.campaign import campaign_for_view
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
    row: strawberry.Private[resolve.ProgressRow]

    @strawberry.field
    def organization(self) -> Annotated[Organization, strawberry.lazy("schema.organization")]:
        return self.row.organization  # type: ignore[return-value]

    @strawberry.field
    def total_branches(self) -> int:
        return self.row.total_branches

    @strawberry.field(
        description="Branches with at least one form (self or superior) in the campaign."
    )
    def submitted_branches(self) -> int:
        return self.row.submitted_branches

    @strawberry.field(description="Branches with isKey true.")
    def key_branches(self) -> int:
        return self.row.key_branches

    @strawberry.field(description="Branches in status RECTIFIED.")
    def rectified_branches(self) -> int:
        return self.row.rectified_branches

    @strawberry.field(description="Branches ticked as bottom branches (后进团支部).")
    def selected_branches(self) -> int:
        return self.row.selected_branches

    @strawberry.field(
        description="Branches with no form after the campaign's self-check deadline (0 before it)."
    )
    def overdue_branches(self) -> int:
        return self.row.overdue_branches

    @strawberry.field(
        description="Organisations in this subtree (itself included) with branches among their "
        "children whose bottom quota is unmet after the review deadline (0 before it)."
    )
    def overdue_quota_organizations(self) -> int:
        return self.row.overdue_quota_organizations

    @strawberry.field
    def by_sector(self) -> list[SectorCount]:
        return [
            SectorCount(sector=sector, total_branches=branches, key_branches=key)  # type: ignore[arg-type]
            for sector, (branches, key) in self.row.by_sector.items()
        ]


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
    children = await OrganizationModel.filter(parent_id=root.id).order_by("path")
    rows = await resolve.progress_rows(root, campaign, info.context.clock.today(), children)
    return RectificationProgress(rows=[ProgressRow(row=r) for r in rows])
