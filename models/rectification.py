"""A branch in a campaign: its state, its forms (自检表) and their reviews. Append-only
except for the state row, which is the current summary of the history.

A branch without a state row in a campaign has not submitted (NOT_SUBMITTED); the row
is created by its first form, or at the start of a campaign for a carried-over branch.
"""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from tortoise import fields
from tortoise.models import Model

from models.campaign import Campaign
from models.organization import Organization, Sector
from models.workflow import (
    KeyReason,
    RectificationStatus,
    ReviewDecision,
    SelfCheckSource,
)


class BranchState(Model):
    """The state of one branch in one campaign (the row the workflow updates)."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="branch_states", on_delete=fields.RESTRICT
    )
    branch: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="states", on_delete=fields.RESTRICT
    )
    # Copies of the branch's immutable path and sector: subtree scans and counts by
    # sector read this table alone.
    branch_path = fields.CharField(max_length=255)
    sector = fields.CharEnumField(Sector, max_length=30)
    status = fields.CharEnumField(RectificationStatus, max_length=20)
    is_key = fields.BooleanField(default=False)
    key_reason = fields.CharEnumField(KeyReason, max_length=20, null=True)
    key_since = fields.DatetimeField(null=True)
    baseline_self_check_id = fields.IntField(null=True)
    latest_self_check_id = fields.IntField(null=True)
    latest_poor = fields.IntField(null=True)
    latest_fair = fields.IntField(null=True)
    selected_as_bottom = fields.BooleanField(default=False)
    selected_at = fields.DatetimeField(null=True)
    selected_by_name = fields.CharField(max_length=100, null=True)
    updated_at = fields.DatetimeField()

    campaign_id: int
    branch_id: int

    class Meta:
        table = "branch_state"
        unique_together = (("campaign", "branch"),)
        indexes = (("campaign_id", "branch_path"),)


class ShownState(NamedTuple):
    """What the queries show of a state row: the columns the views read, nothing else.

    A county's tree lists hundreds of branches with their status; their rows were read
    whole (17 columns, three of them timestamps) to show two or three values of each
    (docs/benchmarks.md, change 15). ``BranchState`` has the same attributes, so a view
    takes either; the workflow changes rows it has read whole, and locked.
    """

    branch_id: int
    status: RectificationStatus
    is_key: bool
    key_reason: KeyReason | None
    key_since: datetime.datetime | None
    latest_self_check_id: int | None
    latest_poor: int | None
    selected_as_bottom: bool
    selected_at: datetime.datetime | None
    selected_by_name: str | None


class BriefState(NamedTuple):
    """What a listing of branches reads of each state row: the few plain columns a list
    shows (status, 较差项 count, key, ticked), without the timestamps, names and reasons.

    A county's tree lists hundreds of branches with their status; reading those five
    columns instead of :class:`ShownState`'s ten cut an M1 request by 6 % of its
    instructions (docs/benchmarks.md, change 28). A field that shows more of a listed
    branch reads its :class:`ShownState` (schema/rectification.py).
    """

    branch_id: int
    status: RectificationStatus
    is_key: bool
    latest_poor: int | None
    selected_as_bottom: bool


# What a view is given: the shown columns, or a whole row where one was read anyway.
Shown = BranchState | ShownState


class SelfCheck(Model):
    """One submitted form, self-check or superior assessment. Never changed."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="self_checks", on_delete=fields.RESTRICT
    )
    branch: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="self_checks", on_delete=fields.RESTRICT
    )
    version = fields.IntField()
    source = fields.CharEnumField(SelfCheckSource, max_length=10)
    filled_by_id = fields.IntField()
    filled_by_name = fields.CharField(max_length=100)
    submitted_at = fields.DatetimeField()
    # [{"itemCode": ..., "rating": "GOOD|FAIR|POOR", "note": ...}] in template order.
    ratings: Any = fields.JSONField()
    poor_count = fields.IntField()
    fair_count = fields.IntField()
    good_count = fields.IntField()
    # A repeated request with the same key returns the first form (double clicks).
    client_mutation_id = fields.CharField(max_length=64, null=True)

    campaign_id: int
    branch_id: int

    class Meta:
        table = "self_check"
        unique_together = (
            ("campaign", "branch", "version"),
            ("campaign", "branch", "client_mutation_id"),
        )


class Review(Model):
    """The judgement of the direct superior on one form, at most one per form."""

    id = fields.IntField(primary_key=True)
    self_check: fields.OneToOneRelation[SelfCheck] = fields.OneToOneField(
        "models.SelfCheck", related_name="review", on_delete=fields.RESTRICT
    )
    decision = fields.CharEnumField(ReviewDecision, max_length=30)
    reviewer_id = fields.IntField()
    reviewer_name = fields.CharField(max_length=100)
    reviewed_at = fields.DatetimeField()
    comment = fields.TextField(null=True)

    self_check_id: int

    class Meta:
        table = "review"
