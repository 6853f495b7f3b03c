"""GraphQL shape of 勾选排名后 20%: the quota, the ranking, and the selection."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from models.errors import RuleError
from models.organization import Organization as OrganizationModel
from models.workflow import is_quota_overdue
from permissions import IsDirectSuperior, IsOrganizationAdmin, allow
from resolvers import bottom_selection as resolve
from resolvers.campaign import campaign_for_view
from schema.errors import UserError, query_error
from schema.mutation import run_mutation
from schema.rectification import BranchRectification, Rectification
from zhengdun.context import Context

Ctx = Info[Context, Any]


@strawberry.type(description="排名 and the bottom-20% quota over the direct subordinate branches.")
class BottomSelection:
    quota: strawberry.Private[resolve.BottomQuota]

    @strawberry.field(description="N: direct subordinate branches.")
    def total_branches(self) -> int:
        return self.quota.total_branches

    @strawberry.field(description="max(1, ceil(ratio * N)); 0 when N = 0.")
    def required_count(self) -> int:
        return self.quota.required_count

    @strawberry.field(description="Direct subordinate branches with isKey true.")
    def key_count(self) -> int:
        return self.quota.key_count

    @strawberry.field(description="Direct subordinate branches ticked as bottom branches.")
    def selected_count(self) -> int:
        return self.quota.selected_count

    @strawberry.field(description="selectedCount >= requiredCount.")
    def satisfied(self) -> bool:
        return self.quota.satisfied

    @strawberry.field(description="The quota is unmet after the campaign's review deadline.")
    def overdue(self, info: Ctx) -> bool:
        campaign = self.quota.campaign
        return is_quota_overdue(
            self.quota.selected_count,
            self.quota.required_count,
            info.context.clock.today(),
            campaign.review_deadline,
        )

    @strawberry.field(
        description="Every branch with a form, worst first (most POOR, then most FAIR, then name)."
    )
    async def ranking(self, info: Ctx) -> list[BranchRectification]:
        rows = await resolve.ranking(self.quota.organization, self.quota.campaign)
        return [
            Rectification(branch=row.branch, campaign=self.quota.campaign, state=row)  # type: ignore[misc]
            for row in rows
        ]


async def organization_bottom_selection(
    root: OrganizationModel, info: Ctx, campaign_id: strawberry.ID | None = None
) -> BottomSelection:
    """In the named campaign, else the current one, else the latest that has started."""
    try:
        campaign = await campaign_for_view(info, campaign_id, ["campaignId"])
    except RuleError as error:
        raise query_error(error) from None
    return BottomSelection(
        quota=await resolve.bottom_quota(root, campaign, info.context.loaders.tree)
    )


@strawberry.input
class SelectBottomBranchesInput:
    organization_id: strawberry.ID
    branch_ids: list[strawberry.ID]
    campaign_id: strawberry.ID | None = None


@strawberry.type
class BottomSelectionPayload:
    selection: BottomSelection | None = None
    user_errors: list[UserError]


@strawberry.type
class BottomSelectionMutation:
    @strawberry.mutation(
        extensions=allow(
            IsOrganizationAdmin("input.organization_id"), IsDirectSuperior("input.branch_ids")
        ),
        description="勾选排名后 20%: the direct superior's admin; irreversible.",
    )
    async def select_bottom_branches(
        self, info: Ctx, input: SelectBottomBranchesInput
    ) -> BottomSelectionPayload:
        async def action() -> dict[str, Any]:
            quota = await resolve.select_bottom_branches(
                info, input.organization_id, list(input.branch_ids), input.campaign_id
            )
            return {"selection": BottomSelection(quota=quota)}

        return await run_mutation(BottomSelectionPayload, action)
