"""GraphQL shape of notifications (提示框 / 操作中心) and the viewer's inbox."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from models.errors import RuleError
from models.workflow import NotificationKind as NotificationKindEnum
from permissions import IsAuthenticated, allow
from permissions.notification import IsAddressee
from resolvers import notification as resolve
from resolvers.notification import ReceivedNotification
from schema.errors import query_error
from schema.ids import encode_id
from schema.node import Node
from schema.organization import Organization
from zhengdun.context import Context
from zhengdun.context import Viewer as ViewerData

Ctx = Info[Context, Any]
DEFAULT_PAGE_SIZE = 20
NotificationKind = NotificationKindEnum
strawberry.enum(NotificationKind, name="NotificationKind", description="通知类别")


@strawberry.type(name="Notification", description="通知(提示框):发给团组织的每位管理员")
class Notification(Node):
    @strawberry.field  # type: ignore[misc]
    def id(root: ReceivedNotification) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(encode_id("Notification", root.notification.id))

    @strawberry.field
    def kind(root: ReceivedNotification) -> NotificationKind:
        return root.notification.kind  # type: ignore[return-value]

    @strawberry.field
    def message(root: ReceivedNotification) -> str:
        return root.notification.message

    @strawberry.field
    def created_at(root: ReceivedNotification) -> datetime.datetime:
        return root.notification.created_at

    @strawberry.field(description="当前账号阅读的时间;未读为 null(已读状态按账号记录)")
    def read_at(root: ReceivedNotification) -> datetime.datetime | None:
        return root.read_at

    @strawberry.field(description="通知涉及的团组织(团支部)")
    async def branch(root: ReceivedNotification, info: Ctx) -> Organization | None:
        return await info.context.loaders.organization.load(  # type: ignore[return-value]
            root.notification.organization_id
        )

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, ReceivedNotification)


@strawberry.type
class ViewerNotifications:
    """The viewer's inbox: the notifications of its organisation, read state per account."""

    @strawberry.field(description="本组织收到的通知,最新的在前;first 取 1 到 100")
    async def notifications(
        root: ViewerData, unread_only: bool | None = False, first: int | None = DEFAULT_PAGE_SIZE
    ) -> list[Notification]:
        try:
            return await resolve.received(  # type: ignore[return-value]
                root, bool(unread_only), DEFAULT_PAGE_SIZE if first is None else first
            )  # type: ignore[return-value]
        except RuleError as error:
            raise query_error(error) from None

    @strawberry.field(description="当前账号未读的通知数")
    async def unread_count(root: ViewerData) -> int:
        return await resolve.unread_count(root)


@strawberry.type
class NotificationMutation:
    @strawberry.mutation(
        extensions=allow(IsAuthenticated(), IsAddressee("ids")),
        description="将本组织的通知标记为当前账号已读;返回新标记的条数(已读的不计)",
    )
    async def mark_notifications_read(self, info: Ctx, ids: list[strawberry.ID]) -> int:
        try:
            return await resolve.mark_read(info, ids)
        except RuleError as error:
            raise query_error(error) from None
