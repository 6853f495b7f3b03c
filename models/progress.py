"""Progress counts (下级团支部整顿进度) kept current without scanning a subtree.

Two tables:

- ``BranchTally``: branches per (organisation, sector) in the organisation's whole
  subtree, and among its direct children. Tree data, changed when a branch is created.
- ``ProgressDelta``: per campaign, insert-only signed deltas per (organisation, sector,
  direct). Every state change of a branch inserts one row for each of its ancestors in
  the same transaction; nothing is ever updated, so no two writes wait on one hot row
  (the root's, say). A read sums the rows of the organisations it shows; a background
  task folds each group's rows into one (delete + insert of the sum in one statement),
  so reads stay short and stay exact.
- ``ProgressTotal``: per campaign and organisation, one row of what the progress view
  shows of it (every metric over all sectors, and key branches per sector): the deltas
  the fold has counted into it (``ProgressDelta.in_totals``), added by the fold in the
  statement that folds them. The view reads an organisation's total and its deltas not
  yet counted: the root's 35 rows instead of its 35 organisations' ~530 delta rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from tortoise import fields
from tortoise.models import Model

from models.organization import Organization, Sector, path_ids
from models.workflow import RectificationStatus
from zhengdun.db import connection, placeholders

COUNTED_STATUSES = [s for s in RectificationStatus if s != RectificationStatus.NOT_SUBMITTED]
# One column per counted fact; NOT_SUBMITTED is the branch total minus the others.
STATUS_COLUMNS: dict[RectificationStatus, str] = {
    s: f"n_{s.value.lower()}" for s in COUNTED_STATUSES
}
METRICS = ["submitted", "key", "selected", "quota_met", *STATUS_COLUMNS.values()]


class BranchTally(Model):
    """Branches of one sector in an organisation's subtree, and among its children."""

    id = fields.IntField(primary_key=True)
    org_id = fields.IntField()
    sector = fields.CharEnumField(Sector, max_length=30)
    branches = fields.IntField(default=0)
    direct_branches = fields.IntField(default=0)
    # Organisations of this sector (this one or below) with branches among their children:
    # each owes a bottom selection (勾选后进团支部).
    units = fields.IntField(default=0)

    class Meta:
        table = "branch_tally"
        unique_together = (("org_id", "sector"),)


class Tally(NamedTuple):
    """What a view reads of one ``BranchTally`` row."""

    sector: str
    branches: int
    direct_branches: int
    units: int


class Counts(Model):
    """The METRICS, one column each: of a delta row and of a totals row."""

    submitted = fields.IntField(default=0)
    key = fields.IntField(default=0)
    selected = fields.IntField(default=0)
    # Organisations (this one or below) whose bottom quota has been reached.
    quota_met = fields.IntField(default=0)
    n_pending_review = fields.IntField(default=0)
    n_rejected = fields.IntField(default=0)
    n_passed = fields.IntField(default=0)
    n_key_rectifying = fields.IntField(default=0)
    n_key_pending_review = fields.IntField(default=0)
    n_rectified = fields.IntField(default=0)
    n_carried_over = fields.IntField(default=0)

    class Meta:
        abstract = True


class ProgressDelta(Counts):
    """A signed change of the counts of one organisation, sector and campaign."""

    id = fields.BigIntField(primary_key=True)
    campaign_id = fields.IntField()
    org_id = fields.IntField()
    sector = fields.CharEnumField(Sector, max_length=30)
    # True on the row of the branch's parent: the counts among direct children.
    direct = fields.BooleanField()
    # Counted into the organisation's ProgressTotal (by the fold): a row written by a
    # change is not yet, the fold's rows are. In the database a row inserted without it
    # is not yet counted (so a fold counts it). Migration 0009 indexes the rows not yet
    # counted (the fold looks for them, a read adds them to the totals).
    in_totals = fields.BooleanField(default=False, db_default=False)

    class Meta:
        table = "progress_delta"
        indexes = (("campaign_id", "org_id"),)


