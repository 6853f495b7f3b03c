"""GraphQL shape of a branch in a campaign: forms, reviews, and the workflow mutations."""

from __future__ import annotations

import datetime
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from models import workflow
from models.campaign import Campaign as CampaignModel
from models.organization import Organization as OrganizationModel
from models.rectification import BranchState, BriefState, Shown, ShownState
from models.rectification import SelfCheck as SelfCheckModel
from permissions import IsBranchAdmin, IsDirectSuperior, allow
from permissions.organization import is_direct_superior
from resolvers import rectification as resolve
from resolvers.loaders import MISSING, peek
from resolvers.rectification import template_rules
from schema.campaign import Campaign, ChecklistItem
from schema.errors import UserError
from schema.fast_fields import context_only
from schema.ids import encode_id
from schema.mutation import run_mutation
from schema.node import Node
from zhengdun.context import Context

if TYPE_CHECKING:
    from schema.organization import Organization

Ctx = Info[Context, Any]
OrganizationType = Annotated["Organization", strawberry.lazy("schema.organization")]

RectificationStatus = workflow.RectificationStatus
strawberry.enum(RectificationStatus, name="RectificationStatus", description="团支部整顿状态")
KeyReason = workflow.KeyReason
strawberry.enum(KeyReason, name="KeyReason", description="纳入重点整顿的原因")
Rating = workflow.Rating
strawberry.enum(Rating, name="Rating", description="好 / 一般 / 较差")
SelfCheckSource = workflow.SelfCheckSource
strawberry.enum(SelfCheckSource, name="SelfCheckSource", description="团支部自检 / 上级评估")
ReviewDecision = workflow.ReviewDecision
strawberry.enum(
    ReviewDecision,
    name="ReviewDecision",
    description="通过 / 不通过 / 开始整改 / 继续整改",
)


@dataclass(slots=True)
class Rectification:
    """A branch in a campaign; ``state`` is None until its first form (NOT_SUBMITTED).

    A branch listed in a page of the tree comes with its :class:`BriefState`; a field
    it does not hold reads the branch's :class:`ShownState` (:func:`shown`).
    """

    branch: OrganizationModel
    campaign: CampaignModel
    state: Shown | BriefState | None


def shown(root: Rectification, info: Ctx) -> Shown | None | Awaitable[Shown | None]:
    """The state with all its shown columns: ``root.state`` unless it is brief, else the
    branch's :class:`ShownState`, known already or read with those of the other listed
    branches whose details the document asks, one statement per level (an awaitable)."""
    state = root.state
    if not isinstance(state, BriefState):
        return state
    loader = info.context.loaders.workflow.state
    key = (root.campaign.id, root.branch.id)
    known = peek(loader, key)
    return loader.load(key) if known is MISSING else known


def _detail(root: Rectification, info: Ctx, attribute: str) -> Any:
    """One column of :func:`shown`: a value, or an awaitable of it."""
    state = shown(root, info)
    if state is None or isinstance(state, (BranchState, ShownState)):
        return None if state is None else getattr(state, attribute)

    async def later() -> Any:
        full = await state
        return None if full is None else getattr(full, attribute)

    return later()


@strawberry.type(description="条目评价")
class ItemRating:
    item: ChecklistItem
    rating: Rating
    note: str | None


@strawberry.type(description="审核结果")
class Review:
    decision: ReviewDecision
    reviewer_name: str
    reviewed_at: datetime.datetime
    comment: str | None


@strawberry.type(name="SelfCheck", description="团支部自检表(每次提交一份，永不修改)")
class SelfCheck(Node):
    @strawberry.field  # type: ignore[misc]
    def id(root: SelfCheckModel) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(encode_id("SelfCheck", root.id))

    @strawberry.field
    async def branch(root: SelfCheckModel, info: Ctx) -> OrganizationType:
        return await info.context.loaders.organization.load(root.branch_id)  # type: ignore[return-value]

    version: int
    source: SelfCheckSource
    filled_by_name: str
    submitted_at: datetime.datetime

    @strawberry.field
    async def ratings(root: SelfCheckModel, info: Ctx) -> list[ItemRating]:
        campaign = await info.context.loaders.workflow.campaign.load(root.campaign_id)
        assert campaign is not None
        items = {i.code: i for i in (await template_rules(info, campaign)).items}
        return [
            ItemRating(
                item=ChecklistItem(
                    code=r["itemCode"],
                    category=items[r["itemCode"]].category,
                    title=items[r["itemCode"]].title,
                ),
                rating=workflow.Rating(r["rating"]),
                note=r.get("note"),
            )
            for r in root.ratings
        ]

    poor_count: int
    fair_count: int
    good_count: int

    @strawberry.field
    async def review(root: SelfCheckModel, info: Ctx) -> Review | None:
        row = await info.context.loaders.workflow.review.load(root.id)
        if row is None:
            return None
        return Review(
            decision=row.decision,
            reviewer_name=row.reviewer_name,
            reviewed_at=row.reviewed_at,
            comment=row.comment,
        )

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, SelfCheckModel)


