"""Accounts (管理员账号), bearer sessions and login attempts."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise import fields
from tortoise.models import Model

from models.organization import Organization

USERNAME_MAX_LENGTH = 64
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
LOGIN_LOCKOUT = timedelta(minutes=15)


class Account(Model):
    """An admin account, belonging to exactly one organisation."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=USERNAME_MAX_LENGTH, unique=True)
    display_name = fields.CharField(max_length=100)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="accounts", on_delete=fields.RESTRICT
    )
    password_hash = fields.CharField(max_length=255)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    organization_id: int

    class Meta:
        table = "account"


class Session(Model):
    """A bearer token. Only its SHA-256 is stored, and logout sets revoked_at."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="sessions", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    account_id: int

    class Meta:
        table = "session"


class LoginAttempt(Model):
    """One login attempt per row, kept for the rate limit and the audit."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=USERNAME_MAX_LENGTH)
    attempted_at = fields.DatetimeField()
    succeeded = fields.BooleanField()

    class Meta:
        table = "login_attempt"
        indexes = (("username", "attempted_at"),)


def locked_until(failures: list[datetime]) -> datetime | None:
    """When the username's lockout ends, given its failed attempts since the last success.

    Five failures within 15 minutes lock the username for 15 minutes from the fifth.
    Attempts refused while locked are not recorded, so they do not extend the lockout.
    """
    ordered = sorted(failures)
    until: datetime | None = None
    for i in range(LOGIN_FAILURE_LIMIT - 1, len(ordered)):
        if ordered[i] - ordered[i - LOGIN_FAILURE_LIMIT + 1] <= LOGIN_FAILURE_WINDOW:
            candidate = ordered[i] + LOGIN_LOCKOUT
            until = candidate if until is None else max(until, candidate)
    return until
