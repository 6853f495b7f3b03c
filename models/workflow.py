"""Rectification workflow (整理整顿): statuses, transitions, bottom quota, campaign calendar.

Pure rules, no I/O: no ORM, no database, no clock. Times and dates are arguments, and
every function returns a value (or raises :class:`RuleError`) that a resolver then
persists. The rules are those of ``spec/rules.md`` and the League's notice.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from models.errors import RuleError, UserErrorCode


class RectificationStatus(str, enum.Enum):  # noqa: UP042 (the house form; see organization.py)
    NOT_SUBMITTED = "NOT_SUBMITTED"  # 未提交
    PENDING_REVIEW = "PENDING_REVIEW"  # 待审核
    REJECTED = "REJECTED"  # 不通过
    PASSED = "PASSED"  # 通过
    KEY_RECTIFYING = "KEY_RECTIFYING"  # 重点整改中
    KEY_PENDING_REVIEW = "KEY_PENDING_REVIEW"  # 整改待审核
    RECTIFIED = "RECTIFIED"  # 完成整改
    CARRIED_OVER = "CARRIED_OVER"  # 列入下一年


class KeyReason(str, enum.Enum):  # noqa: UP042 (the house form; see organization.py)
    POOR_THRESHOLD = "POOR_THRESHOLD"  # 较差项达到阈值
    REVIEW_DECISION = "REVIEW_DECISION"  # 上级审核决定
    BOTTOM_SELECTION = "BOTTOM_SELECTION"  # 勾选为后进团支部
    CARRIED_OVER = "CARRIED_OVER"  # 上一年未完成整改


class ReviewDecision(str, enum.Enum):  # noqa: UP042 (the house form; see organization.py)
    PASS = "PASS"  # 通过
    REJECT = "REJECT"  # 不通过
    START_RECTIFICATION = "START_RECTIFICATION"  # 开始整改
    CONTINUE_RECTIFICATION = "CONTINUE_RECTIFICATION"  # 继续整改


class SelfCheckSource(str, enum.Enum):  # noqa: UP042 (the house form; see organization.py)
    SELF = "SELF"  # 团支部自检
    SUPERIOR = "SUPERIOR"  # 上级评估


class Rating(str, enum.Enum):  # noqa: UP042 (the house form; see organization.py)
    GOOD = "GOOD"  # 好
    FAIR = "FAIR"  # 一般
    POOR = "POOR"  # 较差


class NotificationKind(str, enum.Enum):  # noqa: UP042 (the house form; see organization.py)
    SELF_CHECK_PASSED = "SELF_CHECK_PASSED"
    SELF_CHECK_REJECTED = "SELF_CHECK_REJECTED"
    ASSESSED_BY_SUPERIOR = "ASSESSED_BY_SUPERIOR"
    KEY_RECTIFICATION_STARTED = "KEY_RECTIFICATION_STARTED"
    RECTIFICATION_CONTINUE = "RECTIFICATION_CONTINUE"
    RECTIFICATION_PASSED = "RECTIFICATION_PASSED"
    SELECTED_AS_BOTTOM = "SELECTED_AS_BOTTOM"
    CARRIED_OVER = "CARRIED_OVER"


class CampaignStatus(str, enum.Enum):  # noqa: UP042 (the house form; see organization.py)
    UPCOMING = "UPCOMING"  # 未开始
    OPEN = "OPEN"  # 进行中
    CLOSED = "CLOSED"  # 已结束


_S = RectificationStatus
STATUS_LABELS = {
    _S.NOT_SUBMITTED: "未提交",
    _S.PENDING_REVIEW: "待审核",
    _S.REJECTED: "不通过",
    _S.PASSED: "通过",
    _S.KEY_RECTIFYING: "重点整改中",
    _S.KEY_PENDING_REVIEW: "整改待审核",
    _S.RECTIFIED: "完成整改",
    _S.CARRIED_OVER: "列入下一年",
}
DECISION_LABELS = {
    ReviewDecision.PASS: "通过",
    ReviewDecision.REJECT: "不通过",
    ReviewDecision.START_RECTIFICATION: "开始整改",
    ReviewDecision.CONTINUE_RECTIFICATION: "继续整改",
}
KEY_REASON_LABELS = {
    KeyReason.POOR_THRESHOLD: "较差项达到阈值",
    KeyReason.REVIEW_DECISION: "上级审核决定",
    KeyReason.BOTTOM_SELECTION: "勾选为后进团支部",
    KeyReason.CARRIED_OVER: "上一年未完成整改",
}
RATING_LABELS = {Rating.GOOD: "好", Rating.FAIR: "一般", Rating.POOR: "较差"}
SOURCE_LABELS = {
    SelfCheckSource.SELF: "团支部自检",
    SelfCheckSource.SUPERIOR: "上级评估",
}
_N = NotificationKind
# Default text of each notification (提示框 / 操作中心), for the branch that receives it.
NOTIFICATION_MESSAGES = {
    _N.SELF_CHECK_PASSED: "上级已审核通过本支部的自检表。",
    _N.SELF_CHECK_REJECTED: "上级认为自检结果失实，未予通过，请整顿后再次提交自检表。",
    _N.ASSESSED_BY_SUPERIOR: "上级已对本支部进行评估。",
    _N.KEY_RECTIFICATION_STARTED: "本支部已被纳入重点整顿团支部，请整改后提交最新的自检表。",
    _N.RECTIFICATION_CONTINUE: "上级审核结果为继续整改，请整改后再次提交自检表。",
    _N.RECTIFICATION_PASSED: "上级已审核通过，本支部完成整改。",
    _N.SELECTED_AS_BOTTOM: "本支部已被上级勾选为后进团支部。",
    _N.CARRIED_OVER: "整顿工作已结束，本支部未完成整改，已列入下一年继续整顿对象。",
}

RANKABLE_STATUSES = frozenset({_S.PASSED, _S.KEY_RECTIFYING, _S.KEY_PENDING_REVIEW, _S.RECTIFIED})


@dataclass(frozen=True)
class BranchState:
    """What the rules need to know of a branch in one campaign.

    ``latest_source`` is the source of the branch's latest form (``None`` without one).
    """

    status: RectificationStatus
    is_key: bool = False
    key_reason: KeyReason | None = None
    latest_source: SelfCheckSource | None = None

    def __post_init__(self) -> None:
        # Accept the plain strings a database row holds; compare as enums from here on.
        set_ = object.__setattr__
        set_(self, "status", RectificationStatus(self.status))
        if self.key_reason is not None:
            set_(self, "key_reason", KeyReason(self.key_reason))
        if self.latest_source is not None:
            set_(self, "latest_source", SelfCheckSource(self.latest_source))


@dataclass(frozen=True)
class Outcome:
    """The result of an allowed transition, for the resolver to persist.

    ``becomes_key_now`` is true when the branch enters key rectification for the first
    time in the campaign (record ``keySince`` then); ``notifications`` go to the branch.
    """

    status: RectificationStatus
    is_key: bool
    key_reason: KeyReason | None
    becomes_key_now: bool = False
    notifications: tuple[NotificationKind, ...] = ()


def _refuse(state: BranchState, action: str) -> RuleError:
    label = STATUS_LABELS[state.status]
    return RuleError(UserErrorCode.INVALID_STATE, f"团支部当前状态为“{label}”，不能{action}。")


def _unchanged(
    state: BranchState, status: RectificationStatus, *kinds: NotificationKind
) -> Outcome:
    return Outcome(status, state.is_key, state.key_reason, False, kinds)


def _make_key(
    state: BranchState,
    reason: KeyReason,
    status: RectificationStatus,
    *kinds: NotificationKind,
) -> Outcome:
    """Enter (or stay in) key rectification; the first key reason of the campaign stands."""
    if state.is_key:
        return Outcome(status, True, state.key_reason or reason, False, kinds)
    return Outcome(status, True, reason, True, kinds)


def reaches_threshold(poor_count: int, threshold: int) -> bool:
    """True when a form *must* put the branch under key rectification (POOR ≥ threshold)."""
    return poor_count >= threshold


def _threshold_error(poor_count: int, threshold: int) -> RuleError:
    return RuleError(
        UserErrorCode.POOR_THRESHOLD_REQUIRES_RECTIFICATION,
        f"自检表较差项为 {poor_count} 项，达到 {threshold} 项，必须纳入重点整顿，不能“通过”。",
        ["input", "decision"],
    )


def submit(state: BranchState) -> Outcome:
    """团支部自检: the branch's admin submits a form (a new one supersedes a pending one)."""
    if state.status in (_S.NOT_SUBMITTED, _S.REJECTED, _S.PENDING_REVIEW):
        return _unchanged(state, _S.PENDING_REVIEW)
    if state.status in (_S.KEY_RECTIFYING, _S.KEY_PENDING_REVIEW):
        return _unchanged(state, _S.KEY_PENDING_REVIEW)
    raise _refuse(state, "再次提交自检表")


