"""GraphQL shape of the organisation tree."""

from __future__ import annotations

import functools
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from models.errors import RuleError
from models.organization import Organization as OrganizationModel
from models.organization import OrgType as OrgTypeEnum
from models.organization import Sector as SectorEnum
from permissions import CanManageBelow, CanSeeBreadcrumb, CanSeeOrganization, CanSeeTarget, allow
from resolvers import organization as resolve
from resolvers.loaders import MISSING, peek
from resolvers.subordinates import Scope
from schema.errors import UserError, query_error
from schema.fast_fields import context_only
from schema.ids import encode_id
from schema.mutation import run_mutation
from schema.node import Node
from schema.pagination import PageInfo, encode_cursor
from schema.rectification import Rectification
from zhengdun.context import Context

OrgType = OrgTypeEnum
strawberry.enum(OrgType, name="OrgType", description="组织类别")
Sector = SectorEnum
strawberry.enum(Sector, name="Sector", description="单位所属行业类别")

Ctx = Info[Context, Any]

if TYPE_CHECKING:
    from schema.bottom_selection import BottomSelection
    from schema.key_list import KeyRectificationRow
    from schema.progress import RectificationProgress
    from schema.rectification import BranchRectification, RectificationStatus
    from schema.spot_check import SpotCheck
    from schema.subordinates import BranchRectificationConnection, SubordinateScope
SEE = allow(CanSeeOrganization())


@functools.lru_cache(maxsize=65_536)  # one argument: the cache's key is the id itself
def organization_id(pk: int) -> str:
    return encode_id.__wrapped__("Organization", pk)  # not kept a second time in its cache


BREADCRUMB = allow(CanSeeBreadcrumb())


@strawberry.type(name="Organization", description="团组织")
class Organization(Node):
    @strawberry.field(extensions=BREADCRUMB)  # type: ignore[misc]
    def id(root: OrganizationModel) -> strawberry.ID:  # type: ignore[override]
        return organization_id(root.id)  # type: ignore[return-value]  # an ID is a str

    name: str = strawberry.field(extensions=BREADCRUMB)
    type: OrgType = strawberry.field(extensions=BREADCRUMB)
    sector: Sector = strawberry.field(extensions=SEE)
    depth: int = strawberry.field(extensions=SEE, description="根为 0")

    @strawberry.field(extensions=SEE)
    async def parent(root: OrganizationModel, info: Ctx) -> Organization | None:
        return await resolve.parent(info, root)  # type: ignore[return-value]

    @strawberry.field(extensions=SEE, description="Root first, this organisation excluded.")
    async def ancestors(root: OrganizationModel, info: Ctx) -> list[Organization]:
        return await resolve.ancestors(info, root)  # type: ignore[return-value]

    @strawberry.field(extensions=SEE, description="直属下级组织，按组织树顺序分页")
    def children(
        root: OrganizationModel, info: Ctx, first: int | None = 50, after: str | None = None
    ) -> OrganizationConnection:
        try:  # the page, or an awaitable of it (resolvers/organization.py)
            page = resolve.children_page(info, root, 50 if first is None else first, after)
        except RuleError as error:
            raise query_error(error) from None
        if isinstance(page, resolve.ChildrenPage):
            return OrganizationConnection(parent=root, page=page)
        return _connection(root, page)  # type: ignore[return-value]

    @strawberry.field(
        extensions=SEE, description="Number of branches in this organisation's whole subtree."
    )
    def branch_count(root: OrganizationModel) -> int:
        return root.branch_count

    @strawberry.field(
        extensions=SEE,
        description="A branch's state in a campaign (default: the current one, else the latest that has started); null for non-branches.",
    )
    @context_only
    def rectification(
        root: OrganizationModel, info: Ctx, campaign_id: strawberry.ID | None = None
    ) -> Annotated[BranchRectification, strawberry.lazy("schema.rectification")] | None:
        if root.type != OrgTypeEnum.BRANCH:
            return None
        if campaign_id is None:  # usually fetched with the branch: answer at once
            loaders = info.context.loaders.workflow
            campaign = peek(loaders.open_campaign, info.context.today)
            if campaign is not MISSING and campaign is not None:
                key = (campaign.id, root.id)
                state = loaders.brief.get(key, MISSING)  # listed in a page of the tree?
                if state is MISSING:
                    state = peek(loaders.state, key)
                if state is not MISSING:
                    return Rectification(root, campaign, state)  # type: ignore[return-value, arg-type]
        return _rectification(root, info, campaign_id)  # type: ignore[return-value]

    # The views live in their own modules, which import this one: imported on first use.
    @strawberry.field(
        extensions=SEE,
        description="下级组织列表: all subordinate branches by default; canReview marks the direct ones.",
    )
    async def subordinate_branches(
        root: OrganizationModel,
        info: Ctx,
        campaign_id: strawberry.ID | None = None,
        scope: Annotated[SubordinateScope, strawberry.lazy("schema.subordinates")]
        | None = Scope.ALL,
        statuses: list[Annotated[RectificationStatus, strawberry.lazy("schema.rectification")]]
        | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Annotated[BranchRectificationConnection, strawberry.lazy("schema.subordinates")]:
        from schema.subordinates import organization_subordinate_branches

        return await organization_subordinate_branches(
            root, info, campaign_id, scope, statuses, first, after
        )

    @strawberry.field(
        extensions=SEE,
        description="排名 and the bottom-20% quota over the direct subordinate branches.",
    )
    async def bottom_selection(
        root: OrganizationModel, info: Ctx, campaign_id: strawberry.ID | None = None
    ) -> Annotated[BottomSelection, strawberry.lazy("schema.bottom_selection")]:
        from schema.bottom_selection import organization_bottom_selection

        return await organization_bottom_selection(root, info, campaign_id)

    @strawberry.field(extensions=SEE, description="下级团支部整顿进度.")
    async def progress(
        root: OrganizationModel, info: Ctx, campaign_id: strawberry.ID | None = None
    ) -> Annotated[RectificationProgress, strawberry.lazy("schema.progress")]:
        from schema.progress import organization_progress

        return await organization_progress(root, info, campaign_id)

    @strawberry.field(
        extensions=SEE, description="重点整顿团支部列表: direct subordinate key branches."
    )
    async def key_rectification_list(
        root: OrganizationModel, info: Ctx, campaign_id: strawberry.ID | None = None
    ) -> list[Annotated[KeyRectificationRow, strawberry.lazy("schema.key_list")]]:
        from schema.key_list import organization_key_rectification_list

        return await organization_key_rectification_list(root, info, campaign_id)

    @strawberry.field(
        extensions=SEE, description="抽查核查 draws made by this organisation, newest first."
    )
    async def spot_checks(
        root: OrganizationModel, info: Ctx, campaign_id: strawberry.ID | None = None
    ) -> list[Annotated[SpotCheck, strawberry.lazy("schema.spot_check")]]:
        from schema.spot_check import organization_spot_checks

        return await organization_spot_checks(root, info, campaign_id)

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, OrganizationModel)


