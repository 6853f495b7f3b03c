"""Writes the audit trail inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from models.audit import AuditEntry
from zhengdun.context import Context


async def record(
    info: Info[Context, Any],
    action: str,
    target_type: str,
    target_id: object,
    details: dict[str, Any] | None = None,
) -> None:
    ctx = info.context
    viewer = ctx.viewer
    await AuditEntry.create(
        at=ctx.clock.now(),
        account_id=viewer.account.id if viewer else None,
        account_name=viewer.display_name if viewer else "",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        details=details or {},
        request_id=ctx.request_id,
    )
