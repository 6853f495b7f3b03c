"""The pure workflow rules of models/workflow.py, without a database."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.errors import RuleError, UserErrorCode
from models.workflow import (
    DECISION_LABELS,
    NOTIFICATION_MESSAGES,
    STATUS_LABELS,
    BranchState,
    CampaignStatus,
    KeyReason,
    Outcome,
    Rating,
    RectificationStatus,
    ReviewDecision,
    SelfCheckSource,
    assess,
    bottom_quota,
    campaign_months,
    campaign_status,
    carry_over,
    check_bottom_quota,
    ensure_campaign_open,
    is_overdue_branch,
    is_quota_overdue,
    is_rankable,
    month_of,
    monthly_rectified,
    ranking_key,
    review,
    select_as_bottom,
    start_of_next_campaign,
    submit,
    validate_campaign_dates,
)
from models.workflow import NotificationKind as N
from models.workflow import RectificationStatus as S

THRESHOLD = 10
KEY_STATUSES = {S.KEY_RECTIFYING, S.KEY_PENDING_REVIEW, S.RECTIFIED, S.CARRIED_OVER}


def state_in(status: S, source: SelfCheckSource = SelfCheckSource.SELF) -> BranchState:
    """A consistent state: key statuses are key (reason REVIEW_DECISION), others not."""
    is_key = status in KEY_STATUSES
    return BranchState(
        status=status,
        is_key=is_key,
        key_reason=KeyReason.REVIEW_DECISION if is_key else None,
        latest_source=None if status is S.NOT_SUBMITTED else source,
    )


def _review(decision: ReviewDecision) -> Callable[[BranchState], Outcome | None]:
    return lambda state: review(state, decision, 3, THRESHOLD, "自检结果与实际不符")


ACTIONS: dict[str, Callable[[BranchState], Outcome | None]] = {
    "submit": submit,
    "assess": lambda state: assess(state, 3, THRESHOLD),
    "assess_poor": lambda state: assess(state, THRESHOLD, THRESHOLD),
    "PASS": _review(ReviewDecision.PASS),
    "REJECT": _review(ReviewDecision.REJECT),
    "START": _review(ReviewDecision.START_RECTIFICATION),
    "CONTINUE": _review(ReviewDecision.CONTINUE_RECTIFICATION),
    "select": select_as_bottom,
    "carry_over": carry_over,
}

# Every status × action. A status is the result; !CODE is a refusal; "-" is "unchanged"
# (carry_over returns None). Review cells use 3 POOR items (below the threshold of 10).
TABLE = """
status              submit              assess          assess_poor     PASS            REJECT          START           CONTINUE        select              carry_over
NOT_SUBMITTED       PENDING_REVIEW      PENDING_REVIEW  KEY_RECTIFYING  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !NOT_RANKABLE       -
PENDING_REVIEW      PENDING_REVIEW      !INVALID_STATE  !INVALID_STATE  PASSED          REJECTED        KEY_RECTIFYING  !INVALID_STATE  !NOT_RANKABLE       -
REJECTED            PENDING_REVIEW      !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !NOT_RANKABLE       -
PASSED              !INVALID_STATE      !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  KEY_RECTIFYING      -
KEY_RECTIFYING      KEY_PENDING_REVIEW  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  KEY_RECTIFYING      CARRIED_OVER
KEY_PENDING_REVIEW  KEY_PENDING_REVIEW  !INVALID_STATE  !INVALID_STATE  RECTIFIED       !INVALID_STATE  !INVALID_STATE  KEY_RECTIFYING  KEY_PENDING_REVIEW  CARRIED_OVER
RECTIFIED           !INVALID_STATE      !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  RECTIFIED           -
CARRIED_OVER        !INVALID_STATE      !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !INVALID_STATE  !NOT_RANKABLE       -
"""  # noqa: E501 (a table reads best on one line per status)


def _cells() -> list[tuple[str, str, str]]:
    header, *rows = [line.split() for line in TABLE.strip().splitlines()]
    assert header[1:] == list(ACTIONS)
    assert [row[0] for row in rows] == [status.value for status in S]
    return [
        (row[0], action, cell)
        for row in rows
        for action, cell in zip(header[1:], row[1:], strict=True)
    ]


CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(("status", "action", "expected"), _cells())
def test_transition_table(status: str, action: str, expected: str) -> None:
    state = state_in(S(status))
    if expected.startswith("!"):
        with pytest.raises(RuleError) as refused:
            ACTIONS[action](state)
        assert refused.value.code is UserErrorCode[expected[1:]]
        assert CHINESE.search(refused.value.message)
    elif expected == "-":
        assert ACTIONS[action](state) is None
    else:
        outcome = ACTIONS[action](state)
        assert outcome is not None
        assert outcome.status is S(expected)
        assert outcome.is_key is (state.is_key or outcome.status in KEY_STATUSES)


@pytest.mark.parametrize(
    ("status", "action", "notifications"),
    [
        (S.NOT_SUBMITTED, "submit", ()),
        (S.KEY_RECTIFYING, "submit", ()),
        (S.NOT_SUBMITTED, "assess", (N.ASSESSED_BY_SUPERIOR,)),
        (
            S.NOT_SUBMITTED,
            "assess_poor",
            (N.ASSESSED_BY_SUPERIOR, N.KEY_RECTIFICATION_STARTED),
        ),
        (S.PENDING_REVIEW, "PASS", (N.SELF_CHECK_PASSED,)),
        (S.PENDING_REVIEW, "REJECT", (N.SELF_CHECK_REJECTED,)),
        (S.PENDING_REVIEW, "START", (N.KEY_RECTIFICATION_STARTED,)),
        (S.KEY_PENDING_REVIEW, "PASS", (N.RECTIFICATION_PASSED,)),
        (S.KEY_PENDING_REVIEW, "CONTINUE", (N.RECTIFICATION_CONTINUE,)),
        (S.PASSED, "select", (N.SELECTED_AS_BOTTOM, N.KEY_RECTIFICATION_STARTED)),
        (S.KEY_RECTIFYING, "select", (N.SELECTED_AS_BOTTOM,)),
        (S.RECTIFIED, "select", (N.SELECTED_AS_BOTTOM,)),
        (S.KEY_PENDING_REVIEW, "carry_over", (N.CARRIED_OVER,)),
    ],
)
def test_notifications(status: S, action: str, notifications: tuple[N, ...]) -> None:
    outcome = ACTIONS[action](state_in(status))
    assert outcome is not None
    assert outcome.notifications == notifications


def test_assess_at_threshold_makes_key_at_once() -> None:
    outcome = assess(BranchState(S.NOT_SUBMITTED), 10, 10)
    assert outcome == Outcome(
        S.KEY_RECTIFYING,
        True,
        KeyReason.POOR_THRESHOLD,
        True,
        (N.ASSESSED_BY_SUPERIOR, N.KEY_RECTIFICATION_STARTED),
    )
    assert assess(BranchState(S.NOT_SUBMITTED), 9, 10) == Outcome(
        S.PENDING_REVIEW, False, None, False, (N.ASSESSED_BY_SUPERIOR,)
    )


@pytest.mark.parametrize("status", [S.PENDING_REVIEW, S.KEY_PENDING_REVIEW])
def test_pass_refused_at_threshold(status: S) -> None:
    with pytest.raises(RuleError) as refused:
        review(state_in(status), ReviewDecision.PASS, 10, 10)
    assert refused.value.code is UserErrorCode.POOR_THRESHOLD_REQUIRES_RECTIFICATION
    assert "10" in refused.value.message
    assert review(state_in(status), ReviewDecision.PASS, 9, 10).status in (
        S.PASSED,
        S.RECTIFIED,
    )


@pytest.mark.parametrize(
    ("poor", "reason"),
    [
        (0, KeyReason.REVIEW_DECISION),
        (9, KeyReason.REVIEW_DECISION),
        (10, KeyReason.POOR_THRESHOLD),
        (30, KeyReason.POOR_THRESHOLD),
    ],
)
def test_start_rectification_reason(poor: int, reason: KeyReason) -> None:
    outcome = review(state_in(S.PENDING_REVIEW), ReviewDecision.START_RECTIFICATION, poor, 10)
    assert (outcome.status, outcome.is_key, outcome.key_reason) == (
        S.KEY_RECTIFYING,
        True,
        reason,
    )
    assert outcome.becomes_key_now


def test_first_key_reason_stands() -> None:
    already = BranchState(S.PENDING_REVIEW, True, KeyReason.BOTTOM_SELECTION, SelfCheckSource.SELF)
    outcome = review(already, ReviewDecision.START_RECTIFICATION, 12, 10)
    assert outcome.key_reason is KeyReason.BOTTOM_SELECTION
    assert not outcome.becomes_key_now
    for status in (S.KEY_RECTIFYING, S.KEY_PENDING_REVIEW, S.RECTIFIED):
        key = BranchState(status, True, KeyReason.POOR_THRESHOLD, SelfCheckSource.SELF)
        selected = select_as_bottom(key)
        assert (selected.status, selected.key_reason, selected.becomes_key_now) == (
            status,
            KeyReason.POOR_THRESHOLD,
            False,
        )


def test_bottom_selection_of_a_passed_branch() -> None:
    assert select_as_bottom(state_in(S.PASSED)) == Outcome(
        S.KEY_RECTIFYING,
        True,
        KeyReason.BOTTOM_SELECTION,
        True,
        (N.SELECTED_AS_BOTTOM, N.KEY_RECTIFICATION_STARTED),
    )


@pytest.mark.parametrize("comment", [None, "", "   \n"])
def test_reject_requires_a_reason(comment: str | None) -> None:
    with pytest.raises(RuleError) as refused:
        review(state_in(S.PENDING_REVIEW), ReviewDecision.REJECT, 3, 10, comment)
    assert refused.value.code is UserErrorCode.REASON_REQUIRED
    assert refused.value.field == ["input", "comment"]


def test_superior_assessment_cannot_be_rejected() -> None:
    assessed = state_in(S.PENDING_REVIEW, SelfCheckSource.SUPERIOR)
    with pytest.raises(RuleError) as refused:
        review(assessed, ReviewDecision.REJECT, 3, 10, "失实")
    assert refused.value.code is UserErrorCode.INVALID_STATE
    assert review(assessed, ReviewDecision.PASS, 3, 10).status is S.PASSED
    assert review(assessed, ReviewDecision.START_RECTIFICATION, 3, 10).status is S.KEY_RECTIFYING


def test_the_branch_own_form_supersedes_a_pending_assessment() -> None:
    outcome = submit(state_in(S.PENDING_REVIEW, SelfCheckSource.SUPERIOR))
    assert outcome.status is S.PENDING_REVIEW


def test_key_loop_until_rectified() -> None:
    state = BranchState(S.PENDING_REVIEW, latest_source=SelfCheckSource.SELF)
    steps: list[Callable[[BranchState], Outcome]] = [
        lambda s: review(s, ReviewDecision.START_RECTIFICATION, 12, 10),
        submit,
        lambda s: review(s, ReviewDecision.CONTINUE_RECTIFICATION, 11, 10),
        submit,
        lambda s: review(s, ReviewDecision.PASS, 2, 10),
    ]
    seen = []
    for step in steps:
        outcome = step(state)
        state = BranchState(
            outcome.status, outcome.is_key, outcome.key_reason, SelfCheckSource.SELF
        )
        seen.append(outcome.status)
    assert seen == [
        S.KEY_RECTIFYING,
        S.KEY_PENDING_REVIEW,
        S.KEY_RECTIFYING,
        S.KEY_PENDING_REVIEW,
        S.RECTIFIED,
    ]
    assert state.is_key and state.key_reason is KeyReason.POOR_THRESHOLD


def test_carry_over_keeps_the_key_record_and_restarts_next_year() -> None:
    carried = carry_over(BranchState(S.KEY_PENDING_REVIEW, True, KeyReason.BOTTOM_SELECTION))
    assert carried == Outcome(
        S.CARRIED_OVER, True, KeyReason.BOTTOM_SELECTION, False, (N.CARRIED_OVER,)
    )
    assert start_of_next_campaign(S.CARRIED_OVER) == BranchState(
        S.KEY_RECTIFYING, True, KeyReason.CARRIED_OVER
    )
    for status in set(S) - {S.CARRIED_OVER}:
        assert start_of_next_campaign(status) is None
    assert start_of_next_campaign(None) is None


def test_state_accepts_plain_strings_from_a_database_row() -> None:
    state = BranchState("PENDING_REVIEW", False, None, "SUPERIOR")  # type: ignore[arg-type]
    assert state.status is S.PENDING_REVIEW and state.latest_source is SelfCheckSource.SUPERIOR
    assert review(state, "PASS", 0, 10).status is S.PASSED  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        BranchState("DONE")  # type: ignore[arg-type]


def test_enums_match_the_contract() -> None:
    contract: dict[type[enum.Enum], str] = {
        RectificationStatus: "NOT_SUBMITTED PENDING_REVIEW REJECTED PASSED KEY_RECTIFYING "
        "KEY_PENDING_REVIEW RECTIFIED CARRIED_OVER",
        KeyReason: "POOR_THRESHOLD REVIEW_DECISION BOTTOM_SELECTION CARRIED_OVER",
        ReviewDecision: "PASS REJECT START_RECTIFICATION CONTINUE_RECTIFICATION",
        SelfCheckSource: "SELF SUPERIOR",
        Rating: "GOOD FAIR POOR",
        N: "SELF_CHECK_PASSED SELF_CHECK_REJECTED ASSESSED_BY_SUPERIOR "
        "KEY_RECTIFICATION_STARTED RECTIFICATION_CONTINUE RECTIFICATION_PASSED "
        "SELECTED_AS_BOTTOM CARRIED_OVER",
        CampaignStatus: "UPCOMING OPEN CLOSED",
    }
    for enum_class, names in contract.items():
        assert [member.value for member in enum_class] == names.split()
        assert all(member.name == member.value for member in enum_class)
    for labels in (STATUS_LABELS, DECISION_LABELS, NOTIFICATION_MESSAGES):
        assert all(CHINESE.search(label) for label in labels.values())
    assert len(STATUS_LABELS) == len(S) and len(DECISION_LABELS) == len(ReviewDecision)
    assert len(NOTIFICATION_MESSAGES) == len(N)


# Bottom quota (后进团支部比例) --------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "required"),
    [(0, 0), (1, 1), (4, 1), (5, 1), (6, 2), (14, 3), (15, 3), (16, 4), (100, 20)],
)
@pytest.mark.parametrize("ratio", [Decimal("0.2"), "0.2", 0.2, Fraction(1, 5)])
def test_bottom_quota_at_twenty_percent(n: int, required: int, ratio: object) -> None:
    assert bottom_quota(n, ratio) == required  # type: ignore[arg-type]


def test_bottom_quota_other_ratios() -> None:
    assert bottom_quota(10, Decimal("0.3")) == 3
    assert bottom_quota(10, 0.3) == 3
    assert bottom_quota(7, 1) == 7
    assert bottom_quota(3, "0.01") == 1


@pytest.mark.parametrize("ratio", [0, "0", -0.2, "1.01", 2, "abc", "NaN", "Infinity", True, None])
def test_bottom_ratio_must_be_in_zero_one(ratio: object) -> None:
    with pytest.raises(RuleError) as refused:
        bottom_quota(10, ratio)  # type: ignore[arg-type]
    assert refused.value.code is UserErrorCode.INVALID_INPUT
    assert refused.value.field == ["input", "bottomRatio"]


def test_bottom_quota_rejects_negative_counts() -> None:
    with pytest.raises(ValueError):
        bottom_quota(-1, "0.2")


@given(
    n=st.integers(min_value=0, max_value=5_000_000),
    den=st.integers(min_value=1, max_value=1000),
    data=st.data(),
)
def test_bottom_quota_is_the_exact_integer_formula(n: int, den: int, data: st.DataObject) -> None:
    num = data.draw(st.integers(min_value=1, max_value=den))
    expected = 0 if n == 0 else max(1, -(-n * num // den))
    assert bottom_quota(n, Fraction(num, den)) == expected


@given(
    n=st.integers(min_value=0, max_value=100_000),
    percent=st.integers(min_value=1, max_value=100),
)
def test_bottom_quota_decimal_and_float_ratios_are_exact(n: int, percent: int) -> None:
    expected = 0 if n == 0 else max(1, -(-n * percent // 100))
    assert bottom_quota(n, Decimal(percent) / 100) == expected
    assert bottom_quota(n, percent / 100) == expected
    assert bottom_quota(n, f"{percent / 100}") == expected


def test_quota_check() -> None:
    check_bottom_quota(3, 3)
    with pytest.raises(RuleError) as refused:
        check_bottom_quota(2, 3)
    assert refused.value.code is UserErrorCode.QUOTA_NOT_MET


# Ranking (排名) ---------------------------------------------------------------------


def test_ranking_is_worst_first() -> None:
    rows = [
        ("三支部", 2, 9),
        ("一支部", 5, 0),
        ("二支部", 5, 3),
        ("四支部", 2, 9),
        ("五支部", 0, 0),
    ]
    ranked = sorted(rows, key=lambda row: ranking_key(row[1], row[2], row[0]))
    # Most POOR, then most FAIR, then name ascending (三 U+4E09 sorts before 四 U+56DB).
    assert [name for name, _, _ in ranked] == [
        "二支部",
        "一支部",
        "三支部",
        "四支部",
        "五支部",
    ]
    assert ranking_key(1, 0, "同名", "b") > ranking_key(1, 0, "同名", "a")


@pytest.mark.parametrize(
    ("status", "rankable"),
    [
        (
            status,
            status in {S.PASSED, S.KEY_RECTIFYING, S.KEY_PENDING_REVIEW, S.RECTIFIED},
        )
        for status in S
    ],
)
def test_rankable_statuses(status: S, rankable: bool) -> None:
    assert is_rankable(status) is rankable


# Campaign calendar ------------------------------------------------------------------

STARTS, SELF_CHECK, REVIEW, ENDS = (
    date(2019, 9, 1),
    date(2019, 10, 31),
    date(2019, 11, 30),
    date(2019, 12, 31),
)


@pytest.mark.parametrize(
    ("today", "closed", "status"),
    [
        (date(2019, 8, 31), False, CampaignStatus.UPCOMING),
        (STARTS, False, CampaignStatus.OPEN),
        (ENDS, False, CampaignStatus.OPEN),
        (date(2020, 1, 1), False, CampaignStatus.CLOSED),
        (date(2019, 11, 15), True, CampaignStatus.CLOSED),
        (date(2019, 8, 31), True, CampaignStatus.CLOSED),
    ],
)
def test_campaign_status_boundaries(today: date, closed: bool, status: CampaignStatus) -> None:
    assert campaign_status(today, STARTS, ENDS, closed) is status


def test_nothing_changes_outside_an_open_campaign() -> None:
    ensure_campaign_open(ENDS, STARTS, ENDS, False)
    for today, closed in [
        (date(2019, 8, 31), False),
        (date(2020, 1, 1), False),
        (STARTS, True),
    ]:
        with pytest.raises(RuleError) as refused:
            ensure_campaign_open(today, STARTS, ENDS, closed)
        assert refused.value.code is UserErrorCode.CAMPAIGN_CLOSED


def test_campaign_dates_in_order() -> None:
    validate_campaign_dates(STARTS, SELF_CHECK, REVIEW, ENDS)
    validate_campaign_dates(STARTS, STARTS, STARTS, STARTS)
    day = timedelta(days=1)
    for dates, field in [
        ((STARTS, STARTS - day, REVIEW, ENDS), "selfCheckDeadline"),
        ((STARTS, SELF_CHECK, SELF_CHECK - day, ENDS), "reviewDeadline"),
        ((STARTS, SELF_CHECK, REVIEW, REVIEW - day), "endsOn"),
    ]:
        with pytest.raises(RuleError) as refused:
            validate_campaign_dates(*dates)
        assert refused.value.code is UserErrorCode.INVALID_INPUT
        assert refused.value.field == ["input", field]


def test_campaign_months() -> None:
    assert campaign_months(STARTS, ENDS) == ["2019-09", "2019-10", "2019-11", "2019-12"]
    assert campaign_months(date(2019, 11, 30), date(2020, 2, 1)) == [
        "2019-11",
        "2019-12",
        "2020-01",
        "2020-02",
    ]
    assert campaign_months(date(2019, 9, 3), date(2019, 9, 4)) == ["2019-09"]
    assert month_of(date(2019, 10, 31)) == "2019-10"


def test_overdue_strictly_after_the_deadline() -> None:
    assert not is_overdue_branch(False, SELF_CHECK, SELF_CHECK)
    assert is_overdue_branch(False, SELF_CHECK + timedelta(days=1), SELF_CHECK)
    assert not is_overdue_branch(True, ENDS, SELF_CHECK)
    assert not is_quota_overdue(1, 3, REVIEW, REVIEW)
    assert is_quota_overdue(2, 3, REVIEW + timedelta(days=1), REVIEW)
    assert not is_quota_overdue(3, 3, ENDS, REVIEW)
    assert not is_quota_overdue(0, 0, ENDS, REVIEW)


# Monthly rectified items (重点整顿团支部列表) ------------------------------------------

MONTHS = ["2019-09", "2019-10", "2019-11", "2019-12"]


def poor(*codes: str) -> frozenset[str]:
    return frozenset(codes)


def test_monthly_rectified_worked_example() -> None:
    # Sept: form 1 has a, b, c, d POOR and is rejected; form 2 fixes d (before the branch
    # is key: not counted) and is passed. Oct 15: ticked as a bottom branch, so form 2 is
    # the baseline {a, b, c}. Oct 20: a goes POOR -> FAIR, e goes POOR. Oct 28: b fixed.
    # Oct counts a and b against the baseline (the month's last form decides; e, newly
    # POOR, does not make it negative). Nov: no form. Dec 5: a is POOR again and c fixed;
    # Dec 20: e fixed. Dec counts c and e (POOR at the start of Dec); a went POOR during
    # Dec and is not counted. Not cumulative: Dec does not repeat Oct's items.
    forms = [
        ("2019-09", poor("a", "b", "c", "d")),
        ("2019-09", poor("a", "b", "c")),  # baseline
        ("2019-10", poor("b", "c", "e")),
        ("2019-10", poor("c", "e")),
        ("2019-12", poor("a", "e")),
        ("2019-12", poor("a")),
    ]
    expected = [("2019-09", 0), ("2019-10", 2), ("2019-11", 0), ("2019-12", 2)]
    baseline = poor("a", "b", "c")
    assert monthly_rectified(baseline, "2019-10", forms, MONTHS) == expected
    # The same from the baseline on, with or without the baseline itself.
    assert monthly_rectified(baseline, "2019-10", forms[1:], MONTHS) == expected
    assert monthly_rectified(baseline, "2019-10", forms[2:], MONTHS) == expected


def test_monthly_rectified_when_key_in_the_month_of_the_baseline() -> None:
    # Assessed Sept 10 with 12 POOR: key at once, the assessment is the baseline.
    baseline = poor(*"abcdefghijkl")
    forms = [
        ("2019-09", baseline),
        ("2019-09", poor(*"abcdefghij")),
        ("2019-11", poor(*"abc")),
    ]
    assert monthly_rectified(baseline, "2019-09", forms, MONTHS) == [
        ("2019-09", 2),
        ("2019-10", 0),
        ("2019-11", 7),
        ("2019-12", 0),
    ]
    # Became key, no new form yet in that month: nothing rectified.
    assert monthly_rectified(baseline, "2019-09", forms[:1], MONTHS)[0] == (
        "2019-09",
        0,
    )


def test_monthly_rectified_for_a_carried_over_branch() -> None:
    last_year = poor("a", "b")
    forms = [("2020-09", poor("b")), ("2020-10", poor())]
    months = ["2020-09", "2020-10"]
    assert monthly_rectified(last_year, "2020-09", forms, months) == [
        ("2020-09", 1),
        ("2020-10", 1),
    ]


def test_monthly_rectified_requires_submission_order() -> None:
    with pytest.raises(ValueError):
        monthly_rectified(poor(), "2019-09", [("2019-10", poor()), ("2019-09", poor())], MONTHS)
