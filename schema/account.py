"""GraphQL shape of accounts, the viewer, and sessions."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from models.account import Account as AccountModel
from models.errors import RuleError
from permissions import CanManageBelow, CanSeeAccount, allow
from resolvers import account as resolve
from schema.errors import UserError
from schema.ids import encode_id
from schema.mutation import run_mutation
from schema.node import Node
from schema.notification import ViewerNotifications
from schema.organization import Organization
from zhengdun.context import Context
from zhengdun.context import Viewer as ViewerData

Ctx = Info[Context, Any]
SEE_ACCOUNT = allow(CanSeeAccount())


@strawberry.type(name="Account", description="管理员账号")
class Account(Node):
    @strawberry.field(extensions=SEE_ACCOUNT)  # type: ignore[misc]
    def id(root: AccountModel) -> strawberry.ID:  # type: ignore[override]
        return strawberry.ID(encode_id("Account", root.id))

    username: str = strawberry.field(extensions=SEE_ACCOUNT)

    @strawberry.field(extensions=SEE_ACCOUNT)
    def display_name(root: AccountModel) -> str:
        return root.display_name

    @strawberry.field(extensions=SEE_ACCOUNT)
    async def organization(root: AccountModel, info: Ctx) -> Organization:
        return await info.context.loaders.organization.load(root.organization_id)  # type: ignore[return-value]

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        return isinstance(obj, AccountModel)


@strawberry.type(description="当前登录的管理员")
class Viewer(ViewerNotifications):
    @strawberry.field
    def account(root: ViewerData) -> Account:
        return root.account  # type: ignore[return-value]

    @strawberry.field
    def organization(root: ViewerData) -> Organization:
        return root.organization  # type: ignore[return-value]


@strawberry.type
class LoginPayload:
    token: str | None = None
    viewer: Viewer | None = None
    user_errors: list[UserError]


@strawberry.input
class CreateAccountInput:
    organization_id: strawberry.ID
    username: str
    display_name: str
    password: str


@strawberry.type
class AccountPayload:
    account: Account | None = None
    user_errors: list[UserError]


@strawberry.type
class AccountQuery:
    @strawberry.field(description="The logged-in account; null when anonymous.")
    def me(self, info: Ctx) -> Viewer | None:
        return info.context.viewer  # type: ignore[return-value]


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="登录：返回 Bearer 令牌")
    async def login(self, info: Ctx, username: str, password: str) -> LoginPayload:
        try:
            token, viewer = await resolve.login(info, username, password)
        except RuleError as error:
            return LoginPayload(user_errors=[UserError.from_rule(error)])
        return LoginPayload(token=token, viewer=viewer, user_errors=[])  # type: ignore[arg-type]

    @strawberry.mutation(description="注销：吊销当前令牌")
    async def logout(self, info: Ctx) -> bool:
        return await resolve.logout(info)

    @strawberry.mutation(
        extensions=allow(CanManageBelow("input.organization_id", including_target=False)),
        description="为下级组织创建管理员账号",
    )
    async def create_account(self, info: Ctx, input: CreateAccountInput) -> AccountPayload:
        async def action() -> dict[str, Any]:
            account = await resolve.create_account(
                info, input.organization_id, input.username, input.display_name, input.password
            )
            return {"account": account}

        return await run_mutation(AccountPayload, action)
