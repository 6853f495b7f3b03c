"""A small GraphQL client over the real HTTP app, and builders for test trees."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from tortoise.transactions import in_transaction

from models.account import Account
from models.organization import Organization, OrgType, Sector, add_organization
from resolvers.account import hash_password
from schema.ids import encode_id
from zhengdun.app import create_app
from zhengdun.clock import Clock
from zhengdun.config import Settings

PASSWORD = "password-123"
_PASSWORD_HASH: str | None = None


def gid(org: Organization) -> str:
    return encode_id("Organization", org.id)


class Api:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """The ``data`` of a response that must have no errors."""
        body = await self.post(query, variables, token)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def error_codes(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> list[str]:
        body = await self.post(query, variables, token)
        return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]

    async def login(self, username: str, password: str = PASSWORD) -> str:
        data = await self.data(
            "mutation($u:String!,$p:String!){login(username:$u,password:$p)"
            "{token userErrors{code message}}}",
            {"u": username, "p": password},
        )
        assert data["login"]["userErrors"] == [], data
        return data["login"]["token"]


@asynccontextmanager
async def serving(settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    """A client of a new app on the settings' database: one worker's own process state
    (its caches), over HTTP without a socket."""
    app = create_app(settings, clock, manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield Api(client)


async def org(
    parent: Organization | None,
    name: str,
    org_type: OrgType = OrgType.COMMITTEE,
    sector: Sector = Sector.PARTY_GOVERNMENT_ORGAN,
) -> Organization:
    async with in_transaction():
        created = await add_organization(parent, name, org_type, sector)
    if parent is not None:
        await parent.refresh_from_db()
    return created


async def admin(organization: Organization, username: str, name: str | None = None) -> Account:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return await Account.create(
        username=username,
        display_name=name or f"{username}管理员",
        organization=organization,
        password_hash=_PASSWORD_HASH,
    )


@dataclass
class Tree:
    """团中央 → two provinces → a county each → committees → branches."""

    root: Organization
    province: Organization
    county: Organization
    sibling_county: Organization
    other_province: Organization
    committees: list[Organization]
    branches: list[Organization]


async def build_tree(committees: int = 2, branches_per_committee: int = 3) -> Tree:
    root = await org(None, "团中央")
    province = await org(root, "甲省团委")
    city = await org(province, "甲市团委")
    county = await org(city, "甲县团委")
    sibling_county = await org(city, "乙县团委")
    other_province = await org(root, "乙省团委")
    made_committees, made_branches = [], []
    for c in range(committees):
        committee = await org(county, f"甲县第{c + 1}中学团委", sector=Sector.HIGH_SCHOOL)
        made_committees.append(committee)
        for b in range(branches_per_committee):
            made_branches.append(
                await org(
                    committee, f"高{c + 1}({b + 1})班团支部", OrgType.BRANCH, Sector.HIGH_SCHOOL
                )
            )
    for o in (root, province, county):
        await o.refresh_from_db()
    return Tree(
        root, province, county, sibling_county, other_province, made_committees, made_branches
    )


def item_codes() -> list[str]:
    from models.campaign import shipped_template

    return [item["code"] for item in shipped_template()["items"]]


def ratings(poor: int = 0, fair: int = 0, poor_items: list[str] | None = None) -> list[dict]:
    """A complete form: ``poor`` POOR items first (or exactly ``poor_items``), then FAIR."""
    codes = item_codes()
    poor_set = set(poor_items) if poor_items is not None else set(codes[:poor])
    fair_set = set(c for c in codes if c not in poor_set)
    fair_set = set(sorted(fair_set, key=codes.index)[:fair])
    return [
        {"itemCode": c, "rating": "POOR" if c in poor_set else "FAIR" if c in fair_set else "GOOD"}
        for c in codes
    ]


async def campaign(year: int = 2026, **overrides: Any):
    """A campaign row for tests that do not exercise createCampaign itself."""
    from datetime import date
    from decimal import Decimal

    from models.campaign import Campaign

    fields = dict(
        year=year,
        name=f"{year}年团支部整理整顿",
        starts_on=date(year, 9, 1),
        self_check_deadline=date(year, 10, 31),
        review_deadline=date(year, 11, 30),
        ends_on=date(year, 12, 31),
        bottom_ratio=Decimal("0.2"),
        poor_threshold=10,
        template_id="2019",
        created_at=datetime.now(UTC),
        created_by_name="测试",
    )
    fields.update(overrides)
    return await Campaign.create(**fields)


async def token_for(account: Account, hours: int = 24 * 400) -> str:
    """A bearer token without the (deliberately slow) password check, for long tests."""
    import secrets
    from datetime import timedelta

    from models.account import Session
    from resolvers.account import token_digest

    token = secrets.token_urlsafe(16)
    now = datetime.now(UTC)
    await Session.create(
        token_hash=token_digest(token),
        account=account,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
    )
    return token
