"""Bootstrap: the root organisation (团中央) and its first admin."""

from __future__ import annotations

import asyncio

from tortoise.transactions import in_transaction

from models.account import Account
from models.errors import RuleError
from models.organization import Organization, OrgType, Sector, add_organization, clean_name
from resolvers.account import check_password, clean_username, hash_password


async def create_root(name: str) -> Organization:
    return await add_organization(None, name, OrgType.COMMITTEE, Sector.PARTY_GOVERNMENT_ORGAN)


async def bootstrap(root_name: str, username: str, password: str, display_name: str) -> str:
    """Creates the root and its admin; refuses when a root exists. Returns a message."""
    try:
        name = clean_name(root_name, ["rootName"])
        username = clean_username(username)
        display_name = clean_name(display_name, ["displayName"])
        check_password(password)
    except RuleError as error:
        return f"参数无效: {error.message}"
    if await Organization.filter(parent_id=None).exists():
        return "已存在根组织，未做任何修改 / a root organisation exists; nothing changed"
    if await Account.filter(username=username).exists():
        return "用户名已被使用 / username taken"
    password_hash = await asyncio.to_thread(hash_password, password)
    async with in_transaction():
        root = await create_root(name)
        await Account.create(
            username=username,
            display_name=display_name,
            organization=root,
            password_hash=password_hash,
        )
    return f"已创建根组织 {name} 及管理员 {username} / root and admin created"
