"""Carry-over (列入第二年继续整顿对象): closing a campaign and starting the next one.

Every change of a branch's state goes through ``apply_outcome``, as every other
transition does (state row, progress counts, notifications, audit entry), in batches of
``BATCH_SIZE`` rows so that a national close never holds all rows in memory.
"""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from models import workflow
from models.campaign import Campaign
from models.organization import Organization
from models.rectification import BranchState
from resolvers.rectification import apply_outcome, rules_state
from zhengdun.context import Context

Ctx = Info[Context, Any]
BATCH_SIZE = 500

_S = workflow.RectificationStatus
# Which statuses the rules carry over, and which start the next campaign as key: read
# from the rules, never restated here.
CARRIED_FROM = [s for s in _S if workflow.carry_over(workflow.BranchState(s)) is not None]
STARTS_KEY_FROM = [s for s in _S if workflow.start_of_next_campaign(s) is not None]


async def carry_over_unfinished(info: Ctx, campaign: Campaign, action: str) -> int:
    """Every unfinished key branch of ``campaign`` becomes CARRIED_OVER; returns how many."""
    carried, after_id = 0, 0
    while True:
        rows = (
            await BranchState.filter(
                campaign_id=campaign.id, status__in=CARRIED_FROM, id__gt=after_id
            )
            .order_by("id")
            .limit(BATCH_SIZE)
            .select_for_update()
        )
        if not rows:
            return carried
        for row in rows:
            outcome = workflow.carry_over(rules_state(row, None))
            if outcome is not None:
                await apply_outcome(info, row, outcome, accepted_form_id=None, action=action)
                carried += 1
        after_id = rows[-1].id


async def start_carried_over(info: Ctx, earlier: Campaign, later: Campaign, action: str) -> int:
    """Branches carried over from ``earlier`` start ``later`` under key rectification.

    A branch that already has a state row in ``later`` keeps it as it is. The baseline
    form of a started branch is its last form of the earlier campaign. Returns how many
    branches were started.
    """
    started, after_id = 0, 0
    while True:
        previous = (
            await BranchState.filter(
                campaign_id=earlier.id, status__in=STARTS_KEY_FROM, id__gt=after_id
            )
            .order_by("id")
            .limit(BATCH_SIZE)
        )
        if not previous:
            return started
        started += await _start_batch(info, later, previous, action)
        after_id = previous[-1].id


async def _start_batch(info: Ctx, later: Campaign, previous: list[BranchState], action: str) -> int:
    by_branch = {row.branch_id: row for row in previous}
    existing = set(
        await BranchState.filter(campaign_id=later.id, branch_id__in=list(by_branch)).values_list(
            "branch_id", flat=True
        )
    )
    fresh = [branch_id for branch_id in by_branch if branch_id not in existing]
    if not fresh:
        return 0
    now = info.context.clock.now()
    branches = await Organization.filter(id__in=fresh).only("id", "path", "sector")
    await BranchState.bulk_create(
        [
            BranchState(
                campaign_id=later.id,
                branch_id=branch.id,
                branch_path=branch.path,
                sector=branch.sector,
                status=_S.NOT_SUBMITTED,
                updated_at=now,
            )
            for branch in branches
        ],
        ignore_conflicts=True,
    )
    rows = await BranchState.filter(
        campaign_id=later.id, branch_id__in=fresh, status=_S.NOT_SUBMITTED
    ).select_for_update()
    for row in rows:
        before = by_branch[row.branch_id]
        start = workflow.start_of_next_campaign(workflow.RectificationStatus(before.status))
        assert start is not None
        outcome = workflow.Outcome(
            start.status, start.is_key, start.key_reason, becomes_key_now=start.is_key
        )
        await apply_outcome(
            info, row, outcome, accepted_form_id=before.latest_self_check_id, action=action
        )
    return len(rows)
