"""A campaign's history for the branches of one grassroots unit, through the workflow rules.

Every status comes from the functions of ``models.workflow`` (submit, assess, review,
select_as_bottom), applied in time order exactly as ``resolvers.rectification
.apply_outcome`` persists them: the same state-row fields, the same forms, reviews and
notifications. The audit trail is not generated.

Time line of a unit (fractions of the time from the campaign's start to now):

- phase A, before the unit's selection moment (≈ 50–62 %): first forms (self-checks, or a
  superior assessment of a branch that did not submit), an occasional edit before review,
  reviews (通过, 不通过 with a resubmission, 开始整改), some forms still pending;
- the selection (勾选后进团支部): most units tick exactly their quota of the worst
  rankable branches (a PASSED one becomes key, reason BOTTOM_SELECTION);
- phase C, after it: key branches send 0–3 further forms, re-reviewed (继续整改 or 通过 →
  RECTIFIED), the last one often still awaiting re-review.
"""

from __future__ import annotations

import enum
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from tortoise.fields.data import JSON_DUMPS

from models import workflow
from models.progress import BranchFacts
from models.workflow import (
    KeyReason,
    NotificationKind,
    Rating,
    RectificationStatus,
    ReviewDecision,
    SelfCheckSource,
)
from resolvers.notification import notification_message

_S = RectificationStatus
NO_FORM_SHARE = 0.10  # branches with no form at all (NOT_SUBMITTED)
ASSESSED_SHARE = 0.035  # branches assessed by their superior instead (上级评估)
EDIT_BEFORE_REVIEW = 0.05  # a second self-check superseding the pending first one
LEFT_PENDING = 0.07  # forms not reviewed yet
REJECT_SHARE = 0.04  # 不通过 (自检结果失实)
RESUBMIT_AFTER_REJECT = 0.75
SELECTING_UNITS = 0.88  # units that have confirmed their bottom selection (when they can)
REJECT_COMMENTS = (
    "自检结果与实际情况不符，请如实填写。",
    "组织生活开展情况填写失实，请核实后重新提交。",
    "团员名册与实际不符，请重新自检。",
)
START_COMMENTS = (None, "较差项较多，请对照问题逐项整改。", "请制定整改方案并按期完成。")
CONTINUE_COMMENTS = ("整改尚不到位，请继续整改。", "部分问题仍未解决，请继续整改。")
PASS_COMMENTS = (None, None, "整改到位。")


def p_start(poor: int) -> float:
    """How likely a superior starts rectification (开始整改) for a form below threshold."""
    if poor >= 6:
        return 0.5
    if poor >= 3:
        return 0.18
    if poor >= 1:
        return 0.05
    return 0.01


_RULE_STATES: dict[tuple, workflow.BranchState] = {}
# The stored text of the enum members (a dict look-up is cheaper than ``.value``).
VALUES: dict[enum.Enum, str] = {
    m: m.value
    for e in (RectificationStatus, KeyReason, ReviewDecision, SelfCheckSource, NotificationKind)
    for m in e
}


class Branch:
    """One branch and its state row in the campaign (``models.rectification.BranchState``)."""

    __slots__ = (
        "id",
        "name",
        "admin",
        "sector",
        "path",
        "status",
        "is_key",
        "key_reason",
        "key_since",
        "baseline",
        "latest_id",
        "latest_poor",
        "latest_fair",
        "latest_source",
        "selected",
        "selected_at",
        "selected_by",
        "updated_at",
        "version",
        "ratings",
    )

    def __init__(self, org_id: int, name: str, sector: str, path: str, admin: str) -> None:
        self.id = org_id
        self.name = name
        self.admin = admin  # the display name of the branch's admin
        self.sector = sector
        self.path = path
        self.status = _S.NOT_SUBMITTED
        self.is_key = False
        self.key_reason: KeyReason | None = None
        self.key_since: datetime | None = None
        self.baseline: int | None = None
        self.latest_id: int | None = None
        self.latest_poor: int | None = None
        self.latest_fair: int | None = None
        self.latest_source: SelfCheckSource | None = None
        self.selected = False
        self.selected_at: datetime | None = None
        self.selected_by: str | None = None
        self.updated_at: datetime | None = None
        self.version = 0
        self.ratings = ""  # per template item: 0 GOOD, 1 FAIR, 2 POOR

    def rules(self, source: SelfCheckSource | None) -> workflow.BranchState:
        """The rules' view of the state (a handful of distinct values, made once each)."""
        key = (self.status, self.is_key, self.key_reason, source)
        state = _RULE_STATES.get(key)
        if state is None:
            state = _RULE_STATES[key] = workflow.BranchState(*key)
        return state

    def facts(self) -> BranchFacts:
        """What ``resolvers.progress.facts`` reads from the state row."""
        return BranchFacts(self.status, self.latest_id is not None, self.is_key, self.selected)


