"""重点整顿团支部列表: the key branches directly below an organisation, month by month.

Definitions (``spec/rules.md`` → Views; the notice, section 六):

- **Rows**: the direct subordinate branches (children of type BRANCH) whose state in the
  campaign has ``is_key`` true, whatever the reason and whatever their status now
  (RECTIFIED and CARRIED_OVER included), ordered by path (the tree order, stable).
- **Baseline form**: the form the branch was accepted on when it became key
  (``BranchState.baseline_self_check_id``). For a branch carried over from the previous
  campaign that is its last form of that campaign. When no baseline is recorded, the
  branch's last form of this campaign submitted at or before ``key_since``; else none.
- **Forms considered**: the branch's forms of this campaign after the baseline (by
  version), each in the Beijing month of its submission. A baseline from the previous
  campaign comes before all of this campaign's forms. Every submitted form counts,
  reviewed or still pending: the list shows the branch's own latest account of itself.
- ``initial_poor_count``: POOR items of the baseline form (0 without one).
- ``current_poor_count``: POOR items of the latest form considered; the baseline's when
  none was submitted since (0 without either).
- ``monthly``: for every month of the campaign, the items rectified in that month, as
  :func:`models.workflow.monthly_rectified` defines them (not cumulative; nothing before
  the branch became key; 0 for a month without a form).

Always current: read from the database on every request, two statements whatever the
number of rows (the key states with their branches; every form of those branches).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from strawberry.types import Info
from tortoise.expressions import Q

from models.campaign import Campaign
from models.checklist import poor_item_codes
from models.organization import Organization, OrgType
from models.rectification import BranchState, SelfCheck
from models.workflow import campaign_months, month_of, monthly_rectified
from resolvers.campaign import campaign_or_current
from zhengdun.clock import CHINA
from zhengdun.context import Context

Ctx = Info[Context, Any]


@dataclass(frozen=True)
class KeyBranchRow:
    """One line of the list: the branch's state and its counts (see the module docstring)."""

    branch: Organization
    campaign: Campaign
    state: BranchState
    initial_poor_count: int
    current_poor_count: int
    monthly: list[tuple[str, int]]


async def key_rectification_list(
    info: Ctx, organization: Organization, campaign_id: str | None
) -> list[KeyBranchRow]:
    """The key branches directly below ``organization`` in the named or current campaign.

    Empty when no campaign is named and none is open today. RuleError (INVALID_INPUT /
    NOT_FOUND) for a bad ``campaign_id``.
    """
    campaign = await campaign_or_current(info, campaign_id, ["campaignId"])
    if campaign is None:
        return []
    states = await _key_states(campaign, organization)
    if not states:
        return []
    forms = await _forms_of(campaign, states)
    own = _by_branch(campaign, forms.values())
    _prime(info, campaign, states, forms, own)
    months = campaign_months(campaign.starts_on, campaign.ends_on)
    return [
        _row(
            campaign,
            state,
            forms.get(state.baseline_self_check_id or 0),
            own.get(state.branch_id, []),
            months,
        )
        for state in states
    ]


async def _key_states(campaign: Campaign, organization: Organization) -> list[BranchState]:
    """Statement 1: the key states of the direct child branches, with the branches."""
    return (
        await BranchState.filter(
            campaign_id=campaign.id,
            is_key=True,
            branch__parent_id=organization.id,
            branch__type=OrgType.BRANCH,
        )
        .select_related("branch")
        .order_by("branch_path")
    )


async def _forms_of(campaign: Campaign, states: Sequence[BranchState]) -> dict[int, SelfCheck]:
    """Statement 2: every form of these branches in the campaign, and their baselines.

    A carried-over branch's baseline belongs to the previous campaign, hence the OR.
    """
    condition = Q(campaign_id=campaign.id, branch_id__in=[s.branch_id for s in states])
    baseline_ids = [s.baseline_self_check_id for s in states if s.baseline_self_check_id]
    if baseline_ids:
        condition |= Q(id__in=baseline_ids)
    return {form.id: form for form in await SelfCheck.filter(condition)}


def _by_branch(campaign: Campaign, forms: Iterable[SelfCheck]) -> dict[int, list[SelfCheck]]:
    """Each branch's forms of this campaign, oldest first (by version)."""
    own: dict[int, list[SelfCheck]] = defaultdict(list)
    for form in sorted(forms, key=lambda f: f.version):
        if form.campaign_id == campaign.id:
            own[form.branch_id].append(form)
    return own


def _prime(
    info: Ctx,
    campaign: Campaign,
    states: Sequence[BranchState],
    forms: dict[int, SelfCheck],
    own: dict[int, list[SelfCheck]],
) -> None:
    """Hand what was read to this request's loaders (``rectification { selfChecks }``)."""
    loaders = info.context.loaders
    loaders.prime_organizations([s.branch for s in states])
    for state in states:
        key = (campaign.id, state.branch_id)
        loaders.workflow.state.prime(key, state)
        loaders.workflow.self_checks.prime(key, own.get(state.branch_id, [])[::-1])
    for form in forms.values():
        loaders.workflow.self_check.prime(form.id, form)


def _row(
    campaign: Campaign,
    state: BranchState,
    recorded_baseline: SelfCheck | None,
    own: Sequence[SelfCheck],
    months: list[str],
) -> KeyBranchRow:
    """One branch's counts; ``own`` is its forms of this campaign, oldest first."""
    baseline = _baseline(state, recorded_baseline, own)
    if baseline is not None and baseline.campaign_id == campaign.id:
        since = [f for f in own if f.version >= baseline.version]
        later = since[1:]
    else:
        since = later = list(own)
    baseline_poor = _poor_items(baseline) if baseline is not None else frozenset()
    key_since = state.key_since
    key_month = month_of(key_since.astimezone(CHINA).date()) if key_since else months[0]
    monthly = monthly_rectified(
        baseline_poor,
        key_month,
        [(_month(form), _poor_items(form)) for form in since],
        months,
    )
    latest = later[-1] if later else baseline
    return KeyBranchRow(
        branch=state.branch,
        campaign=campaign,
        state=state,
        initial_poor_count=baseline.poor_count if baseline is not None else 0,
        current_poor_count=latest.poor_count if latest is not None else 0,
        monthly=monthly,
    )


def _baseline(
    state: BranchState, recorded: SelfCheck | None, own: Sequence[SelfCheck]
) -> SelfCheck | None:
    """The recorded baseline; else the last own form at or before ``key_since``; else None."""
    if recorded is not None and recorded.branch_id == state.branch_id:
        return recorded
    if state.key_since is None:
        return None
    before = [f for f in own if f.submitted_at <= state.key_since]
    return before[-1] if before else None


def _month(form: SelfCheck) -> str:
    """The Beijing month of the submission ("YYYY-MM")."""
    return month_of(form.submitted_at.astimezone(CHINA).date())


def _poor_items(form: SelfCheck) -> frozenset[str]:
    return poor_item_codes([(r["itemCode"], r["rating"]) for r in form.ratings])