async def _connection(
    parent: OrganizationModel, page: Awaitable[resolve.ChildrenPage]
) -> OrganizationConnection:
    return OrganizationConnection(parent=parent, page=await page)


async def _rectification(
    root: OrganizationModel, info: Ctx, campaign_id: strawberry.ID | None
) -> Any:
    from models.errors import UserErrorCode
    from resolvers.campaign import campaign_for_view
    from schema.rectification import Rectification

    try:
        campaign = await campaign_for_view(info, campaign_id, ["campaignId"])
    except RuleError as error:
        if error.code == UserErrorCode.NOT_FOUND and campaign_id is None:
            return None  # no campaign has started yet
        raise query_error(error) from None
    state = await info.context.loaders.workflow.state.load((campaign.id, root.id))
    return Rectification(branch=root, campaign=campaign, state=state)


@strawberry.type
class OrganizationEdge:
    """An edge is its organisation: a page's rows serve as its edges, no object each."""

    @strawberry.field
    def node(root: OrganizationModel) -> Organization:
        return root  # type: ignore[return-value]

    @strawberry.field
    def cursor(root: OrganizationModel) -> str:
        return encode_cursor(root.path)


@strawberry.type
class OrganizationConnection:
    parent: strawberry.Private[OrganizationModel]
    page: strawberry.Private[resolve.ChildrenPage]

    @strawberry.field
    def edges(self) -> list[OrganizationEdge]:
        return self.page.items  # type: ignore[return-value]

    @strawberry.field
    def page_info(self) -> PageInfo:
        items = self.page.items
        return PageInfo(
            has_next_page=self.page.has_next_page,
            end_cursor=encode_cursor(items[-1].path) if items else None,
        )

    @strawberry.field
    async def total_count(self, info: Ctx) -> int:
        return await resolve.child_count(info, self.parent)


@strawberry.input
class CreateOrganizationInput:
    parent_id: strawberry.ID
    name: str
    type: OrgType
    sector: Sector


@strawberry.type
class OrganizationPayload:
    organization: Organization | None = None
    user_errors: list[UserError]


@strawberry.type
class OrganizationQuery:
    @strawberry.field(extensions=allow(CanSeeTarget("id")), description="按 ID 查看组织")
    async def organization(self, info: Ctx, id: strawberry.ID) -> Organization | None:
        try:
            org = await resolve.organization_by_global_id(info, id, ["id"])
        except RuleError as error:
            if error.code.value == "NOT_FOUND":
                return None
            raise query_error(error) from None
        return org  # type: ignore[return-value]


@strawberry.type
class OrganizationMutation:
    @strawberry.mutation(
        extensions=allow(CanManageBelow("input.parent_id", including_target=True)),
        description="Organisation and account management (admin of the parent / an ancestor).",
    )
    async def create_organization(
        self, info: Ctx, input: CreateOrganizationInput
    ) -> OrganizationPayload:
        async def action() -> dict[str, Any]:
            org = await resolve.create_organization(
                info, input.parent_id, input.name, input.type, input.sector
            )
            return {"organization": org}

        return await run_mutation(OrganizationPayload, action)
