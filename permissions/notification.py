"""Who may act on notifications: the admins of the organisation they are addressed to."""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from models.errors import RuleError
from permissions.base import ViewerRule, require_viewer
from resolvers.notification import notification_ids, notification_loaders
from zhengdun.context import Context


class IsAddressee(ViewerRule):
    """Every notification named in ``argument`` is addressed to the viewer's organisation.

    Malformed IDs (or too many) pass here so that the resolver reports them as
    INVALID_INPUT; an unknown ID is treated like someone else's notification.
    """

    message = "只能操作发给本组织的通知"

    def __init__(self, argument: str) -> None:
        self.argument = argument

    async def has_permission(  # type: ignore[override]
        self, source: Any, info: Info[Context, Any], **kwargs: Any
    ) -> bool:
        viewer = require_viewer(info)
        try:
            pks = notification_ids(list(kwargs.get(self.argument) or []))
        except RuleError:
            return True
        found = await notification_loaders(info).notification.load_many(pks)
        return all(n is not None and n.organization_id == viewer.organization.id for n in found)