def assess(state: BranchState, poor_count: int, threshold: int) -> Outcome:
    """上级评估: the direct superior fills in the form of a branch that has not submitted."""
    if state.status != _S.NOT_SUBMITTED:
        raise RuleError(
            UserErrorCode.INVALID_STATE,
            f"团支部当前状态为“{STATUS_LABELS[state.status]}”，只能对尚未提交自检表的团支部进行上级评估。",
        )
    if reaches_threshold(poor_count, threshold):
        return _make_key(
            state,
            KeyReason.POOR_THRESHOLD,
            _S.KEY_RECTIFYING,
            NotificationKind.ASSESSED_BY_SUPERIOR,
            NotificationKind.KEY_RECTIFICATION_STARTED,
        )
    return _unchanged(state, _S.PENDING_REVIEW, NotificationKind.ASSESSED_BY_SUPERIOR)


def review(
    state: BranchState,
    decision: ReviewDecision,
    poor_count: int,
    threshold: int,
    comment: str | None = None,
) -> Outcome:
    """The direct superior judges the branch's latest form.

    PENDING_REVIEW: 通过 → PASSED (refused when POOR ≥ threshold); 不通过 → REJECTED (a
    reason is required; not for a superior's own assessment); 开始整改 → KEY_RECTIFYING.
    KEY_PENDING_REVIEW: 通过 → RECTIFIED (refused when POOR ≥ threshold); 继续整改 →
    KEY_RECTIFYING. Every other combination is INVALID_STATE.
    """
    decision = ReviewDecision(decision)
    over = reaches_threshold(poor_count, threshold)
    if state.status == _S.PENDING_REVIEW:
        if decision == ReviewDecision.PASS:
            if over:
                raise _threshold_error(poor_count, threshold)
            return _unchanged(state, _S.PASSED, NotificationKind.SELF_CHECK_PASSED)
        if decision == ReviewDecision.REJECT:
            if state.latest_source == SelfCheckSource.SUPERIOR:
                raise RuleError(
                    UserErrorCode.INVALID_STATE,
                    "该自检表为上级评估结果，不能以“自检结果失实”为由驳回，请选择“通过”或“开始整改”。",
                    ["input", "decision"],
                )
            if comment is None or not comment.strip():
                raise RuleError(
                    UserErrorCode.REASON_REQUIRED,
                    "驳回自检表（不通过）时必须填写理由。",
                    ["input", "comment"],
                )
            return _unchanged(state, _S.REJECTED, NotificationKind.SELF_CHECK_REJECTED)
        if decision == ReviewDecision.START_RECTIFICATION:
            reason = KeyReason.POOR_THRESHOLD if over else KeyReason.REVIEW_DECISION
            return _make_key(
                state,
                reason,
                _S.KEY_RECTIFYING,
                NotificationKind.KEY_RECTIFICATION_STARTED,
            )
    elif state.status == _S.KEY_PENDING_REVIEW:
        if decision == ReviewDecision.PASS:
            if over:
                raise _threshold_error(poor_count, threshold)
            return _unchanged(state, _S.RECTIFIED, NotificationKind.RECTIFICATION_PASSED)
        if decision == ReviewDecision.CONTINUE_RECTIFICATION:
            return _unchanged(state, _S.KEY_RECTIFYING, NotificationKind.RECTIFICATION_CONTINUE)
    raise _refuse(state, f"审核为“{DECISION_LABELS[decision]}”")


