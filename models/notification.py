"""Notifications (提示框 / 操作中心) to a branch's admins, and who has read them."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.organization import Organization
from models.workflow import NotificationKind


class Notification(Model):
    """A message to every admin of one organisation (the branch)."""

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="notifications", on_delete=fields.RESTRICT
    )
    campaign_id = fields.IntField(null=True)
    kind = fields.CharEnumField(NotificationKind, max_length=40)
    message = fields.TextField()
    created_at = fields.DatetimeField()

    organization_id: int

    class Meta:
        table = "notification"
        indexes = (("organization_id", "created_at"),)


class NotificationRead(Model):
    """One admin account has read one notification."""

    id = fields.IntField(primary_key=True)
    notification: fields.ForeignKeyRelation[Notification] = fields.ForeignKeyField(
        "models.Notification", related_name="reads", on_delete=fields.RESTRICT
    )
    account_id = fields.IntField()
    read_at = fields.DatetimeField()

    notification_id: int

    class Meta:
        table = "notification_read"
        unique_together = (("notification", "account_id"),)
