"""勾选排名后 20%: the quota over an organisation's direct branches, and ticking them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strawberry.types import Info

from models import workflow
from models.campaign import Campaign
from models.errors import RuleError, UserErrorCode
from models.organization import Organization
from models.rectification import BranchState
from resolvers.audit import record
from resolvers.campaign import campaign_or_current, ensure_open
from resolvers.organization import organization_by_global_id
from resolvers.progress import merged, progress_sums, record_quota_met, tallies, total
from resolvers.rectification import apply_outcome, branch_by_global_id, lock_state, rules_state
from resolvers.tree_cache import TreeView
from zhengdun.context import Context

Ctx = Info[Context, Any]


@dataclass
class BottomQuota:
    """The quota of one organisation in one campaign, from the counts (no scan)."""

    organization: Organization
    campaign: Campaign
    total_branches: int
    required_count: int
    key_count: int
    selected_count: int

    @property
    def satisfied(self) -> bool:
        return self.selected_count >= self.required_count


async def bottom_quota(
    org: Organization, campaign: Campaign, tree: TreeView | None = None
) -> BottomQuota:
    """The quota now; ``tree``: the request's view of the tree cache (none in a write)."""
    tally = (await tallies([org.id], tree))[org.id]
    n = sum(t.direct_branches for t in tally)
    direct = merged((await progress_sums(campaign.id, [org.id]))[org.id], direct_only=True)
    return BottomQuota(
        organization=org,
        campaign=campaign,
        total_branches=n,
        required_count=workflow.bottom_quota(n, campaign.bottom_ratio),
        key_count=total(direct, "key"),
        selected_count=total(direct, "selected"),
    )


async def ranking(org: Organization, campaign: Campaign) -> list[BranchState]:
    """Every direct branch with a form, worst first (most POOR, most FAIR, then name)."""
    rows = await BranchState.filter(
        campaign_id=campaign.id, branch__parent_id=org.id, latest_self_check_id__isnull=False
    ).select_related("branch")
    return sorted(
        rows,
        key=lambda r: workflow.ranking_key(
            r.latest_poor or 0, r.latest_fair or 0, r.branch.name, str(r.branch_id)
        ),
    )


async def select_bottom_branches(
    info: Ctx, organization_id: str, branch_ids: list[str], campaign_id: str | None
) -> BottomQuota:
    """Ticks the branches; refused as a whole unless the quota is reached afterwards."""
    campaign = await campaign_or_current(info, campaign_id, ["input", "campaignId"])
    if campaign is None:
        raise RuleError(UserErrorCode.CAMPAIGN_CLOSED, "当前没有进行中的整顿工作，不能勾选。")
    ensure_open(info, campaign)
    superior = await organization_by_global_id(info, organization_id, ["input", "organizationId"])
    if not branch_ids:
        raise RuleError(UserErrorCode.INVALID_INPUT, "请至少勾选一个团支部", ["input", "branchIds"])
    # One selection of an organisation at a time: two admins confirming at once cannot
    # both count on the other's ticks.
    await Organization.select_for_update().get(id=superior.id)
    before = await bottom_quota(superior, campaign)
    branches = {}
    for global_id in branch_ids:
        branch = await branch_by_global_id(info, global_id, ["input", "branchIds"])
        branches[branch.id] = branch
    now = info.context.clock.now()
    viewer = info.context.viewer
    assert viewer is not None
    # Every state row is locked before any is changed. A change raises the organisation's
    # version of states (migration 0008): a row lock held to the end of the transaction,
    # which a branch's own submission takes after locking its state row. Waiting for a
    # state row while holding the version could close a cycle with it: a deadlock.
    ordered = sorted(branches.values(), key=lambda b: b.id)
    rows = [await lock_state(campaign, branch, now) for branch in ordered]
    for branch, row in zip(ordered, rows, strict=True):
        if row.selected_as_bottom:
            continue  # ticked before: a tick is never repeated nor undone
        try:
            outcome = workflow.select_as_bottom(rules_state(row, None))
        except RuleError as error:
            raise RuleError(error.code, f"{branch.name}：{error.message}", error.field) from None
        await apply_outcome(
            info,
            row,
            outcome,
            action="selectBottomBranches",
            selected=True,
            accepted_form_id=row.latest_self_check_id,
            actor_name=viewer.display_name,
        )
    after = await bottom_quota(superior, campaign)
    workflow.check_bottom_quota(after.selected_count, after.required_count)
    if not before.satisfied:
        await record_quota_met(campaign.id, superior)
    await record(
        info,
        "selectBottomBranches",
        "Organization",
        superior.id,
        {"campaignId": campaign.id, "branchIds": sorted(branches)},
    )
    return after
