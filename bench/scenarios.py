"""The scenarios: their GraphQL documents, and who asks what, picked from the database.

Every request is made by the account of the organisation it asks about (a county's
admin asks for that county), so permissions are exercised as in real use. Picks are
reproducible: organisations are ordered by ``md5(id || seed)``.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

PROVINCE_DEPTH = 1
COUNTY_DEPTH = 3
SUBMITTABLE = [
    "NOT_SUBMITTED",
    "REJECTED",
    "PENDING_REVIEW",
    "KEY_RECTIFYING",
    "KEY_PENDING_REVIEW",
]
PENDING = ["PENDING_REVIEW", "KEY_PENDING_REVIEW"]
TEMPLATE = Path(__file__).resolve().parent.parent / "models" / "templates" / "checklist-2019.json"

M1 = """query M1($id: ID!) { organization(id: $id) { id name children(first: 100) { edges { node {
  id name sector children(first: 100) { edges { node { id name sector
  rectification { status latestPoorCount } } } } } } } } }"""
M2 = """query M2($id: ID!, $first: Int, $after: String) { organization(id: $id) {
  subordinateBranches(scope: ALL, first: $first, after: $after) { totalCount
  pageInfo { hasNextPage endCursor } edges { node { branch { id name sector } status
  latestPoorCount isKey selectedAsBottom canReview } } } } }"""
M3 = """query M3($id: ID!) { organization(id: $id) { progress { rows { organization { id name }
  totalBranches submittedBranches keyBranches rectifiedBranches selectedBranches
  overdueBranches overdueQuotaOrganizations bySector { sector totalBranches keyBranches } } } } }"""
M4 = """query M4($id: ID!) { organization(id: $id) { bottomSelection { totalBranches
  requiredCount keyCount selectedCount satisfied overdue ranking { branch { id name }
  status latestPoorCount } } } }"""
W1 = """mutation W1($b: ID!, $r: [RatingInput!]!) { submitSelfCheck(input: {branchId: $b,
  ratings: $r}) { selfCheck { id version poorCount } rectification { status isKey }
  userErrors { code message } } }"""
W2 = """mutation W2($s: ID!, $d: ReviewDecision!) { reviewSelfCheck(input: {selfCheckId: $s,
  decision: $d}) { rectification { status isKey } userErrors { code message } } }"""
LOGIN = """mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token
  userErrors { code message } } }"""

READ_MARKER = '"data":{"organization":{'
WRITE_MARKER = '"userErrors":[]'


def gid(type_name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def body(query: str, **variables: Any) -> dict[str, Any]:
    return {"query": query, "variables": variables}


def item_codes() -> list[str]:
    return [item["code"] for item in json.loads(TEMPLATE.read_text("utf-8"))["items"]]


def ratings(poor: int, fair: int) -> list[dict[str, str]]:
    codes = item_codes()
    return [
        {"itemCode": c, "rating": "POOR" if i < poor else "FAIR" if i < poor + fair else "GOOD"}
        for i, c in enumerate(codes)
    ]


@dataclass
class Campaign:
    id: int
    poor_threshold: int


@dataclass
class Picks:
    """Organisations (ids) whose admins take part, and each one's username."""

    usernames: dict[int, str] = field(default_factory=dict)

    def ids(self) -> list[int]:
        return list(self.usernames)


async def open_campaign(conn: asyncpg.Connection) -> Campaign | None:
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai")).date()
    row = await conn.fetchrow(
        "SELECT id, poor_threshold FROM campaign WHERE starts_on <= $1 AND ends_on >= $1 "
        "AND closed_at IS NULL ORDER BY starts_on DESC LIMIT 1",
        today,
    )
    return Campaign(row["id"], row["poor_threshold"]) if row else None


async def with_admins(conn: asyncpg.Connection, org_ids: list[int]) -> Picks:
    rows = await conn.fetch(
        "SELECT DISTINCT ON (organization_id) organization_id, username FROM account "
        "WHERE organization_id = ANY($1::int[]) AND is_active ORDER BY organization_id, id",
        org_ids,
    )
    found = {r["organization_id"]: r["username"] for r in rows}
    return Picks({i: found[i] for i in org_ids if i in found})


