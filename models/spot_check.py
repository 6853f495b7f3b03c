"""Spot checks (抽查核查): a leading body draws a share of the branches below it.

"各级团的领导机关要按照一定比例对基层团组织整顿情况进行抽查核查". The draw is reproducible:
the eligible branch ids in id order and the seed determine the sample, and both the seed
and the number of eligible branches are recorded with it. The rules below are pure (no
I/O); the resolver finds the eligible branches and records the draw.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from tortoise import fields
from tortoise.models import Model

from models.campaign import Campaign
from models.errors import RuleError, UserErrorCode
from models.organization import Organization, Sector
from models.workflow import RectificationStatus

RATIO_PLACES = Decimal("0.0001")  # (choice) what the ratio column keeps, as for campaigns
SEED_BITS = 31  # a drawn seed fits GraphQL Int (signed 32 bits)


class SpotCheck(Model):
    """抽查核查: one recorded draw of branches below an organisation. Never changed."""

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="spot_checks", on_delete=fields.RESTRICT
    )
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "models.Campaign", related_name="spot_checks", on_delete=fields.RESTRICT
    )
    ratio = fields.DecimalField(max_digits=5, decimal_places=4)
    sector = fields.CharEnumField(Sector, max_length=30, null=True)
    # The status filter, in the order of RectificationStatus, or null for every status.
    statuses: fields.JSONField[list[str] | None] = fields.JSONField(null=True)
    seed = fields.IntField()
    created_at = fields.DatetimeField()
    created_by_id = fields.IntField()
    created_by_name = fields.CharField(max_length=100)
    eligible_count = fields.IntField()
    # The sampled branch ids, in tree (path) order.
    branch_ids: fields.JSONField[list[int]] = fields.JSONField()

    organization_id: int
    campaign_id: int

    class Meta:
        table = "spot_check"
        indexes = (("organization_id", "campaign_id", "created_at"),)


def spot_check_ratio(value: float) -> Decimal:
    """The share to draw, exactly (0.2 is 1/5): INVALID_INPUT unless 0 < ratio ≤ 1.

    A float (GraphQL ``Float``) is read through its shortest repr; at most four decimals,
    what the record keeps, so the recorded ratio is the one the sample was drawn with.
    """
    field = ["input", "ratio"]
    try:
        exact = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        exact = Decimal("NaN")
    if isinstance(value, bool) or not exact.is_finite() or not 0 < exact <= 1:
        raise RuleError(UserErrorCode.INVALID_INPUT, "抽查比例须大于 0 且不超过 1。", field)
    if exact != exact.quantize(RATIO_PLACES):
        raise RuleError(UserErrorCode.INVALID_INPUT, "抽查比例最多保留四位小数。", field)
    return exact


def sample_size(eligible: int, ratio: Decimal) -> int:
    """⌈ratio × n⌉ branches of n eligible ones, at least one; none when none is eligible."""
    if eligible < 0:
        raise ValueError("eligible count must not be negative")
    if eligible == 0:
        return 0
    return max(1, math.ceil(ratio * eligible))  # Decimal: exact (0.2 × 15 is 3)


def draw(eligible_ids: Iterable[int], ratio: Decimal, seed: int) -> list[int]:
    """The sample: the same seed over the same eligible set always gives the same ids.

    The ids are taken in id order, so the order they were read in does not matter.
    """
    ordered = sorted(eligible_ids)
    return random.Random(seed).sample(ordered, sample_size(len(ordered), ratio))


def status_filter(
    statuses: Sequence[RectificationStatus] | None,
) -> list[RectificationStatus] | None:
    """The statuses asked for, each once, in workflow order; None (or none) means any.

    (choice) An empty list is read as "any status", as an unticked filter in a form.
    """
    if not statuses:
        return None
    wanted = {RectificationStatus(s) for s in statuses}
    return [s for s in RectificationStatus if s in wanted]
