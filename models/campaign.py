"""Campaigns (整顿工作) and the checklist templates they use. Dates are data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.checklist import ChecklistTemplate as TemplateRules
from models.checklist import load_template
from models.workflow import CampaignStatus, campaign_status

TEMPLATES_DIR = Path(__file__).parent / "templates"
DEFAULT_TEMPLATE_ID = "2019"


def shipped_template(template_id: str = DEFAULT_TEMPLATE_ID) -> dict:
    """A template shipped with the project (``models/templates/checklist-<id>.json``)."""
    return json.loads((TEMPLATES_DIR / f"checklist-{template_id}.json").read_text("utf-8"))


class ChecklistTemplate(Model):
    """A versioned self-check form: its items as data. Never changed once used."""

    id = fields.CharField(max_length=32, primary_key=True)
    name = fields.CharField(max_length=200)
    poor_threshold = fields.IntField()
    items: Any = fields.JSONField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "checklist_template"

    def rules(self) -> TemplateRules:
        return load_template(
            {
                "id": self.id,
                "name": self.name,
                "items": self.items,
                "poor_threshold": self.poor_threshold,
            }
        )


class Campaign(Model):
    """One year of the rectification campaign, with dates read in Beijing time."""

    id = fields.IntField(primary_key=True)
    year = fields.IntField(unique=True)
    name = fields.CharField(max_length=100)
    starts_on = fields.DateField()
    self_check_deadline = fields.DateField()
    review_deadline = fields.DateField()
    ends_on = fields.DateField()
    bottom_ratio = fields.DecimalField(max_digits=5, decimal_places=4)
    poor_threshold = fields.IntField()
    template: fields.ForeignKeyRelation[ChecklistTemplate] = fields.ForeignKeyField(
        "models.ChecklistTemplate", related_name="campaigns", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()
    created_by_name = fields.CharField(max_length=100)
    closed_at = fields.DatetimeField(null=True)
    closed_by_name = fields.CharField(max_length=100, null=True)

    template_id: str

    class Meta:
        table = "campaign"

    def status_on(self, today: date) -> CampaignStatus:
        return campaign_status(today, self.starts_on, self.ends_on, self.closed_at is not None)