class RatingsJson:
    """The ratings JSON exactly as the API stores it, from a string such as "0120…".

    Items are taken five at a time, each group's 3⁵ possible JSON fragments built once.
    """

    GROUP = 5

    def __init__(self, item_codes: Sequence[str]) -> None:
        self.groups: list[tuple[int, int, dict[str, str]]] = []
        names = [r.value for r in (Rating.GOOD, Rating.FAIR, Rating.POOR)]
        for start in range(0, len(item_codes), self.GROUP):
            codes = item_codes[start : start + self.GROUP]
            table = {
                "".join(combo): ",".join(
                    JSON_DUMPS({"itemCode": code, "rating": names[int(v)], "note": None})
                    for code, v in zip(codes, combo, strict=True)
                )
                for combo in itertools.product("012", repeat=len(codes))
            }
            self.groups.append((start, start + len(codes), table))

    def dumps(self, ratings: str) -> str:
        return "[" + ",".join([table[ratings[a:b]] for a, b, table in self.groups]) + "]"


@dataclass
class Ids:
    """The next id of every table filled with explicit ids."""

    self_check: int = 1
    review: int = 1
    notification: int = 1

    def take(self, table: str) -> int:
        value: int = getattr(self, table)
        setattr(self, table, value + 1)
        return value


Emit = Callable[[str, tuple], None]