def is_rankable(status: RectificationStatus) -> bool:
    """Whether a branch can be ticked as a bottom branch: its form has been accepted."""
    return status in RANKABLE_STATUSES


def select_as_bottom(state: BranchState) -> Outcome:
    """勾选为后进团支部: PASSED becomes key; a key branch keeps its status and first reason.

    Ticking a branch that is already ticked is the caller's no-op (a selection is never
    undone nor repeated); this function only judges the branch's status.
    """
    if state.status == _S.PASSED:
        return _make_key(
            state,
            KeyReason.BOTTOM_SELECTION,
            _S.KEY_RECTIFYING,
            NotificationKind.SELECTED_AS_BOTTOM,
            NotificationKind.KEY_RECTIFICATION_STARTED,
        )
    if state.status in RANKABLE_STATUSES:
        return _unchanged(state, state.status, NotificationKind.SELECTED_AS_BOTTOM)
    raise RuleError(
        UserErrorCode.NOT_RANKABLE,
        f"团支部当前状态为“{STATUS_LABELS[state.status]}”，其自检表尚未被认可，"
        "请先进行上级评估或审核，再勾选为后进团支部。",
        ["input", "branchIds"],
    )


def carry_over(state: BranchState) -> Outcome | None:
    """Closing the campaign: an unfinished key branch is 列入第二年继续整顿对象."""
    if state.status in (_S.KEY_RECTIFYING, _S.KEY_PENDING_REVIEW):
        return _unchanged(state, _S.CARRIED_OVER, NotificationKind.CARRIED_OVER)
    return None


