"""Writing notifications (提示框 / 操作中心) to a branch's admins."""

from __future__ import annotations

from datetime import datetime

from models.notification import Notification
from models.workflow import NOTIFICATION_MESSAGES, NotificationKind


def notification_message(
    kind: NotificationKind, actor_name: str | None = None, comment: str | None = None
) -> str:
    """The Chinese text: what happened, who decided, and the reviewer's comment."""
    message = NOTIFICATION_MESSAGES[kind]
    if actor_name:
        message += f"（操作人：{actor_name}）"
    if comment and comment.strip():
        message += f" 意见：{comment.strip()}"
    return message


async def notify(
    branch_id: int,
    campaign_id: int | None,
    kinds: tuple[NotificationKind, ...],
    now: datetime,
    actor_name: str | None = None,
    comment: str | None = None,
) -> None:
    if not kinds:
        return
    await Notification.bulk_create(
        [
            Notification(
                organization_id=branch_id,
                campaign_id=campaign_id,
                kind=kind,
                message=notification_message(kind, actor_name, comment),
                created_at=now,
            )
            for kind in kinds
        ]
    )
