"""GraphQL shape of 下级组织列表: subordinate branches with their state, paged."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from models.campaign import Campaign as CampaignModel
from models.errors import RuleError, UserErrorCode
from models.organization import Organization as OrganizationModel
from models.workflow import RectificationStatus as StatusEnum
from resolvers import subordinates as resolve
from resolvers.campaign import campaign_for_view
from schema.errors import query_error
from schema.pagination import PageInfo, check_page_size, decode_cursor, encode_cursor
from schema.rectification import BranchRectification, Rectification, RectificationStatus
from zhengdun.context import Context

Ctx = Info[Context, Any]
SubordinateScope = resolve.Scope
strawberry.enum(
    SubordinateScope, name="SubordinateScope", description="DIRECT: 直属下级; ALL: 全部下级"
)


@strawberry.type
class BranchRectificationEdge:
    node: BranchRectification
    cursor: str


@strawberry.type
class BranchRectificationConnection:
    page: strawberry.Private[resolve.SubordinatePage]
    campaign: strawberry.Private[CampaignModel | None]
    organization: strawberry.Private[OrganizationModel]
    scope: strawberry.Private[resolve.Scope]
    statuses: strawberry.Private[list[StatusEnum] | None]

    @strawberry.field
    def edges(self) -> list[BranchRectificationEdge]:
        if self.campaign is None:
            return []
        return [
            BranchRectificationEdge(
                node=Rectification(branch=branch, campaign=self.campaign, state=state),  # type: ignore[arg-type]
                cursor=encode_cursor(branch.path),
            )
            for branch, state in self.page.rows
        ]

    @strawberry.field
    def page_info(self) -> PageInfo:
        rows = self.page.rows if self.campaign is not None else []
        return PageInfo(
            has_next_page=self.page.has_next_page and self.campaign is not None,
            end_cursor=encode_cursor(rows[-1][0].path) if rows else None,
        )

    @strawberry.field
    async def total_count(self, info: Ctx) -> int:
        if self.campaign is None:
            return 0
        return await resolve.subordinate_count(
            self.organization, self.campaign, self.scope, self.statuses, info.context.loaders.tree
        )


async def organization_subordinate_branches(
    root: OrganizationModel,
    info: Ctx,
    campaign_id: strawberry.ID | None = None,
    scope: SubordinateScope | None = resolve.Scope.ALL,  # type: ignore[valid-type]
    statuses: list[RectificationStatus] | None = None,  # type: ignore[valid-type]
    first: int | None = 50,
    after: str | None = None,
) -> BranchRectificationConnection:
    """All subordinate branches by default; DIRECT for the children only. Ordered by path."""
    try:
        size = check_page_size(50 if first is None else first)
        cursor = decode_cursor(after)
        campaign: CampaignModel | None = await campaign_for_view(info, campaign_id, ["campaignId"])
    except RuleError as error:
        if error.code != UserErrorCode.NOT_FOUND or campaign_id is not None:
            raise query_error(error) from None
        campaign = None  # no campaign yet: nothing to list
    chosen = scope or resolve.Scope.ALL
    wanted = [StatusEnum(s) for s in statuses] if statuses else None
    page = (
        await resolve.subordinate_page(root, campaign, chosen, wanted, size, cursor)
        if campaign is not None
        else resolve.SubordinatePage(rows=[], has_next_page=False)
    )
    info.context.loaders.prime_organizations([branch for branch, _ in page.rows])
    return BranchRectificationConnection(
        page=page, campaign=campaign, organization=root, scope=chosen, statuses=wanted
    )
