"""Notifications (提示框 / 操作中心): writing them to a branch, reading them per account."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info
from tortoise.transactions import in_transaction

from models.errors import RuleError, UserErrorCode
from models.notification import Notification, NotificationRead
from models.workflow import NOTIFICATION_MESSAGES, NotificationKind
from schema.ids import decode_int_id
from schema.pagination import check_page_size
from zhengdun.context import Context, Viewer
from zhengdun.db import connection, placeholder

Ctx = Info[Context, Any]


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


# --- Reading notifications (per admin account) -------------------------------------------

MAX_MARK_IDS = 100  # (choice) the most notifications one call marks read: one page


@dataclass(frozen=True)
class ReceivedNotification:
    """A notification as one admin account sees it: with that account's read time."""

    notification: Notification
    read_at: datetime | None


async def _notifications_by_id(ids: list[int]) -> list[Notification | None]:
    found = {n.id: n for n in await Notification.filter(id__in=ids)}
    return [found.get(i) for i in ids]


async def _read_times(keys: list[tuple[int, int]]) -> list[datetime | None]:
    """When (account id, notification id) was read; None when unread."""
    by_account: dict[int, list[int]] = defaultdict(list)
    for account_id, notification_id in keys:
        by_account[account_id].append(notification_id)
    found: dict[tuple[int, int], datetime] = {}
    for account_id, notification_ids in by_account.items():
        reads = await NotificationRead.filter(
            account_id=account_id, notification_id__in=notification_ids
        )
        for read in reads:
            found[(account_id, read.notification_id)] = read.read_at
    return [found.get(key) for key in keys]


class NotificationLoaders:
    """The loaders of notifications, per request."""

    def __init__(self) -> None:
        self.notification: DataLoader[int, Notification | None] = DataLoader(
            load_fn=_notifications_by_id
        )
        self.read_at: DataLoader[tuple[int, int], datetime | None] = DataLoader(load_fn=_read_times)


def notification_loaders(info: Ctx) -> NotificationLoaders:
    """This request's notification loaders, made on first use."""
    loaders = info.context.loaders
    found = getattr(loaders, "notifications", None)
    if found is None:
        found = NotificationLoaders()
        setattr(loaders, "notifications", found)  # noqa: B010 (Loaders is not ours)
    return found


async def received(viewer: Viewer, unread_only: bool, first: int) -> list[ReceivedNotification]:
    """The notifications of the viewer's organisation, newest first, with its read times.

    One query: the read state of this account is joined in (the unique index on
    (notification_id, account_id) serves the join).
    """
    size = check_page_size(first)
    conn = connection()
    # Bind parameters in the order they appear (SQLite's "?" is positional).
    p = [placeholder(conn, i) for i in (1, 2, 3)]
    unread = " AND r.id IS NULL" if unread_only else ""
    rows = await conn.execute_query_dict(
        "SELECT n.id, n.organization_id, n.campaign_id, n.kind, n.message, n.created_at, "
        "r.read_at AS reader_read_at FROM notification n "
        f"LEFT JOIN notification_read r ON r.notification_id = n.id AND r.account_id = {p[0]} "
        f"WHERE n.organization_id = {p[1]}{unread} "
        f"ORDER BY n.created_at DESC, n.id DESC LIMIT {p[2]}",
        [viewer.account.id, viewer.organization.id, size],
    )
    read_at = NotificationRead._meta.fields_map["read_at"]
    return [
        ReceivedNotification(
            read_at=read_at.to_python_value(row.pop("reader_read_at")),
            notification=Notification._init_from_db(**row),
        )
        for row in rows
    ]


async def unread_count(viewer: Viewer) -> int:
    conn = connection()
    rows = await conn.execute_query_dict(
        "SELECT COUNT(*) AS n FROM notification n "
        f"WHERE n.organization_id = {placeholder(conn, 1)} AND NOT EXISTS ("
        "SELECT 1 FROM notification_read r "
        f"WHERE r.notification_id = n.id AND r.account_id = {placeholder(conn, 2)})",
        [viewer.organization.id, viewer.account.id],
    )
    return int(rows[0]["n"])


async def notification_for(info: Ctx, pk: int) -> ReceivedNotification | None:
    """``node(id)``: a notification only for the admins of the organisation it is addressed to."""
    viewer = info.context.viewer
    if viewer is None:
        return None
    loaders = notification_loaders(info)
    found = await loaders.notification.load(pk)
    if found is None or found.organization_id != viewer.organization.id:
        return None
    return ReceivedNotification(found, await loaders.read_at.load((viewer.account.id, pk)))


def notification_ids(ids: Sequence[str]) -> list[int]:
    """The pks of ``markNotificationsRead(ids)``; INVALID_INPUT for a malformed ID."""
    if len(ids) > MAX_MARK_IDS:
        raise RuleError(UserErrorCode.INVALID_INPUT, f"一次最多标记 {MAX_MARK_IDS} 条通知", ["ids"])
    return list(dict.fromkeys(decode_int_id(i, "Notification", ["ids"]) for i in ids))


async def mark_read(info: Ctx, ids: Sequence[str]) -> int:
    """Marks the notifications read for the viewer's account; returns how many were unread.

    The permission on the field has checked that every one is addressed to the viewer's
    organisation. Locking the notifications makes two concurrent calls count each once.
    """
    pks = notification_ids(ids)
    viewer = info.context.viewer
    assert viewer is not None
    if not pks:
        return 0
    async with in_transaction():
        await Notification.filter(id__in=pks).order_by("id").select_for_update()
        already = set(
            await NotificationRead.filter(
                account_id=viewer.account.id, notification_id__in=pks
            ).values_list("notification_id", flat=True)
        )
        now = info.context.clock.now()
        fresh = [
            NotificationRead(notification_id=pk, account_id=viewer.account.id, read_at=now)
            for pk in pks
            if pk not in already
        ]
        await NotificationRead.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)