class UnitHistory:
    """Simulates the campaign of one unit's branches and emits the rows it leaves."""

    def __init__(
        self,
        *,
        rng: random.Random,
        ids: Ids,
        emit: Emit,
        campaign_id: int,
        threshold: int,
        ratio: Decimal,
        start: datetime,
        now: datetime,
        item_codes: Sequence[str],
    ) -> None:
        self.rng = rng
        self.ids = ids
        self.emit = emit
        self.campaign_id = campaign_id
        self.threshold = threshold
        self.ratio = ratio
        self.start_ts = start.timestamp()
        self.span = max(now.timestamp() - self.start_ts, 1.0)
        self.json = RatingsJson(item_codes)
        self.items = len(item_codes)
        # Random item orders, to pick which items are rated POOR or FAIR.
        orders = random.Random(len(item_codes))
        self.orders = [tuple(orders.sample(range(self.items), self.items)) for _ in range(256)]

    # --- time -------------------------------------------------------------------------

    def at(self, fraction: float) -> datetime:
        return datetime.fromtimestamp(self.start_ts + self.span * fraction, UTC)

    def later(self, t: float, limit: float) -> float:
        """A moment after ``t`` and before ``limit`` (fractions of the campaign so far)."""
        return t + (limit - t) * self.rng.uniform(0.05, 0.45)

    # --- forms (ratings: one character per template item, 0 GOOD, 1 FAIR, 2 POOR) -------

    def first_ratings(self) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.35:
            poor = 0
        elif r < 0.60:
            poor = rng.randint(1, 2)
        elif r < 0.80:
            poor = rng.randint(3, 5)
        elif r < 0.93:
            poor = rng.randint(6, self.threshold - 1)
        else:
            poor = rng.randint(self.threshold, self.threshold + 8)
        poor = min(poor, self.items)
        fair = min(rng.randint(0, 12), self.items - poor)
        order = self.orders[rng.getrandbits(8)]
        chars = ["0"] * self.items
        for i in order[:poor]:
            chars[i] = "2"
        for i in order[poor : poor + fair]:
            chars[i] = "1"
        return "".join(chars)

    def more_honest(self, ratings: str) -> str:
        """After 不通过: a few more items admitted FAIR or POOR."""
        chars = list(ratings)
        for i in self.orders[self.rng.getrandbits(8)][: self.rng.randint(1, 4)]:
            chars[i] = "2" if chars[i] != "0" else "1"
        return "".join(chars)

    def improved(self, ratings: str) -> str:
        """A rectification form: POOR items often improve, now and then one slips."""
        random_ = self.rng.random
        chars = []
        for value in ratings:
            if value == "2" and random_() < 0.55:
                value = "1" if random_() < 0.6 else "0"
            elif value == "1" and random_() < 0.25:
                value = "0"
            chars.append(value)
        if random_() < 0.1:
            i = self.rng.randrange(self.items)
            chars[i] = "2" if chars[i] != "0" else "1"
        return "".join(chars)

    def file_form(
        self,
        b: Branch,
        ratings: str,
        source: SelfCheckSource,
        when: datetime,
        filler: tuple[int, str],
    ) -> tuple[int, int, int]:
        """A self_check row (as ``resolvers.rectification._form_insert`` writes it); returns (id, poor, fair)."""
        form_id = self.ids.take("self_check")
        b.version += 1
        b.ratings = ratings
        poor, fair = ratings.count("2"), ratings.count("1")
        self.emit(
            "self_check",
            (
                form_id,
                b.version,
                VALUES[source],
                filler[0],
                filler[1],
                when,
                self.json.dumps(ratings),
                poor,
                fair,
                self.items - poor - fair,
                None,
                b.id,
                self.campaign_id,
            ),
        )
        return form_id, poor, fair

    # --- transitions (as resolvers.rectification.apply_outcome) -------------------------

    def apply(
        self,
        b: Branch,
        outcome: workflow.Outcome,
        when: datetime,
        *,
        form: tuple[int, int, int] | None = None,
        source: SelfCheckSource | None = None,
        accepted: int | None = None,
        selected_by: str | None = None,
        actor: str | None = None,
        comment: str | None = None,
    ) -> None:
        if form is not None:
            b.latest_id, b.latest_poor, b.latest_fair = form
            b.latest_source = source
        b.status = outcome.status
        b.is_key = outcome.is_key
        b.key_reason = outcome.key_reason
        if outcome.becomes_key_now:
            b.key_since = when
            b.baseline = accepted
        if selected_by is not None and not b.selected:
            b.selected = True
            b.selected_at = when
            b.selected_by = selected_by
        b.updated_at = when
        for kind in outcome.notifications:
            self.notify(b, kind, when, actor, comment)

    def notify(
        self,
        b: Branch,
        kind: NotificationKind,
        when: datetime,
        actor: str | None,
        comment: str | None,
    ) -> None:
        self.emit(
            "notification",
            (
                self.ids.take("notification"),
                self.campaign_id,
                VALUES[kind],
                notification_message(kind, actor, comment),
                when,
                b.id,
            ),
        )

    def submit(self, b: Branch, ratings: str, t: float, admin: tuple[int, str]) -> None:
        outcome = workflow.submit(b.rules(b.latest_source))
        when = self.at(t)
        form = self.file_form(b, ratings, SelfCheckSource.SELF, when, admin)
        self.apply(b, outcome, when, form=form, source=SelfCheckSource.SELF)

    def assess(self, b: Branch, ratings: str, t: float, superior: tuple[int, str]) -> None:
        when = self.at(t)
        form = self.file_form(b, ratings, SelfCheckSource.SUPERIOR, when, superior)
        outcome = workflow.assess(b.rules(b.latest_source), form[1], self.threshold)
        self.apply(
            b,
            outcome,
            when,
            form=form,
            source=SelfCheckSource.SUPERIOR,
            accepted=form[0],
            actor=superior[1],
        )

    def review(
        self,
        b: Branch,
        decision: ReviewDecision,
        t: float,
        superior: tuple[int, str],
        comment: str | None = None,
    ) -> None:
        assert b.latest_id is not None and b.latest_poor is not None
        outcome = workflow.review(
            b.rules(b.latest_source), decision, b.latest_poor, self.threshold, comment
        )
        when = self.at(t)
        self.emit(
            "review",
            (
                self.ids.take("review"),
                VALUES[decision],
                superior[0],
                superior[1],
                when,
                comment,
                b.latest_id,
            ),
        )
        self.apply(b, outcome, when, accepted=b.latest_id, actor=superior[1], comment=comment)

    # --- the unit's campaign ------------------------------------------------------------

    def run(self, branches: list[Branch], superior: tuple[int, str]) -> bool:
        """Plays the whole campaign of the unit's branches; True if the quota was met."""
        rng = self.rng
        t_sel = rng.uniform(0.50, 0.62)
        for b in branches:
            self.first_round(b, t_sel, superior)
        met = self.select(branches, t_sel, superior)
        for b in branches:
            if b.status == _S.KEY_RECTIFYING:
                self.rectify(b, t_sel, superior)
        return met

    def decide(self, b: Branch, t: float, limit: float, superior: tuple[int, str]) -> float:
        """The superior's review of a pending first form: 通过 or 开始整改."""
        assert b.latest_poor is not None
        t = self.later(t, limit)
        over = workflow.reaches_threshold(b.latest_poor, self.threshold)
        if over or self.rng.random() < p_start(b.latest_poor):
            comment = self.rng.choice(START_COMMENTS)
            self.review(b, ReviewDecision.START_RECTIFICATION, t, superior, comment)
        else:
            self.review(b, ReviewDecision.PASS, t, superior)
        return t

    def first_round(self, b: Branch, limit: float, superior: tuple[int, str]) -> None:
        rng = self.rng
        admin = (b.id, b.admin)
        r = rng.random()
        if r < NO_FORM_SHARE:
            return
        if r < NO_FORM_SHARE + ASSESSED_SHARE:
            t = limit * rng.uniform(0.3, 0.8)
            self.assess(b, self.first_ratings(), t, superior)
            if b.status == _S.PENDING_REVIEW and rng.random() < 0.85:
                self.decide(b, t, limit, superior)
            return
        t = limit * rng.uniform(0.0, 0.7)
        self.submit(b, self.first_ratings(), t, admin)
        if rng.random() < EDIT_BEFORE_REVIEW:
            t = self.later(t, limit)
            self.submit(b, self.improved(b.ratings), t, admin)
        r = rng.random()
        if r < LEFT_PENDING:
            return
        assert b.latest_poor is not None
        over = workflow.reaches_threshold(b.latest_poor, self.threshold)
        if not over and r < LEFT_PENDING + REJECT_SHARE:
            t = self.later(t, limit)
            self.review(b, ReviewDecision.REJECT, t, superior, rng.choice(REJECT_COMMENTS))
            if rng.random() < RESUBMIT_AFTER_REJECT:
                t = self.later(t, limit)
                self.submit(b, self.more_honest(b.ratings), t, admin)
                if rng.random() < 0.8:
                    self.decide(b, t, limit, superior)
            return
        self.decide(b, t, limit, superior)

    def select(self, branches: list[Branch], t: float, superior: tuple[int, str]) -> bool:
        """勾选: the quota of the worst rankable branches, in one confirmed selection."""
        quota = workflow.bottom_quota(len(branches), self.ratio)
        rankable = [b for b in branches if workflow.is_rankable(b.status)]
        if len(rankable) < quota or self.rng.random() >= SELECTING_UNITS:
            return False
        rankable.sort(
            key=lambda b: workflow.ranking_key(
                b.latest_poor or 0, b.latest_fair or 0, b.name, str(b.id)
            )
        )
        when = self.at(t)
        for b in sorted(rankable[:quota], key=lambda b: b.id):
            outcome = workflow.select_as_bottom(b.rules(None))
            self.apply(
                b,
                outcome,
                when,
                accepted=b.latest_id,
                selected_by=superior[1],
                actor=superior[1],
            )
        return True

    def rectify(self, b: Branch, t: float, superior: tuple[int, str]) -> None:
        """Phase C: further forms of a key branch, re-reviewed."""
        rng = self.rng
        admin = (b.id, b.admin)
        forms = 0 if rng.random() < 0.2 else rng.randint(1, 3)
        for j in range(forms):
            last = j == forms - 1
            t = self.later(t, 1.0)
            self.submit(b, self.improved(b.ratings), t, admin)
            if rng.random() >= (0.55 if last else 0.9):
                continue  # awaiting re-review (a later form supersedes it)
            t = self.later(t, 1.0)
            assert b.latest_poor is not None
            over = workflow.reaches_threshold(b.latest_poor, self.threshold)
            if not over and rng.random() < (0.5 if last else 0.3):
                self.review(b, ReviewDecision.PASS, t, superior, rng.choice(PASS_COMMENTS))
                return
            comment = rng.choice(CONTINUE_COMMENTS)
            self.review(b, ReviewDecision.CONTINUE_RECTIFICATION, t, superior, comment)
