"""SQL statements per request: each scenario's request run through the service in-process.

``python -m bench.sqlcount SPEC.json`` builds the same application that ``zhengdun
serve`` runs (``zhengdun.app.create_app``) against the benchmark's database, drives it
through httpx's ASGI transport, and counts what asyncpg sends for one request, after a
warm-up request (for reads the same request, so that per-process caches, the tree's
pages among them, are warm as in a running server; for writes another of the same kind). The counts come from wrapping asyncpg's ``Connection`` methods in this process
only; nothing in the service or in PostgreSQL's configuration changes:

- ``statements``: the application's SQL (fetch, fetchrow, fetchval, execute,
  executemany, copy), without the transaction control below;
- ``transaction``: BEGIN / COMMIT / ROLLBACK / SAVEPOINT statements;
- ``resets``: the query asyncpg's pool runs on every connection it takes back
  (``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;``);
- ``prepares``: statements parsed anew because the connection's statement cache
  missed (each one a round trip of its own);
- ``round_trips``: the sum of the four.

Prints one line ``BENCH_RESULT {name: counts}``.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

TX_WORDS = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "START TRANSACTION")


class Recorder:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.texts: list[str] = []

    def reset(self) -> None:
        self.counts.clear()
        self.texts.clear()

    def note(self, conn: Any, query: str) -> None:
        if query == conn.get_reset_query():
            self.counts["resets"] += 1
        elif query.lstrip().upper().startswith(TX_WORDS):
            self.counts["transaction"] += 1
        else:
            self.counts["statements"] += 1
            self.texts.append(" ".join(query.split())[:160])


def instrument(recorder: Recorder) -> None:
    from asyncpg.connection import Connection

    def wrap(name: str) -> None:
        original = getattr(Connection, name)

        async def counted(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
            recorder.note(self, query)
            return await original(self, query, *args, **kwargs)

        setattr(Connection, name, counted)

    for name in ("fetch", "fetchrow", "fetchval", "fetchmany", "execute", "executemany"):
        wrap(name)

    def wrap_copy(name: str) -> None:
        original = getattr(Connection, name)

        async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
            recorder.counts["statements"] += 1
            recorder.texts.append(f"COPY ({name})")
            return await original(self, *args, **kwargs)

        setattr(Connection, name, counted)

    for name in ("copy_records_to_table", "copy_to_table", "copy_from_query"):
        wrap_copy(name)

    get_statement = Connection._get_statement

    async def counted_prepare(self: Any, query: str, timeout: Any, **kwargs: Any) -> Any:
        record_class = kwargs.get("record_class") or self._protocol.get_record_class()
        key = (query, record_class, kwargs.get("ignore_custom_codec", False))
        if not kwargs.get("use_cache", True) or self._stmt_cache.get(key) is None:
            recorder.counts["prepares"] += 1
        return await get_statement(self, query, timeout, **kwargs)

    Connection._get_statement = counted_prepare  # type: ignore[method-assign]


async def count(spec: dict[str, Any]) -> dict[str, Any]:
    import httpx

    from zhengdun.app import create_app
    from zhengdun.db import close_db, init_db

    recorder = Recorder()
    app = create_app(manage_database=False)
    await init_db(spec["database_url"])
    instrument(recorder)
    results: dict[str, Any] = {}
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for one in spec["requests"]:
                for phase in ("warm", "count"):
                    token, body = one[phase]
                    headers = {"Authorization": f"Bearer {token}"} if token else {}
                    recorder.reset()
                    response = await client.post("/graphql", json=body, headers=headers)
                data = response.json()
                counts = recorder.counts
                results[one["name"]] = {
                    "statements": counts["statements"],
                    "transaction": counts["transaction"],
                    "resets": counts["resets"],
                    "prepares": counts["prepares"],
                    "round_trips": sum(counts.values()),
                    "ok": response.status_code == 200 and "errors" not in data,
                    "sql": list(recorder.texts),
                }
    finally:
        await close_db()
    return results


def main() -> int:
    spec = json.loads(Path(sys.argv[1]).read_text())
    os.environ["DATABASE_URL"] = spec["database_url"]
    os.environ["ZHENGDUN_FOLD_INTERVAL_SECONDS"] = "0"
    result = asyncio.run(count(spec))
    sys.stdout.write("BENCH_RESULT " + json.dumps(result, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
