"""One row of progress totals per organisation and campaign (``models.progress``).

The progress view summed every delta row of the organisations it showed: ~530 rows for
the root's 35 (about 15 sectors each, docs/benchmarks.md). ``progress_total`` keeps each
organisation's sums over all sectors (with its key branches per sector) as the fold
counts the deltas into it; ``progress_delta.in_totals`` says which rows are counted. A
row inserted without it is not (its database default), so a fold counts it.

The rows already here are counted now: their sums become the totals, and they are all
marked. The partial index finds the rows not yet counted: the fold looks for their
groups, a read adds them to the totals; it holds only what changed since the last fold.
The column lists are written out: a migration does not change when the models do.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from migrations import dialect_script

METRICS = [
    "submitted", "key", "selected", "quota_met", "n_pending_review", "n_rejected",
    "n_passed", "n_key_rectifying", "n_key_pending_review", "n_rectified", "n_carried_over",
]  # fmt: skip
SECTORS = [
    "PARTY_GOVERNMENT_ORGAN", "PUBLIC_INSTITUTION", "UNIVERSITY", "VOCATIONAL_SCHOOL",
    "HIGH_SCHOOL", "MIDDLE_SCHOOL", "PRIMARY_SCHOOL", "STATE_OWNED_ENTERPRISE",
    "COLLECTIVE_ENTERPRISE", "NON_PUBLIC_ENTERPRISE", "SOCIAL_ORGANIZATION", "MILITARY",
    "ARMED_POLICE", "URBAN_COMMUNITY", "RURAL", "OTHER",
]  # fmt: skip
KEYS = [f"key_{s.lower()}" for s in SECTORS]

COUNT = (
    f"INSERT INTO progress_total (campaign_id, org_id, {', '.join(METRICS + KEYS)}) "
    "SELECT campaign_id, org_id, "
    + ", ".join(
        [f"SUM({m})" for m in METRICS]
        + [f"SUM(CASE WHEN sector = '{s}' THEN key ELSE 0 END)" for s in SECTORS]
    )
    + " FROM progress_delta WHERE NOT in_totals GROUP BY campaign_id, org_id;"
    "UPDATE progress_delta SET in_totals = TRUE WHERE NOT in_totals;"
    "CREATE INDEX progress_delta_not_counted ON progress_delta "
    "(campaign_id, org_id, sector, direct) WHERE NOT in_totals;"
)
REVERSE = "DROP INDEX progress_delta_not_counted;"


class Migration(migrations.Migration):
    dependencies = [("models", "0008_state_version")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ProgressTotal",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("campaign_id", fields.IntField()),
                ("org_id", fields.IntField()),
                *((name, fields.IntField(default=0)) for name in METRICS + KEYS),
            ],
            options={
                "table": "progress_total",
                "app": "models",
                "unique_together": (("campaign_id", "org_id"),),
                "pk_attr": "id",
                "table_description": "Progress counts of one organisation in one campaign.",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="ProgressDelta",
            name="in_totals",
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.RunPython(dialect_script(COUNT, COUNT), dialect_script(REVERSE, REVERSE)),
    ]