def start_of_next_campaign(
    previous_status: RectificationStatus | None,
) -> BranchState | None:
    """A branch CARRIED_OVER starts the next campaign under key rectification; else None.

    ``None`` means the default start (NOT_SUBMITTED, not key).
    """
    if previous_status == _S.CARRIED_OVER:
        return BranchState(_S.KEY_RECTIFYING, True, KeyReason.CARRIED_OVER)
    return None


def bottom_ratio(ratio: Decimal | Fraction | str | float) -> Fraction:
    """The bottom ratio as an exact fraction; INVALID_INPUT unless 0 < ratio ≤ 1.

    A float (GraphQL ``Float``) is read through its shortest repr, so 0.2 is exactly 1/5.
    """
    error = RuleError(
        UserErrorCode.INVALID_INPUT,
        "后进团支部比例须大于 0 且不超过 1。",
        ["input", "bottomRatio"],
    )
    if isinstance(ratio, bool):
        raise error
    try:
        if isinstance(ratio, float | int):
            ratio = Decimal(str(ratio))
        exact = Fraction(ratio.strip() if isinstance(ratio, str) else ratio)
    except (ValueError, ArithmeticError, TypeError):
        raise error from None
    if not 0 < exact <= 1:
        raise error
    return exact


def bottom_quota(n: int, ratio: Decimal | Fraction | str | float) -> int:
    """At least ⌈ratio × n⌉ bottom branches of n direct subordinates, at least 1; 0 if n = 0."""
    exact = bottom_ratio(ratio)
    if n < 0:
        raise ValueError("branch count must not be negative")
    if n == 0:
        return 0
    return max(1, -(-n * exact.numerator // exact.denominator))


def check_bottom_quota(selected_count: int, required_count: int) -> None:
    """A selection is confirmed only if, afterwards, the ticked branches reach the quota."""
    if selected_count < required_count:
        raise RuleError(
            UserErrorCode.QUOTA_NOT_MET,
            f"后进团支部至少须勾选 {required_count} 个，勾选后仅有 {selected_count} 个。",
            ["input", "branchIds"],
        )


def ranking_key(poor: int, fair: int, name: str, branch_id: str = "") -> tuple[int, int, str, str]:
    """Sort key for the ranking (排名), worst first: most POOR, most FAIR, then name."""
    return (-poor, -fair, name, branch_id)


def campaign_status(today: date, starts_on: date, ends_on: date, closed: bool) -> CampaignStatus:
    """UPCOMING before ``starts_on``; OPEN through ``ends_on`` inclusive; then CLOSED.

    A campaign closed by the root admin is CLOSED whatever the date.
    """
    if closed or today > ends_on:
        return CampaignStatus.CLOSED
    if today < starts_on:
        return CampaignStatus.UPCOMING
    return CampaignStatus.OPEN


def ensure_campaign_open(today: date, starts_on: date, ends_on: date, closed: bool) -> None:
    """Nothing in a campaign changes before it starts, after it ends or once it is closed."""
    status = campaign_status(today, starts_on, ends_on, closed)
    if status == CampaignStatus.UPCOMING:
        raise RuleError(
            UserErrorCode.CAMPAIGN_CLOSED,
            f"整顿工作将于 {starts_on} 开始，目前尚未开始。",
        )
    if status == CampaignStatus.CLOSED:
        raise RuleError(UserErrorCode.CAMPAIGN_CLOSED, "本次整顿工作已结束，不能再作任何修改。")


def validate_campaign_dates(
    starts_on: date, self_check_deadline: date, review_deadline: date, ends_on: date
) -> None:
    """INVALID_INPUT unless starts_on ≤ self_check_deadline ≤ review_deadline ≤ ends_on."""
    steps = [
        (
            starts_on,
            self_check_deadline,
            "selfCheckDeadline",
            "自检截止日期不能早于开始日期。",
        ),
        (
            self_check_deadline,
            review_deadline,
            "reviewDeadline",
            "审核截止日期不能早于自检截止日期。",
        ),
        (review_deadline, ends_on, "endsOn", "结束日期不能早于审核截止日期。"),
    ]
    for earlier, later, field, message in steps:
        if later < earlier:
            raise RuleError(UserErrorCode.INVALID_INPUT, message, ["input", field])


def campaign_months(starts_on: date, ends_on: date) -> list[str]:
    """Every month the campaign touches, as "YYYY-MM", in order."""
    if ends_on < starts_on:
        raise ValueError("ends_on is before starts_on")
    months = []
    year, month = starts_on.year, starts_on.month
    while (year, month) <= (ends_on.year, ends_on.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_of(day: date) -> str:
    """The "YYYY-MM" month of a date (use the local date of a form's submission time)."""
    return f"{day.year:04d}-{day.month:02d}"


def monthly_rectified(
    baseline_poor_items: frozenset[str],
    key_since_month: str,
    forms: Sequence[tuple[str, frozenset[str]]],
    months: Sequence[str],
) -> list[tuple[str, int]]:
    """Items rectified in each month (重点整顿团支部列表), not cumulative.

    - ``baseline_poor_items``: the POOR items of the baseline form, the branch's latest
      form when it became key (for a carried-over branch: its last form of last year).
    - ``key_since_month``: the month it became key ("YYYY-MM").
    - ``forms``: the branch's forms as (month submitted, POOR item codes), in submission
      order, from the baseline form on (including the baseline or not: same result).
      Earlier forms are harmless as long as the baseline form is included after them.
    - ``months``: the campaign's months ("YYYY-MM"), in order.

    For each month M the count is 0 when M is before ``key_since_month`` or no form was
    submitted in M. Otherwise it is |start − end|, where

    - *end* = the POOR items of the last form submitted in M;
    - *start* = ``baseline_poor_items`` when M is ``key_since_month``; for a later M, the
      POOR items of the last form submitted from ``key_since_month`` up to the end of the
      month before M, or ``baseline_poor_items`` when there is none.

    That is: items POOR at the start of M and no longer POOR (FAIR or GOOD) at its end.
    Items going POOR during M never make the count negative; an item that goes POOR and
    recovers within M is not counted; improvements before the branch became key never
    count.
    """
    months_seen = [month for month, _ in forms]
    if months_seen != sorted(months_seen):
        raise ValueError("forms must be in submission order")
    result = []
    for month in months:
        in_month = [poor for m, poor in forms if m == month]
        if month < key_since_month or not in_month:
            result.append((month, 0))
            continue
        before = [poor for m, poor in forms if key_since_month <= m < month]
        start = before[-1] if before and month != key_since_month else baseline_poor_items
        result.append((month, len(start - in_month[-1])))
    return result


def is_overdue_branch(has_form: bool, today: date, self_check_deadline: date) -> bool:
    """A branch with no form after the self-check deadline (the deadline day is on time)."""
    return not has_form and today > self_check_deadline


def is_quota_overdue(selected: int, required: int, today: date, review_deadline: date) -> bool:
    """An organisation whose bottom quota is still unmet after the review deadline."""
    return selected < required and today > review_deadline
