"""One scenario executed in this process, without HTTP: CPU per request, and a profile.

For comparing two versions of the code quickly and for finding where a request's time
goes (cProfile), on a database the benchmark has filled. It sends each scenario's
document through the served schema (``schema.build.build_schema``) with the admin of
each organisation as the viewer, as ``bench.run`` does over HTTP, and checks that no
response has errors::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhengdun_bench_1m \\
        .venv/bin/python -m bench.inprocess M3 --depth 0 -n 300 [--profile 30]

W1 submits a form (one POOR item) for each of ``--orgs`` branches whose status allows
it, in turn, and checks that none is refused: it adds forms, so run it on a copy
(``CREATE DATABASE … TEMPLATE zhengdun_bench_1m``).

The numbers are this process's CPU time, so they include the ORM and asyncpg but not
PostgreSQL; the machine's speed drifts, so compare versions by alternating runs.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import secrets
import time
from datetime import timedelta

from bench.scenarios import M1, M3, M4, SUBMITTABLE, W1, gid, ratings
from models.account import Account, Session
from models.campaign import Campaign
from models.organization import Organization
from resolvers.account import token_digest, viewer_for_token
from resolvers.state_cache import StateCache
from resolvers.tree_cache import TreeCache
from schema.build import build_schema
from zhengdun.app import settle_heap
from zhengdun.clock import Clock
from zhengdun.config import load_settings
from zhengdun.context import Context
from zhengdun.db import close_db, connection, init_db

DOCUMENTS = {"M1": (M1, 3), "M3": (M3, 0), "M4": (M4, 4), "W1": (W1, 5)}
FORM = ratings(1, 2)  # W1's form: one POOR item, two FAIR


async def submitting(campaign_id: int, count: int) -> list[Organization]:
    """Branches whose status allows a submission (as ``bench.scenarios.submitting_branches``)."""
    _, rows = await connection().execute_query(
        "SELECT o.id FROM organization o WHERE o.type = 'BRANCH' AND NOT EXISTS (SELECT 1 "
        "FROM branch_state s WHERE s.branch_id = o.id AND s.campaign_id = $1 "
        "AND NOT s.status = ANY($2::text[])) ORDER BY o.id LIMIT $3",
        [campaign_id, SUBMITTABLE, count],
    )
    return list(await Organization.filter(id__in=[r["id"] for r in rows]).order_by("id"))


async def main(args: argparse.Namespace) -> None:
    settings = load_settings()
    await init_db(settings.database_url)
    try:
        schema = build_schema(settings)
        document, default_depth = DOCUMENTS[args.scenario]
        depth = default_depth if args.depth is None else args.depth
        if args.scenario == "W1":
            campaign = await Campaign.filter(closed_at=None).order_by("-id").first()
            assert campaign is not None, "no open campaign"
            orgs = await submitting(campaign.id, args.orgs)
        else:
            orgs = await Organization.filter(depth=depth).order_by("id").limit(args.orgs)
        admins = {
            a.username: a for a in await Account.filter(username__in=[f"u{o.id}" for o in orgs])
        }
        clock = Clock()
        # A session per admin, its viewer read per request as a served request reads it
        # (with the tree's version and the open campaign), and the worker's tree cache.
        now = clock.now()
        tokens = {org.id: secrets.token_urlsafe(32) for org in orgs}
        sessions = [
            await Session.create(
                token_hash=token_digest(tokens[org.id]),
                account=admins[f"u{org.id}"],
                created_at=now,
                expires_at=now + timedelta(hours=1),
            )
            for org in orgs
        ]
        tree_cache = TreeCache(settings.tree_cache_rows)
        state_cache = StateCache(settings.state_cache_rows)
        settle_heap()  # the garbage collector as in a served process

        async def once(org: Organization) -> None:
            viewer = await viewer_for_token(tokens[org.id], clock)
            context = Context(
                request=None,
                settings=settings,
                clock=clock,
                viewer=viewer,
                request_id="inprocess",
                tree_cache=tree_cache,
                state_cache=state_cache,
            )
            variables: dict[str, object] = {"id": gid("Organization", org.id)}
            if args.scenario == "W1":
                variables = {"b": gid("Organization", org.id), "r": FORM}
            result = await schema.execute(
                document, variable_values=variables, context_value=context
            )
            assert not result.errors, result.errors
            if args.scenario == "W1":
                assert result.data is not None
                assert result.data["submitSelfCheck"]["userErrors"] == [], result.data

        for org in orgs:  # warm-up: caches, prepared statements
            await once(org)
        wall, cpu = time.perf_counter(), time.process_time()
        for i in range(args.n):
            await once(orgs[i % len(orgs)])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if args.n:
            print(
                f"{args.scenario} depth {depth} ({len(orgs)} organisations, {args.n} requests, "
                f"executor {settings.executor}): wall {wall / args.n * 1000:.1f} ms, "
                f"CPU {cpu / args.n * 1000:.1f} ms per request"
            )
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for i in range(args.n):
                await once(orgs[i % len(orgs)])
            profile.disable()
            pstats.Stats(profile).sort_stats(args.sort).print_stats(args.profile)
        await Session.filter(id__in=[s.id for s in sessions]).delete()
    finally:
        await close_db()


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("scenario", choices=DOCUMENTS)
    p.add_argument(
        "--depth", type=int, help="of the organisations asked about (default: M1 3, M3 0, M4 4)"
    )
    p.add_argument("--orgs", type=int, default=20, help="how many organisations, in id order")
    p.add_argument("-n", type=int, default=100, help="requests measured")
    p.add_argument(
        "--profile", type=int, default=0, help="then profile n more, print this many rows"
    )
    p.add_argument("--sort", default="tottime")
    return p.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
