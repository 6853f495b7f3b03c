"""GraphQL shape of spot checks (抽查核查): the draw mutation, the record, the list."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from models.errors import RuleError
from models.organization import Organization as OrganizationModel
from models.spot_check import SpotCheck as SpotCheckModel
from models.workflow import RectificationStatus  # GraphQL enum: see schema.rectification
from permissions import IsOrganizationAdmin, allow
from resolvers import spot_check as resolve
from schema.campaign import Campaign
from schema.errors import UserError, query_error
from schema.ids import encode_id
from schema.mutation import run_mutation
from schema.node import Node
from schema.rectification import BranchRectification, Rectification
from zhengdun.context import Context

if TYPE_CHECKING:
    from models.organization import Sector
    from schema.organization import Organization

Ctx = Info[Context, Any]
# Lazy: schema.organization lists the draws of an organisation (organization_spot_checks).
OrganizationType = Annotated["Organization", strawberry.lazy("schema.organization")]
SectorType = Annotated["Sector", strawberry.lazy("schema.organization")]


@strawberry.type(name="SpotCheck", description="抽查核查: 一次抽取的记录(永不修改)")
class SpotCheck(Node):
    @strawberry.field  # type: ignore[misc]
    def id(root: SpotCheckModel) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(encode_id("SpotCheck", root.id))

    @strawberry.field(description="The organisation that drew (its admins).")
    async def organization(root: SpotCheckModel, info: Ctx) -> OrganizationType:
        return await info.context.loaders.organization.load(root.organization_id)  # type: ignore[return-value]

    @strawberry.field
    async def campaign(root: SpotCheckModel, info: Ctx) -> Campaign:
        return await info.context.loaders.workflow.campaign.load(root.campaign_id)  # type: ignore[return-value]

    @strawberry.field(description="Share of the eligible branches drawn.")
    def ratio(root: SpotCheckModel) -> float:
        return float(root.ratio)

    @strawberry.field(description="The sector filter; null for every sector.")
    def sector(root: SpotCheckModel) -> SectorType | None:
        return root.sector  # type: ignore[return-value]

    @strawberry.field(description="The status filter; null for every status.")
    def statuses(root: SpotCheckModel) -> list[RectificationStatus] | None:
        if root.statuses is None:
            return None
        return [RectificationStatus(s) for s in root.statuses]

    @strawberry.field(
        description="Drawing again with this seed over the same branches gives the same sample."
    )
    def seed(root: SpotCheckModel) -> int:
        return root.seed

    @strawberry.field
    def created_at(root: SpotCheckModel) -> datetime.datetime:
        return root.created_at

    @strawberry.field(description="The admin who drew (系统自动获取).")
    def created_by_name(root: SpotCheckModel) -> str:
        return root.created_by_name

    @strawberry.field(description="How many branches matched the filters when drawn.")
    def eligible_count(root: SpotCheckModel) -> int:
        return root.eligible_count

    @strawberry.field(
        description="The sampled branches in tree order, each with its current state."
    )
    async def branches(root: SpotCheckModel, info: Ctx) -> list[BranchRectification]:
        loaders = info.context.loaders
        campaign = await loaders.workflow.campaign.load(root.campaign_id)
        assert campaign is not None
        ids: list[int] = list(root.branch_ids)
        found = await loaders.organization.load_many(ids)
        states = await loaders.workflow.state.load_many([(campaign.id, i) for i in ids])
        drawn: list[Rectification] = [
            Rectification(branch=branch, campaign=campaign, state=state)
            for branch, state in zip(found, states, strict=True)
            if branch is not None
        ]
        drawn.sort(key=lambda r: r.branch.path)
        return drawn  # type: ignore[return-value]

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, SpotCheckModel)


@strawberry.input(description="抽查核查")
class DrawSpotCheckInput:
    organization_id: strawberry.ID = strawberry.field(
        description="The drawing organisation: the viewer's own."
    )
    ratio: float = strawberry.field(
        description="Share of the eligible branches to draw, 0 < ratio <= 1 "
        "(at least one branch when any is eligible)."
    )
    sector: SectorType | None = None
    statuses: list[RectificationStatus] | None = strawberry.field(
        default=None, description="Only branches in one of these statuses; null or empty for any."
    )
    seed: int | None = strawberry.field(
        default=None, description="Same seed, same eligible set: same sample."
    )
    campaign_id: strawberry.ID | None = strawberry.field(
        default=None, description="Default: the current campaign (it must be open)."
    )


@strawberry.type
class SpotCheckPayload:
    spot_check: SpotCheck | None = None
    user_errors: list[UserError]


async def organization_spot_checks(
    root: OrganizationModel, info: Ctx, campaign_id: strawberry.ID | None = None
) -> list[SpotCheck]:
    """``Organization.spotChecks``: 抽查核查 draws made by this organisation, newest first."""
    try:
        found = await resolve.spot_checks_of(info, root, campaign_id)
    except RuleError as error:
        raise query_error(error) from None
    return found  # type: ignore[return-value]


@strawberry.type
class SpotCheckMutation:
    @strawberry.mutation(
        extensions=allow(IsOrganizationAdmin("input.organization_id")),
        description="抽查核查: an admin of any non-branch organisation, "
        "over the branches below it.",
    )
    async def draw_spot_check(self, info: Ctx, input: DrawSpotCheckInput) -> SpotCheckPayload:
        async def action() -> dict[str, Any]:
            request = resolve.DrawRequest(
                organization_id=input.organization_id,
                ratio=input.ratio,
                sector=input.sector,  # type: ignore[arg-type]
                statuses=input.statuses,
                seed=input.seed,
                campaign_id=input.campaign_id,
            )
            return {"spot_check": await resolve.draw_spot_check(info, request)}

        return await run_mutation(SpotCheckPayload, action)
