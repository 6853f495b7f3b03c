"""The root types: every concept's queries and mutations, and ``node(id)``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from strawberry.tools import merge_types
from strawberry.types import Info

from models.account import Account as AccountModel
from models.errors import RuleError
from permissions import IsAuthenticated, allow
from resolvers.notification import notification_for
from resolvers.spot_check import spot_check_for
from schema.account import AccountMutation, AccountQuery
from schema.bottom_selection import BottomSelectionMutation
from schema.campaign import CampaignMutation, CampaignQuery
from schema.errors import query_error
from schema.ids import decode_id
from schema.node import Node
from schema.notification import NotificationMutation
from schema.organization import OrganizationMutation, OrganizationQuery
from schema.rectification import RectificationMutation
from schema.spot_check import SpotCheckMutation
from zhengdun.context import Context

Ctx = Info[Context, Any]
Fetch = Callable[[Ctx, str], Awaitable[Any]]


async def _organization(info: Ctx, pk: str) -> Any:
    return await info.context.loaders.organization.load(int(pk)) if pk.isdigit() else None


async def _account(info: Ctx, pk: str) -> Any:
    return await AccountModel.get_or_none(id=int(pk)) if pk.isdigit() else None


async def _self_check(info: Ctx, pk: str) -> Any:
    return await info.context.loaders.workflow.self_check.load(int(pk)) if pk.isdigit() else None


async def _campaign(info: Ctx, pk: str) -> Any:
    return await info.context.loaders.workflow.campaign.load(int(pk)) if pk.isdigit() else None


async def _template(info: Ctx, pk: str) -> Any:
    return await info.context.loaders.workflow.template.load(pk)


async def _notification(info: Ctx, pk: str) -> Any:
    return await notification_for(info, int(pk)) if pk.isdigit() and len(pk) <= 12 else None


async def _spot_check(info: Ctx, pk: str) -> Any:
    return await spot_check_for(info, int(pk)) if pk.isdigit() and len(pk) <= 12 else None


NODE_FETCHERS: dict[str, Fetch] = {
    "SelfCheck": _self_check,
    "Organization": _organization,
    "Account": _account,
    "Campaign": _campaign,
    "ChecklistTemplate": _template,
    "Notification": _notification,
    "SpotCheck": _spot_check,
}


@strawberry.type
class NodeQuery:
    @strawberry.field(extensions=allow(IsAuthenticated()), description="按全局 ID 取任意对象")
    async def node(self, info: Ctx, id: strawberry.ID) -> Node | None:
        try:
            type_name, pk = decode_id(id, ["id"])
        except RuleError as error:
            raise query_error(error) from None
        fetch = NODE_FETCHERS.get(type_name)
        return await fetch(info, pk) if fetch else None


Query = merge_types("Query", (AccountQuery, NodeQuery, OrganizationQuery, CampaignQuery))
Mutation = merge_types(
    "Mutation",
    (
        AccountMutation,
        OrganizationMutation,
        RectificationMutation,
        CampaignMutation,
        NotificationMutation,
        SpotCheckMutation,
        BottomSelectionMutation,
    ),
)
