"""Who sends what: the requests of every scenario, with real tokens, as entries files."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg

from bench import scenarios as s
from bench.load import write_entries
from bench.server import post_json
from bench.tokens import Tokens

Entry = tuple[str | None, dict[str, Any]]


@dataclass
class Plan:
    campaign: s.Campaign
    reads: dict[str, list[Entry]] = field(default_factory=dict)
    county_ids: list[int] = field(default_factory=list)  # M1's, for the floor and the peer
    province_ids: list[int] = field(default_factory=list)
    root_id: int = 0
    m2_depth: dict[str, int] = field(default_factory=dict)  # province → rows skipped


def _tokens_for(picks: s.Picks, tokens: Tokens) -> dict[int, str]:
    by_user = tokens.get(list(picks.usernames.values()))
    return {org: by_user[user] for org, user in picks.usernames.items()}


async def ensure_campaign(conn: asyncpg.Connection, url: str, tokens: Tokens) -> s.Campaign:
    """The open campaign; without one (the demo data), the root admin opens one."""
    campaign = await s.open_campaign(conn)
    if campaign is not None:
        return campaign
    root = await s.root(conn)
    token = _tokens_for(root, tokens)[root.ids()[0]]
    today = await conn.fetchval("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date")
    dates = {
        "year": today.year,
        "name": f"{today.year}年团支部整理整顿(基准测试)",
        "startsOn": str(today - timedelta(days=30)),
        "selfCheckDeadline": str(today + timedelta(days=30)),
        "reviewDeadline": str(today + timedelta(days=60)),
        "endsOn": str(today + timedelta(days=90)),
    }
    query = (
        "mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { campaign { id } "
        "userErrors { code message } } }"
    )
    answer = post_json(url, s.body(query, i=dates), token)
    if answer.get("errors") or answer["data"]["createCampaign"]["userErrors"]:
        raise RuntimeError(f"no open campaign, and creating one failed: {answer}")
    created = await s.open_campaign(conn)
    assert created is not None
    return created


def walk(url: str, token: str, org_id: int, depth: int) -> tuple[str | None, int]:
    """Pages through the subordinate list (100 a page) to about ``depth`` rows in, or 80%
    of the list when it is shorter; the cursor there and the rows skipped."""
    cursor, skipped, total = None, 0, None
    while True:
        page = post_json(
            url, s.body(s.M2, id=s.gid("Organization", org_id), first=100, after=cursor), token
        )
        if page.get("errors"):
            raise RuntimeError(f"walking the subordinate list failed: {page['errors']}")
        conn = page["data"]["organization"]["subordinateBranches"]
        total = conn["totalCount"] if total is None else total
        if not conn["pageInfo"]["hasNextPage"] or skipped + 100 > min(depth, 0.8 * total):
            return cursor, skipped
        cursor, skipped = conn["pageInfo"]["endCursor"], skipped + len(conn["edges"])


async def reads(
    conn: asyncpg.Connection, url: str, tokens: Tokens, campaign: s.Campaign, args: Any
) -> Plan:
    plan = Plan(campaign=campaign)
    counties = await s.counties(conn, args.picks, args.seed)
    provinces = await s.provinces(conn, args.provinces, args.seed)
    root = await s.root(conn)
    committees = await s.committees_near(conn, 20, args.picks, args.seed)
    everyone = s.Picks(
        {**counties.usernames, **provinces.usernames, **root.usernames, **committees.usernames}
    )
    token = _tokens_for(everyone, tokens)
    plan.county_ids, plan.province_ids, plan.root_id = (
        counties.ids(),
        provinces.ids(),
        root.ids()[0],
    )

    def asked(query: str, ids: list[int], **extra: Any) -> list[Entry]:
        return [(token[i], s.body(query, id=s.gid("Organization", i), **extra)) for i in ids]

    plan.reads["M1"] = asked(s.M1, counties.ids())
    m2 = []
    for province in provinces.ids()[: args.m2_lists]:
        cursor, skipped = walk(url, token[province], province, args.m2_depth)
        plan.m2_depth[str(province)] = skipped
        m2 += asked(s.M2, [province], first=50, after=cursor)
    plan.reads["M2"] = m2
    plan.reads["M3 root"] = asked(s.M3, root.ids())
    plan.reads["M3 province"] = asked(s.M3, provinces.ids())
    plan.reads["M3 county"] = asked(s.M3, counties.ids())
    plan.reads["M4"] = asked(s.M4, committees.ids())
    return plan


async def submissions(
    conn: asyncpg.Connection, tokens: Tokens, campaign: s.Campaign, n: int, seed: int
) -> list[Entry]:
    """W1: one entry per branch admin, each a complete form (mostly few POOR items)."""
    branches = await s.submitting_branches(conn, campaign, n, seed)
    token = _tokens_for(branches, tokens)
    rng = random.Random(seed)
    entries: list[Entry] = []
    for branch in branches.ids():
        poor = rng.choice([0, 0, 0, 1, 1, 2, 3, 5, 8, 12])
        form = s.ratings(poor, rng.randint(0, 30 - poor))
        entries.append((token[branch], s.body(s.W1, b=s.gid("Organization", branch), r=form)))
    return entries


async def reviews(
    conn: asyncpg.Connection, tokens: Tokens, campaign: s.Campaign, n: int, seed: int
) -> list[Entry]:
    """W2: the superiors' decisions on pending forms, each form at most once."""
    jobs, superiors = await s.pending_reviews(conn, campaign, n, seed)
    token = _tokens_for(superiors, tokens)
    return [
        (token[j.superior_id], s.body(s.W2, s=s.gid("SelfCheck", j.self_check_id), d=j.decision))
        for j in jobs
        if j.superior_id in token
    ]


def save(path: Path, entries: list[Entry]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_entries(path, entries)
    return str(path)
