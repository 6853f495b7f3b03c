"""The organisation tree: look-ups, the children page, and creating organisations."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, cast

from strawberry.types import Info

from models.campaign import Campaign
from models.errors import RuleError, UserErrorCode
from models.organization import (
    Organization,
    OrgType,
    Sector,
    add_organization,
    clean_name,
)
from resolvers.audit import record
from resolvers.campaign import current_campaign, known_current_campaign
from resolvers.loaders import MISSING, ChildrenKey
from resolvers.tree_cache import TreeView
from schema.ids import decode_int_id
from schema.pagination import check_page_size, decode_cursor
from zhengdun.context import Context
from zhengdun.db import connection, placeholder, read_models

Ctx = Info[Context, Any]


async def organization_by_global_id(info: Ctx, global_id: str, field: list[str]) -> Organization:
    """The organisation an input names; INVALID_INPUT or NOT_FOUND otherwise."""
    org = await info.context.loaders.organization.load(
        decode_int_id(global_id, "Organization", field)
    )
    if org is None:
        raise RuleError(UserErrorCode.NOT_FOUND, "组织不存在", field)
    return org


async def parent(info: Ctx, org: Organization) -> Organization | None:
    if org.parent_id is None:
        return None
    return await info.context.loaders.organization.load(org.parent_id)


async def ancestors(info: Ctx, org: Organization) -> list[Organization]:
    found = await info.context.loaders.organization.load_many(org.ancestor_ids)
    return [a for a in found if a is not None]


@dataclass
class ChildrenPage:
    """A page of an organisation's children: ``rows`` holds one extra row if more follow."""

    rows: list[Organization]
    size: int

    @property
    def items(self) -> list[Organization]:
        return self.rows[: self.size]

    @property
    def has_next_page(self) -> bool:
        return len(self.rows) > self.size


def children_page(
    info: Ctx, org: Organization, first: int, after: str | None
) -> ChildrenPage | Awaitable[ChildrenPage]:
    """A page of ``org``'s children, with the brief states of the branches among them.

    Answered at once where the worker's tree cache holds the page and the campaign open
    today is known (it came with the bearer token): then only the branches' states are
    waited for, read with those of the other pages of this level in one statement.
    """
    size = check_page_size(first)
    key = (org.id, size, decode_cursor(after))
    loaders = info.context.loaders
    rows = loaders.tree.peek(key)
    campaign = known_current_campaign(info)
    if rows is None or campaign is MISSING:
        return _children_page(info, key)
    page = _listed(info, rows, size)
    branches = _branch_ids(rows)
    if not branches or campaign is None:
        return page
    campaign_id = cast(Campaign, campaign).id  # not MISSING
    return _when_read(loaders.workflow.page_states.load((campaign_id, org.id, branches)), page)


async def _children_page(info: Ctx, key: ChildrenKey) -> ChildrenPage:
    loaders = info.context.loaders
    rows = await loaders.children_page.load(key)
    page = _listed(info, rows, key[1])
    branches = _branch_ids(rows)
    if branches:
        # Branches are listed to show their state: fetch it with them (one query for all
        # the pages of this level), so that ``rectification`` resolves without waiting.
        campaign = await current_campaign(info)
        if campaign is not None:
            await loaders.workflow.page_states.load((campaign.id, key[0], branches))
    return page


def _listed(info: Ctx, rows: list[Organization], size: int) -> ChildrenPage:
    info.context.loaders.prime_organizations(rows)
    return ChildrenPage(rows=rows, size=size)


def _branch_ids(rows: list[Organization]) -> tuple[int, ...]:
    return tuple(row.id for row in rows if row.type == OrgType.BRANCH)


async def _when_read(states: Awaitable[None], page: ChildrenPage) -> ChildrenPage:
    await states
    return page


async def _read_all_children(keys: list[tuple[str, int]]) -> list[list[Organization]]:
    conn = connection()
    found = []
    for _, parent_id in keys:  # one key: the progress view lists one organisation's
        _, rows = await conn.execute_query(
            f"SELECT * FROM organization WHERE parent_id = {placeholder(conn, 1)} ORDER BY path",
            [parent_id],
        )
        found.append(read_models(Organization, rows))
    return found


async def all_children(org: Organization, tree: TreeView | None = None) -> list[Organization]:
    """Every child of ``org``, in tree order (the progress view lists them all); through
    the request's ``tree`` view of the worker's cache, as children pages are."""
    [children] = await (TreeView() if tree is None else tree).pages(
        [("all children", org.id)], _read_all_children
    )
    return children


async def child_count(info: Ctx, org: Organization) -> int:
    return await info.context.loaders.child_count.load(org.id)


async def create_organization(
    info: Ctx, parent_id: str, name: str, org_type: OrgType, sector: Sector
) -> Organization:
    """Creates an organisation under ``parent_id`` (inside the caller's transaction)."""
    name = clean_name(name, ["input", "name"])
    parent_org = await organization_by_global_id(info, parent_id, ["input", "parentId"])
    org = await add_organization(parent_org, name, org_type, sector)
    info.context.loaders.tree.stop()  # what this request reads next must show it
    await record(info, "createOrganization", "Organization", org.id, {"name": name})
    return org
