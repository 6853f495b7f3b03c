"""Writes the audit trail inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from models.audit import AuditEntry
from zhengdun.context import Context
from zhengdun.db import Write, insert_rows, write_together


def audit_entry(
    info: Info[Context, Any],
    action: str,
    target_type: str,
    target_id: object,
    details: dict[str, Any] | None = None,
) -> Write:
    """The audit entry of what the viewer did, to be written with the change."""
    ctx = info.context
    viewer = ctx.viewer
    entry = AuditEntry(
        at=ctx.clock.now(),
        account_id=viewer.account.id if viewer else None,
        account_name=viewer.display_name if viewer else "",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        details=details or {},
        request_id=ctx.request_id,
    )
    return insert_rows(AuditEntry, [entry])


async def record(
    info: Info[Context, Any],
    action: str,
    target_type: str,
    target_id: object,
    details: dict[str, Any] | None = None,
) -> None:
    await write_together([audit_entry(info, action, target_type, target_id, details)])
