"""The workflow: submit, assess and review forms, and persist every transition once.

Each mutation locks the branch's state row (``SELECT … FOR UPDATE`` on PostgreSQL;
SQLite serialises write transactions), asks the pure rules in ``models.workflow`` what
happens, then writes the form, the review, the new state, notifications and the audit.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from strawberry.types import Info
from tortoise.backends.base.client import BaseDBAsyncClient

from models import workflow
from models.campaign import Campaign
from models.checklist import ChecklistTemplate as TemplateRules
from models.checklist import count_ratings
from models.errors import RuleError, UserErrorCode
from models.organization import Organization, OrgType
from models.rectification import BranchState, Review, SelfCheck
from models.workflow import ensure_campaign_open
from resolvers.audit import audit_entry
from resolvers.campaign import ensure_open, open_campaign
from resolvers.notification import notify
from resolvers.organization import organization_by_global_id
from resolvers.progress import change_deltas, facts
from schema.ids import decode_int_id
from zhengdun.clock import CHINA
from zhengdun.context import Context
from zhengdun.db import (
    Returned,
    Write,
    connection,
    insert_rows,
    is_postgres,
    placeholder,
    read_models,
    update_row,
    write_together,
)

Ctx = Info[Context, Any]
NOTE_MAX_LENGTH = 500
COMMENT_MAX_LENGTH = 1000


@dataclass(frozen=True)
class RatingEntry:
    item_code: str
    rating: workflow.Rating
    note: str | None = None


# Templates never change once used; there are a handful of them.
_TEMPLATE_RULES: dict[str, TemplateRules] = {}


async def template_rules(info: Ctx, campaign: Campaign) -> TemplateRules:
    """The checklist of the campaign (parsed once per process)."""
    rules = _TEMPLATE_RULES.get(campaign.template_id)
    if rules is None:
        template = await info.context.loaders.workflow.template.load(campaign.template_id)
        assert template is not None, "a campaign always names a template"
        rules = _TEMPLATE_RULES[template.id] = template.rules()
    return rules


async def branch_by_global_id(info: Ctx, global_id: str, field: list[str]) -> Organization:
    branch = await organization_by_global_id(info, global_id, field)
    if branch.type != OrgType.BRANCH:
        raise RuleError(UserErrorCode.INVALID_INPUT, "只有团支部参加整理整顿", field)
    return branch


def rules_state(
    row: BranchState, latest_source: workflow.SelfCheckSource | None
) -> workflow.BranchState:
    return workflow.BranchState(row.status, row.is_key, row.key_reason, latest_source)


def _lock_sql(conn: BaseDBAsyncClient) -> str:
    """The state row of (campaign, branch) and whether the campaign has closed.

    On PostgreSQL it locks both rows in one statement: the state ``FOR UPDATE``, the
    campaign ``FOR KEY SHARE`` (which only ``closeCampaign``'s ``FOR UPDATE`` waits for),
    so a change cannot slip into a campaign that closed meanwhile. After waiting for a
    lock PostgreSQL rereads the locked rows, but nothing else: anything that depends on
    other rows (the latest form's version) is read by a later statement. SQLite
    serialises write transactions.
    """
    locks = " FOR UPDATE OF s FOR KEY SHARE OF c" if is_postgres(conn) else ""
    return (
        "SELECT s.*, c.closed_at IS NOT NULL AS campaign_closed FROM branch_state s "
        "JOIN campaign c ON c.id = s.campaign_id "
        f"WHERE s.campaign_id = {placeholder(conn, 1)} AND s.branch_id = {placeholder(conn, 2)}"
        + locks
    )


async def lock_state(campaign: Campaign, branch: Organization, now: datetime) -> BranchState:
    """The branch's state row in the campaign, created NOT_SUBMITTED if absent, locked.

    Also holds the campaign open for the transaction (see :func:`_lock_sql`): one
    statement when the row exists, as it does after a branch's first form.
    """
    conn = connection()
    sql = _lock_sql(conn)
    _, rows = await conn.execute_query(sql, [campaign.id, branch.id])
    if not rows:
        if is_postgres(conn):  # hold the campaign open before writing the new row
            found = await conn.execute_query_dict(
                "SELECT closed_at FROM campaign WHERE id = $1 FOR KEY SHARE", [campaign.id]
            )
            _ensure_open(campaign, now, found[0]["closed_at"] is not None)
        await BranchState.bulk_create(
            [
                BranchState(
                    campaign_id=campaign.id,
                    branch_id=branch.id,
                    branch_path=branch.path,
                    sector=branch.sector,
                    status=workflow.RectificationStatus.NOT_SUBMITTED,
                    updated_at=now,
                )
            ],
            ignore_conflicts=True,
        )
        _, rows = await conn.execute_query(sql, [campaign.id, branch.id])
    _ensure_open(campaign, now, bool(rows[0]["campaign_closed"]))
    return read_models(BranchState, rows)[0]


def _ensure_open(campaign: Campaign, now: datetime, closed: bool) -> None:
    ensure_campaign_open(now.astimezone(CHINA).date(), campaign.starts_on, campaign.ends_on, closed)


async def apply_outcome(
    info: Ctx,
    row: BranchState,
    outcome: workflow.Outcome,
    *,
    action: str,
    form: SelfCheck | None = None,
    accepted_form_id: int | None = None,
    accepts_form: bool = False,
    selected: bool = False,
    comment: str | None = None,
    actor_name: str | None = None,
    also: Sequence[Write] = (),
) -> BranchState:
    """Persists one transition: the form, the state row, the progress counts, the audit
    and ``also`` (a review, say) in one statement on PostgreSQL, then notifications.

    ``form`` is a new form (:func:`_new_form`), filed here and then the latest;
    ``accepted_form_id`` the form the branch was accepted on, the baseline if it becomes
    key now (``accepts_form``: the new form is); ``selected`` ticks it as a bottom branch.
    """
    now = info.context.clock.now()
    before = facts(row)
    if form is not None:
        row.latest_poor = form.poor_count
        row.latest_fair = form.fair_count
    row.status = outcome.status
    row.is_key = outcome.is_key
    row.key_reason = outcome.key_reason  # type: ignore[assignment]
    # The new form's id is the database's: the state row takes it in the same statement.
    filed: dict[str, Any] = {}
    if outcome.becomes_key_now:
        row.key_since = now
        if accepts_form:
            filed["baseline_self_check_id"] = Returned("id")
        else:
            row.baseline_self_check_id = accepted_form_id
    if selected and not row.selected_as_bottom:
        row.selected_as_bottom = True
        row.selected_at = now
        row.selected_by_name = actor_name
    row.updated_at = now
    if form is not None:
        filed["latest_self_check_id"] = Returned("id")
        after = replace(facts(row), has_form=True)
    else:
        after = facts(row)
    deltas = change_deltas(row, before, after)
    returned = await write_together(
        [
            *([_form_insert(form)] if form is not None else []),
            update_row(row, _OUTCOME_COLUMNS, filed),
            *([deltas] if deltas else []),
            *also,
            audit_entry(
                info,
                action,
                "Organization",
                row.branch_id,
                {"campaignId": row.campaign_id, "status": outcome.status.value},
            ),
        ],
        returning=form is not None,
    )
    if form is not None:
        assert returned is not None
        form.id, form.version = returned["id"], returned["version"]
        form._saved_in_db = True  # as Model.create leaves it
        row.latest_self_check_id = form.id
        if "baseline_self_check_id" in filed:
            row.baseline_self_check_id = form.id
    await notify(row.branch_id, row.campaign_id, outcome.notifications, now, actor_name, comment)
    return row


# The columns of a state row that a transition sets (``apply_outcome``).
_OUTCOME_COLUMNS = (
    "latest_self_check_id",
    "latest_poor",
    "latest_fair",
    "status",
    "is_key",
    "key_reason",
    "key_since",
    "baseline_self_check_id",
    "selected_as_bottom",
    "selected_at",
    "selected_by_name",
    "updated_at",
)


def _clean_ratings(ratings: list[RatingEntry]) -> list[RatingEntry]:
    cleaned = []
    for entry in ratings:
        note = entry.note.strip() if entry.note else None
        if note and len(note) > NOTE_MAX_LENGTH:
            raise RuleError(
                UserErrorCode.INVALID_INPUT,
                f"条目 {entry.item_code} 的备注不能超过 {NOTE_MAX_LENGTH} 个字符",
                ["input", "ratings"],
            )
        cleaned.append(RatingEntry(entry.item_code, workflow.Rating(entry.rating), note or None))
    return cleaned


@functools.cache
def _form_columns() -> tuple[str, ...]:
    """The model's columns that ``_form_insert`` writes: all but the id (the database's) and
    the version (numbered by the statement). Read from the model once it is initialised."""
    columns = SelfCheck._meta.fields_db_projection
    assert all(name == column for name, column in columns.items())  # names are columns
    return tuple(name for name in columns if name not in ("id", "version"))


@functools.cache
def _insert_form_sql() -> str:
    """One statement files a form numbered after the branch's latest in the campaign.

    Run after the state row is locked, so no other form of the branch is being filed;
    the new statement sees every committed form (PostgreSQL's READ COMMITTED takes a
    snapshot per statement). The last two values repeat the campaign and branch for the
    numbering. Marked "?" (``write_together``); built once the models are initialised.
    """
    columns = _form_columns()
    return (
        f"INSERT INTO self_check ({', '.join(columns)}, version) "
        f"VALUES ({', '.join('?' for _ in columns)}, (SELECT COALESCE(MAX(version), 0) + 1 "
        "FROM self_check WHERE campaign_id = ? AND branch_id = ?)) RETURNING id, version"
    )


def _form_insert(form: SelfCheck) -> Write:
    """The INSERT filing a new form, values converted as Tortoise does; it returns the
    form's id and version."""
    fields = SelfCheck._meta.fields_map
    values = [fields[name].to_db_value(getattr(form, name), form) for name in _form_columns()]
    return _insert_form_sql(), [*values, form.campaign_id, form.branch_id]


async def _new_form(
    info: Ctx,
    campaign: Campaign,
    branch: Organization,
    ratings: list[RatingEntry],
    source: workflow.SelfCheckSource,
    client_mutation_id: str | None,
) -> SelfCheck:
    """A form as filled in, its counts made: ``apply_outcome`` files it with the transition."""
    rules = await template_rules(info, campaign)
    order = {code: i for i, code in enumerate(rules.item_codes)}
    ratings = _clean_ratings(ratings)
    poor, fair, good = count_ratings(rules.item_codes, [(r.item_code, r.rating) for r in ratings])
    viewer = info.context.viewer
    assert viewer is not None
    return SelfCheck(
        campaign_id=campaign.id,
        branch_id=branch.id,
        source=source,
        filled_by_id=viewer.account.id,
        filled_by_name=viewer.display_name,
        submitted_at=info.context.clock.now(),
        ratings=[
            {"itemCode": r.item_code, "rating": r.rating.value, "note": r.note}
            for r in sorted(ratings, key=lambda r: order[r.item_code])
        ],
        poor_count=poor,
        fair_count=fair,
        good_count=good,
        client_mutation_id=client_mutation_id,
    )


async def submit_self_check(
    info: Ctx, branch_id: str, ratings: list[RatingEntry], client_mutation_id: str | None
) -> tuple[SelfCheck, BranchState]:
    """团支部自检. A repeated request with the same ``clientMutationId`` returns the first form."""
    campaign = await open_campaign(info)
    branch = await branch_by_global_id(info, branch_id, ["input", "branchId"])
    row = await lock_state(campaign, branch, info.context.clock.now())
    if client_mutation_id:
        first = await SelfCheck.get_or_none(
            campaign_id=campaign.id, branch_id=branch.id, client_mutation_id=client_mutation_id
        )
        if first is not None:
            return first, row
    # The source of the latest form matters only when it is reviewed.
    outcome = workflow.submit(rules_state(row, None))
    form = await _new_form(
        info, campaign, branch, ratings, workflow.SelfCheckSource.SELF, client_mutation_id
    )
    await apply_outcome(info, row, outcome, form=form, action="submitSelfCheck")
    return form, row


async def assess_branch(
    info: Ctx, branch_id: str, ratings: list[RatingEntry]
) -> tuple[SelfCheck, BranchState]:
    """上级评估 of a branch that has not submitted."""
    campaign = await open_campaign(info)
    branch = await branch_by_global_id(info, branch_id, ["input", "branchId"])
    row = await lock_state(campaign, branch, info.context.clock.now())
    state = rules_state(row, None)
    if state.status != workflow.RectificationStatus.NOT_SUBMITTED:
        workflow.assess(state, 0, campaign.poor_threshold)  # raises INVALID_STATE
    form = await _new_form(info, campaign, branch, ratings, workflow.SelfCheckSource.SUPERIOR, None)
    outcome = workflow.assess(state, form.poor_count, campaign.poor_threshold)
    viewer_name = info.context.viewer.display_name if info.context.viewer else None
    await apply_outcome(
        info,
        row,
        outcome,
        form=form,
        accepts_form=True,
        action="assessBranch",
        actor_name=viewer_name,
    )
    return form, row


async def review_self_check(
    info: Ctx, self_check_id: str, decision: workflow.ReviewDecision, comment: str | None
) -> BranchState:
    """通过 / 不通过 / 开始整改 / 继续整改 of the branch's latest form."""
    form = await self_check_by_global_id(info, self_check_id, ["input", "selfCheckId"])
    campaign = await Campaign.get(id=form.campaign_id)
    ensure_open(info, campaign)
    branch = await Organization.get(id=form.branch_id)
    row = await lock_state(campaign, branch, info.context.clock.now())
    if row.latest_self_check_id != form.id:
        raise RuleError(
            UserErrorCode.STALE_SELF_CHECK,
            "该自检表已不是团支部的最新自检表，请查看最新提交的自检表后再审核。",
            ["input", "selfCheckId"],
        )
    comment = comment.strip() if comment else None
    if comment and len(comment) > COMMENT_MAX_LENGTH:
        raise RuleError(
            UserErrorCode.INVALID_INPUT,
            f"审核意见不能超过 {COMMENT_MAX_LENGTH} 个字符",
            ["input", "comment"],
        )
    state = rules_state(row, form.source)
    outcome = workflow.review(state, decision, form.poor_count, campaign.poor_threshold, comment)
    if await Review.exists(self_check_id=form.id):
        raise RuleError(UserErrorCode.INVALID_STATE, "该自检表已审核。", ["input", "selfCheckId"])
    viewer = info.context.viewer
    assert viewer is not None
    review = Review(
        self_check_id=form.id,
        decision=decision,
        reviewer_id=viewer.account.id,
        reviewer_name=viewer.display_name,
        reviewed_at=info.context.clock.now(),
        comment=comment,
    )
    return await apply_outcome(
        info,
        row,
        outcome,
        also=[insert_rows(Review, [review])],
        accepted_form_id=form.id,
        action="reviewSelfCheck",
        comment=comment,
        actor_name=viewer.display_name,
    )


async def self_check_by_global_id(info: Ctx, global_id: str, field: list[str]) -> SelfCheck:
    form = await info.context.loaders.workflow.self_check.load(
        decode_int_id(global_id, "SelfCheck", field)
    )
    if form is None:
        raise RuleError(UserErrorCode.NOT_FOUND, "自检表不存在", field)
    return form
