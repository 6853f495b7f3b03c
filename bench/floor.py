"""The floor: the SQL that answers M1 and M3, run directly with asyncpg (no HTTP, no GraphQL).

``python -m bench.floor SPEC.json`` keeps N clients busy like the load generators do,
each on its own connection, and prints one line ``BENCH_RESULT {json}`` with the same
fields. What it fetches is what the GraphQL answer needs:

- M1 (a county's committees and their branches with state): the county's children in
  tree order (at most 100), then their children (at most 100 each) joined with their
  state rows in the campaign. Two statements.
- M3 (progress): the organisation's children, then the progress totals of the
  organisation and its children (their ``progress_total`` rows plus the deltas not yet
  counted into them), then their branch tallies. Three statements.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg

from bench.load import percentile
from models.progress import SECTOR_KEYS

M1_CHILDREN = (
    "SELECT id, name, sector, path FROM organization WHERE parent_id = $1 ORDER BY path LIMIT 100"
)
M1_BRANCHES = (
    "SELECT * FROM (SELECT o.id, o.name, o.sector, o.parent_id, o.path, s.status, s.latest_poor, "
    "ROW_NUMBER() OVER (PARTITION BY o.parent_id ORDER BY o.path) AS rn FROM organization o "
    "LEFT JOIN branch_state s ON s.branch_id = o.id AND s.campaign_id = $2 "
    "WHERE o.parent_id = ANY($1::int[])) page WHERE rn <= 100 ORDER BY path"
)
SHOWN = ["submitted", "key", "selected", "quota_met", "n_rectified", *SECTOR_KEYS.values()]
M3_CHILDREN = "SELECT id, name, type, sector FROM organization WHERE parent_id = $1 ORDER BY path"
M3_TOTALS = (
    f"SELECT org_id, {', '.join(f'SUM({c}) AS {c}' for c in SHOWN)} FROM ("
    f"SELECT org_id, {', '.join(SHOWN)} FROM progress_total "
    "WHERE campaign_id = $1 AND org_id = ANY($2::int[]) UNION ALL SELECT org_id, "
    + ", ".join(
        [*SHOWN[:5]] + [f"CASE WHEN sector = '{s}' THEN key ELSE 0 END" for s in SECTOR_KEYS]
    )
    + " FROM progress_delta WHERE campaign_id = $1 AND org_id = ANY($2::int[]) "
    "AND NOT in_totals) AS counts GROUP BY org_id"
)
M3_TALLIES = (
    "SELECT org_id, sector, branches, direct_branches, units FROM branch_tally "
    "WHERE org_id = ANY($1::int[])"
)


async def m1(conn: asyncpg.Connection, org_id: int, campaign_id: int) -> int:
    children = await conn.fetch(M1_CHILDREN, org_id)
    rows = await conn.fetch(M1_BRANCHES, [c["id"] for c in children], campaign_id)
    return len(children) + len(rows)


async def m3(conn: asyncpg.Connection, org_id: int, campaign_id: int) -> int:
    children = await conn.fetch(M3_CHILDREN, org_id)
    ids = [org_id, *(c["id"] for c in children if c["type"] != "BRANCH")]
    sums = await conn.fetch(M3_TOTALS, campaign_id, ids)
    tallies = await conn.fetch(M3_TALLIES, ids)
    return len(children) + len(sums) + len(tallies)


QUERIES = {"m1": m1, "m3": m3}


async def drive(spec: dict[str, Any]) -> dict[str, Any]:
    query = QUERIES[spec["kind"]]
    ids: list[int] = spec["org_ids"]
    clients, campaign_id = spec["clients"], spec["campaign_id"]
    pool = await asyncpg.create_pool(spec["dsn"], min_size=clients, max_size=clients)
    latencies: list[float] = []
    errors, issued = 0, 0
    first_error = ""
    started = time.perf_counter()
    deadline = started + spec["duration"]
    last_done = started
    cpu_started = time.process_time()

    async def one_client(index: int) -> None:
        nonlocal errors, issued, last_done, first_error
        turn = index
        async with pool.acquire() as conn:
            while issued < spec["max_requests"] and time.perf_counter() < deadline:
                issued += 1
                org_id = ids[turn % len(ids)]
                turn += clients
                t0 = time.perf_counter()
                try:
                    if not await query(conn, org_id, campaign_id):
                        raise RuntimeError(f"no rows for organisation {org_id}")
                except Exception as error:  # counted, like a GraphQL error
                    errors += 1
                    first_error = first_error or repr(error)
                t1 = time.perf_counter()
                latencies.append(t1 - t0)
                last_done = max(last_done, t1)

    try:
        await asyncio.gather(*(one_client(i) for i in range(clients)))
    finally:
        await pool.close()
    ms = sorted(x * 1000 for x in latencies)
    return {
        "requests": len(ms),
        "ok": len(ms) - errors,
        "rejected": 0,
        "errors": errors,
        "socket_errors": 0,
        "elapsed_s": last_done - started,
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "max_ms": ms[-1] if ms else 0.0,
        "first_error": first_error,
        "first_rejected": "",
        "cpu_s": time.process_time() - cpu_started,
    }


def main() -> int:
    spec = json.loads(Path(sys.argv[1]).read_text())
    try:
        import uvloop

        result = uvloop.run(drive(spec))
    except ImportError:
        result = asyncio.run(drive(spec))
    sys.stdout.write("BENCH_RESULT " + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