class ProgressTotal(Counts):
    """Progress counts of one organisation in one campaign.

    All sectors together, and its key branches in each sector: the sums of the deltas
    counted into it so far."""

    id = fields.IntField(primary_key=True)
    campaign_id = fields.IntField()
    org_id = fields.IntField()
    # Key branches of each sector (SECTOR_KEYS, in Sector's order).
    key_party_government_organ = fields.IntField(default=0)
    key_public_institution = fields.IntField(default=0)
    key_university = fields.IntField(default=0)
    key_vocational_school = fields.IntField(default=0)
    key_high_school = fields.IntField(default=0)
    key_middle_school = fields.IntField(default=0)
    key_primary_school = fields.IntField(default=0)
    key_state_owned_enterprise = fields.IntField(default=0)
    key_collective_enterprise = fields.IntField(default=0)
    key_non_public_enterprise = fields.IntField(default=0)
    key_social_organization = fields.IntField(default=0)
    key_military = fields.IntField(default=0)
    key_armed_police = fields.IntField(default=0)
    key_urban_community = fields.IntField(default=0)
    key_rural = fields.IntField(default=0)
    key_other = fields.IntField(default=0)

    class Meta:
        table = "progress_total"
        unique_together = (("campaign_id", "org_id"),)


# Sector → the ProgressTotal column of its key branches, in Sector's order.
SECTOR_KEYS = {s.value: f"key_{s.value.lower()}" for s in Sector}
TOTAL_COLUMNS = [*METRICS, *SECTOR_KEYS.values()]
if {*ProgressTotal._meta.fields_db_projection} - {"id", "campaign_id", "org_id"} != {
    *TOTAL_COLUMNS
} or {*METRICS} != {*Counts._meta.fields_db_projection}:
    raise RuntimeError("the counts' columns are not METRICS (and one key column per Sector)")


@dataclass(frozen=True)
class BranchFacts:
    """What one branch contributes to the counts in a campaign."""

    status: RectificationStatus = RectificationStatus.NOT_SUBMITTED
    has_form: bool = False
    is_key: bool = False
    selected: bool = False

    def vector(self) -> dict[str, int]:
        counts = dict.fromkeys(METRICS, 0)
        counts["submitted"] = int(self.has_form)
        counts["key"] = int(self.is_key)
        counts["selected"] = int(self.selected)
        column = STATUS_COLUMNS.get(RectificationStatus(self.status))
        if column:
            counts[column] = 1
        return counts


def difference(before: BranchFacts, after: BranchFacts) -> dict[str, int]:
    """The non-zero changes from ``before`` to ``after``."""
    b, a = before.vector(), after.vector()
    return {k: a[k] - b[k] for k in METRICS if a[k] != b[k]}


def add_into(total: dict[str, int], change: Mapping[str, int], sign: int = 1) -> None:
    for key, value in change.items():
        total[key] = total.get(key, 0) + sign * value


async def tally_new_branch(parent: Organization, sector: Sector) -> None:
    """A branch was created under ``parent``: count it in every ancestor's tally."""
    conn = connection()
    rows: list[tuple[int, str, int, int, int]] = []
    lineage = path_ids(parent.path)
    had_branches = await conn.execute_query_dict(
        f"SELECT COALESCE(SUM(direct_branches), 0) AS n FROM branch_tally WHERE org_id = "
        f"{placeholders(conn, 1, 1)}",
        [parent.id],
    )
    for org_id in lineage:
        rows.append((org_id, sector.value, 1, int(org_id == parent.id), 0))
    if not had_branches[0]["n"]:  # the parent now owes a bottom selection
        rows.extend((org_id, parent.sector.value, 0, 0, 1) for org_id in lineage)
    for org_id, row_sector, branches, direct, units in rows:
        await conn.execute_query(
            "INSERT INTO branch_tally (org_id, sector, branches, direct_branches, units) "
            f"VALUES ({placeholders(conn, 1, 5)}) ON CONFLICT (org_id, sector) DO UPDATE SET "
            "branches = branch_tally.branches + excluded.branches, "
            "direct_branches = branch_tally.direct_branches + excluded.direct_branches, "
            "units = branch_tally.units + excluded.units",
            [org_id, row_sector, branches, direct, units],
        )