async def sample(
    conn: asyncpg.Connection, where: str, n: int, seed: int, *params: Any, order: str = ""
) -> Picks:
    """Up to ``n`` organisations matching ``where`` (alias o) that have an admin."""
    ids = await conn.fetch(
        f"SELECT o.id FROM organization o WHERE {where} AND EXISTS (SELECT 1 FROM account a "
        f"WHERE a.organization_id = o.id AND a.is_active) ORDER BY {order}"
        f"md5(o.id::text || ${len(params) + 1}::text) LIMIT ${len(params) + 2}",
        *params,
        str(seed),
        n,
    )
    return await with_admins(conn, [r["id"] for r in ids])


async def counties(conn: asyncpg.Connection, n: int, seed: int) -> Picks:
    return await sample(conn, f"o.depth = {COUNTY_DEPTH} AND o.type <> 'BRANCH'", n, seed)


async def provinces(conn: asyncpg.Connection, n: int, seed: int) -> Picks:
    return await sample(conn, f"o.depth = {PROVINCE_DEPTH} AND o.type <> 'BRANCH'", n, seed)


async def root(conn: asyncpg.Connection) -> Picks:
    return await sample(conn, "o.parent_id IS NULL", 1, 0)


async def committees_near(conn: asyncpg.Connection, size: int, n: int, seed: int) -> Picks:
    """Organisations whose number of direct branches is closest to ``size``."""
    rows = await conn.fetch(
        "SELECT parent_id AS id, COUNT(*) AS n FROM organization WHERE type = 'BRANCH' "
        "GROUP BY parent_id ORDER BY abs(COUNT(*) - $1), md5(parent_id::text || $2) LIMIT $3",
        size,
        str(seed),
        n * 4,
    )
    picks = await with_admins(conn, [r["id"] for r in rows])
    return Picks(dict(list(picks.usernames.items())[:n]))


async def submitting_branches(
    conn: asyncpg.Connection, campaign: Campaign, n: int, seed: int
) -> Picks:
    """Branches whose status allows their admin to submit a form now."""
    return await sample(
        conn,
        "o.type = 'BRANCH' AND NOT EXISTS (SELECT 1 FROM branch_state s WHERE "
        "s.branch_id = o.id AND s.campaign_id = $1 AND NOT s.status = ANY($2::text[]))",
        n,
        seed,
        campaign.id,
        SUBMITTABLE,
    )


@dataclass
class Review:
    superior_id: int
    self_check_id: int
    decision: str


async def pending_reviews(
    conn: asyncpg.Connection, campaign: Campaign, n: int, seed: int
) -> tuple[list[Review], Picks]:
    """Up to ``n`` latest forms awaiting review, from the superiors with the most of them.

    The decision is the one the POOR count allows: PASS below the threshold, else
    START_RECTIFICATION (pending review) or CONTINUE_RECTIFICATION (key, pending review).
    """
    pending = (
        "FROM branch_state s JOIN organization o ON o.id = s.branch_id WHERE s.campaign_id = $1 "
        "AND s.status = ANY($2::text[]) AND s.latest_self_check_id IS NOT NULL"
    )
    superiors = await conn.fetch(
        f"SELECT o.parent_id, COUNT(*) AS n {pending} AND EXISTS (SELECT 1 FROM account a "
        "WHERE a.organization_id = o.parent_id AND a.is_active) GROUP BY o.parent_id "
        "ORDER BY COUNT(*) DESC, md5(o.parent_id::text || $3) LIMIT $4",
        campaign.id,
        PENDING,
        str(seed),
        n,
    )
    chosen, total = [], 0
    for r in superiors:  # as few superiors (logins) as give n forms
        if total >= n:
            break
        chosen.append(r["parent_id"])
        total += r["n"]
    rows = await conn.fetch(
        f"SELECT o.parent_id, s.latest_self_check_id, s.status, s.latest_poor {pending} "
        "AND o.parent_id = ANY($3::int[]) ORDER BY md5(s.latest_self_check_id::text || $4)",
        campaign.id,
        PENDING,
        chosen,
        str(seed),
    )
    jobs = []
    for r in rows[:n]:
        if r["latest_poor"] < campaign.poor_threshold:
            decision = "PASS"
        elif r["status"] == "PENDING_REVIEW":
            decision = "START_RECTIFICATION"
        else:
            decision = "CONTINUE_RECTIFICATION"
        jobs.append(Review(r["parent_id"], r["latest_self_check_id"], decision))
    return jobs, await with_admins(conn, sorted({j.superior_id for j in jobs}))