@strawberry.type(name="BranchRectification", description="团支部在一次整顿工作中的情况")
class BranchRectification:
    @strawberry.field
    def branch(root: Rectification) -> OrganizationType:
        return root.branch  # type: ignore[return-value]

    @strawberry.field
    def campaign(root: Rectification) -> Campaign:
        return root.campaign  # type: ignore[return-value]

    @strawberry.field
    def status(root: Rectification) -> RectificationStatus:
        return root.state.status if root.state else workflow.RectificationStatus.NOT_SUBMITTED

    @strawberry.field(
        description="Placed under key rectification in this campaign (stays true once rectified)."
    )
    def is_key(root: Rectification) -> bool:
        return bool(root.state and root.state.is_key)

    @strawberry.field(description="The first reason it became key in this campaign.")
    @context_only
    def key_reason(root: Rectification, info: Ctx) -> KeyReason | None:
        return _detail(root, info, "key_reason")  # type: ignore[no-any-return]

    @strawberry.field(description="When it first became key.")
    @context_only
    def key_since(root: Rectification, info: Ctx) -> datetime.datetime | None:
        return _detail(root, info, "key_since")  # type: ignore[no-any-return]

    @strawberry.field(description="Ticked as a bottom branch (后进团支部).")
    def selected_as_bottom(root: Rectification) -> bool:
        return bool(root.state and root.state.selected_as_bottom)

    @strawberry.field
    @context_only
    def selected_at(root: Rectification, info: Ctx) -> datetime.datetime | None:
        return _detail(root, info, "selected_at")  # type: ignore[no-any-return]

    @strawberry.field
    @context_only
    def selected_by_name(root: Rectification, info: Ctx) -> str | None:
        return _detail(root, info, "selected_by_name")  # type: ignore[no-any-return]

    @strawberry.field(description="较差项 of the latest form; null without a form.")
    def latest_poor_count(root: Rectification) -> int | None:
        return root.state.latest_poor if root.state else None

    @strawberry.field
    async def latest_self_check(root: Rectification, info: Ctx) -> SelfCheck | None:
        state = shown(root, info)
        if state is not None and not isinstance(state, (BranchState, ShownState)):
            state = await state
        if state is None or state.latest_self_check_id is None:
            return None
        return await info.context.loaders.workflow.self_check.load(state.latest_self_check_id)  # type: ignore[return-value]

    @strawberry.field(description="Newest first.")
    async def self_checks(root: Rectification, info: Ctx) -> list[SelfCheck]:
        if root.state is None:
            return []
        key = (root.campaign.id, root.branch.id)
        return await info.context.loaders.workflow.self_checks.load(key)  # type: ignore[return-value]

    @strawberry.field(
        description="Whether the viewer may assess, review or select this branch (its direct superior)."
    )
    def can_review(root: Rectification, info: Ctx) -> bool:
        viewer = info.context.viewer
        return viewer is not None and is_direct_superior(viewer.organization, root.branch)


@strawberry.input
class RatingInput:
    item_code: str
    rating: Rating
    note: str | None = None


@strawberry.input
class SubmitSelfCheckInput:
    branch_id: strawberry.ID
    ratings: list[RatingInput]
    client_mutation_id: str | None = strawberry.field(
        default=None, description="重复提交同一请求时返回第一次的结果(防止双击)"
    )


@strawberry.input
class AssessBranchInput:
    branch_id: strawberry.ID
    ratings: list[RatingInput]


@strawberry.input
class ReviewSelfCheckInput:
    self_check_id: strawberry.ID = strawberry.field(
        description="The form being judged: must be the branch's latest."
    )
    decision: ReviewDecision
    comment: str | None = None


@strawberry.type
class SelfCheckPayload:
    self_check: SelfCheck | None = None
    rectification: BranchRectification | None = None
    user_errors: list[UserError]


@strawberry.type
class ReviewPayload:
    rectification: BranchRectification | None = None
    user_errors: list[UserError]


def _entries(ratings: list[RatingInput]) -> list[resolve.RatingEntry]:
    return [resolve.RatingEntry(r.item_code, r.rating, r.note) for r in ratings]


async def rectification_of(info: Ctx, row: BranchState) -> Rectification:
    branch = await info.context.loaders.organization.load(row.branch_id)
    campaign = await info.context.loaders.workflow.campaign.load(row.campaign_id)
    assert branch is not None and campaign is not None
    return Rectification(branch=branch, campaign=campaign, state=row)


@strawberry.type
class RectificationMutation:
    @strawberry.mutation(
        extensions=allow(IsBranchAdmin("input.branch_id")),
        description="团支部自检: the branch's own admin.",
    )
    async def submit_self_check(self, info: Ctx, input: SubmitSelfCheckInput) -> SelfCheckPayload:
        async def action() -> dict[str, Any]:
            form, row = await resolve.submit_self_check(
                info, input.branch_id, _entries(input.ratings), input.client_mutation_id
            )
            return {"self_check": form, "rectification": await rectification_of(info, row)}

        return await run_mutation(SelfCheckPayload, action)

    @strawberry.mutation(
        extensions=allow(IsDirectSuperior("input.branch_id")),
        description="上级评估: the direct superior's admin, only for a branch that has not submitted.",
    )
    async def assess_branch(self, info: Ctx, input: AssessBranchInput) -> SelfCheckPayload:
        async def action() -> dict[str, Any]:
            form, row = await resolve.assess_branch(info, input.branch_id, _entries(input.ratings))
            return {"self_check": form, "rectification": await rectification_of(info, row)}

        return await run_mutation(SelfCheckPayload, action)

    @strawberry.mutation(
        extensions=allow(IsDirectSuperior("input.self_check_id", of="SelfCheck")),
        description="通过 / 不通过 / 开始整改 / 继续整改: the direct superior's admin.",
    )
    async def review_self_check(self, info: Ctx, input: ReviewSelfCheckInput) -> ReviewPayload:
        async def action() -> dict[str, Any]:
            row = await resolve.review_self_check(
                info, input.self_check_id, input.decision, input.comment
            )
            return {"rectification": await rectification_of(info, row)}

        return await run_mutation(ReviewPayload, action)
