"""The audit trail: who did what, when, from which account. Append-only."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class AuditEntry(Model):
    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    account_id = fields.IntField(null=True)
    account_name = fields.CharField(max_length=100)
    action = fields.CharField(max_length=50)
    target_type = fields.CharField(max_length=50)
    target_id = fields.CharField(max_length=50)
    details: Any = fields.JSONField(default=dict)
    request_id = fields.CharField(max_length=32)

    class Meta:
        table = "audit_entry"
        indexes = (("target_type", "target_id"),)
