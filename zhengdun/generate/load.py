"""Writing generated rows: COPY on PostgreSQL, executemany on SQLite, in batches.

Rows are tuples in the column order of :data:`COLUMNS`. A batch is written in one
transaction, tables in foreign-key order. On PostgreSQL the batch is copied in a
background task (``copy_records_to_table`` on a raw asyncpg connection, with
``synchronous_commit = off``) while the next batch is generated; at most one batch is in
flight, so memory stays flat.

Foreign keys: every constraint stays in place, but when the role is a superuser the
batches are copied with ``session_replication_role = replica`` (for that transaction
only), which skips the per-row foreign-key triggers: they cost PostgreSQL about 40 % of
the load (one index probe and row lock per reference, ~9 million of them at 1M
branches). The rows are consistent by construction (ids are assigned here, parents
before children) and ``tests/test_generate.py`` checks every reference. Pass
``check_foreign_keys`` (``--check-foreign-keys``) to have PostgreSQL check them anyway.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models.progress import METRICS
from resolvers.progress import count_into_totals
from zhengdun.db import is_postgres

COLUMNS: dict[str, tuple[str, ...]] = {
    "organization": (
        "id",
        "name",
        "type",
        "sector",
        "depth",
        "path",
        "branch_count",
        "created_at",
        "parent_id",
    ),
    "account": (
        "id",
        "username",
        "display_name",
        "password_hash",
        "is_active",
        "created_at",
        "organization_id",
    ),
    "self_check": (
        "id",
        "version",
        "source",
        "filled_by_id",
        "filled_by_name",
        "submitted_at",
        "ratings",
        "poor_count",
        "fair_count",
        "good_count",
        "client_mutation_id",
        "branch_id",
        "campaign_id",
    ),
    "review": (
        "id",
        "decision",
        "reviewer_id",
        "reviewer_name",
        "reviewed_at",
        "comment",
        "self_check_id",
    ),
    "branch_state": (
        "id",
        "branch_path",
        "sector",
        "status",
        "is_key",
        "key_reason",
        "key_since",
        "baseline_self_check_id",
        "latest_self_check_id",
        "latest_poor",
        "latest_fair",
        "selected_as_bottom",
        "selected_at",
        "selected_by_name",
        "updated_at",
        "branch_id",
        "campaign_id",
    ),
    "notification": ("id", "campaign_id", "kind", "message", "created_at", "organization_id"),
    "branch_tally": ("id", "org_id", "sector", "branches", "direct_branches", "units"),
    "progress_delta": ("id", "campaign_id", "org_id", "sector", "direct", *METRICS, "in_totals"),
}
# Foreign-key order: a batch's organisations before the rows that name them.
ORDER = tuple(COLUMNS)
# Tables given explicit ids: their sequences are moved past the largest id afterwards.
ID_TABLES = (*ORDER, "campaign")
REFERENCE_TABLES = {"checklist_template"}  # shipped by the migrations, never emptied


def project_tables() -> list[str]:
    """Every table of the project's models but the reference data."""
    tables = [m._meta.db_table for app in Tortoise.apps.values() for m in app.values()]
    return sorted(t for t in tables if t not in REFERENCE_TABLES)


async def truncate(conn: BaseDBAsyncClient) -> None:
    tables = project_tables()
    if is_postgres(conn):
        names = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        return
    deletes = "".join(f'DELETE FROM "{t}";' for t in tables)
    await conn.execute_script(f"PRAGMA foreign_keys=OFF;{deletes}PRAGMA foreign_keys=ON;")
    found = await conn.execute_query_dict(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'"
    )
    if found:
        names = ", ".join(f"'{t}'" for t in tables)
        await conn.execute_script(f"DELETE FROM sqlite_sequence WHERE name IN ({names})")


class Writer:
    """Buffers rows per table and writes them in batches of about ``flush_rows`` rows.

    On PostgreSQL ``lanes`` connections of the pool are held for the whole load (``open``
    and ``close``); each copies one batch at a time, so up to ``lanes`` batches are in
    flight while the next is generated. Every batch holds whole grassroots units (rows
    referring to each other), and the first one (the tree down to the counties) is
    committed before any other starts, so batches never wait on one another. The server
    time the connections spent can be read afterwards (``server_cpu``).
    """

    def __init__(
        self,
        conn: BaseDBAsyncClient,
        flush_rows: int,
        check_foreign_keys: bool = False,
        lanes: int = 2,
    ) -> None:
        self.conn = conn
        self.check_foreign_keys = check_foreign_keys
        self.skip_fk_checks = False
        self.postgres = is_postgres(conn)
        self.flush_rows = flush_rows
        self.lanes = lanes if self.postgres else 1
        self.buffers: dict[str, list[tuple]] = {t: [] for t in ORDER}
        self.written: dict[str, int] = dict.fromkeys(ORDER, 0)
        self._tasks: list[asyncio.Task[None] | None] = [None] * self.lanes
        self._next = 0
        self._holders: list[Any] = []
        self._raws: list[Any] = []
        self._backend_pids: list[int] = []

    async def open(self) -> None:
        if not self.postgres:
            return
        for _ in range(self.lanes):
            holder = self.conn.acquire_connection()
            raw = await holder.__aenter__()
            self._holders.append(holder)
            self._raws.append(raw)
            self._backend_pids.append(await raw.fetchval("SELECT pg_backend_pid()"))
        superuser = await self._raws[0].fetchval(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        )
        self.skip_fk_checks = bool(superuser) and not self.check_foreign_keys

    def emit(self, table: str, row: tuple) -> None:
        self.buffers[table].append(row)

    async def maybe_flush(self) -> None:
        if sum(map(len, self.buffers.values())) >= self.flush_rows:
            await self.flush()

    async def flush(self) -> None:
        """Hands the buffered rows to the next connection (once its last batch is done)."""
        batch = {t: rows for t, rows in self.buffers.items() if rows}
        self.buffers = {t: [] for t in ORDER}
        if not batch:
            return
        for table, rows in batch.items():
            self.written[table] += len(rows)
        if not self.postgres:
            await self._insert(batch)
            return
        lane = self._next
        self._next = (lane + 1) % self.lanes
        previous = self._tasks[lane]
        if previous is not None:
            await previous
        self._tasks[lane] = asyncio.create_task(self._copy(self._raws[lane], batch))

    async def wait(self) -> None:
        """Until every batch handed over is committed."""
        tasks = [t for t in self._tasks if t is not None]
        self._tasks = [None] * self.lanes
        for task in tasks:
            await task

    async def close(self) -> None:
        try:
            await self.flush()
            await self.wait()
        finally:
            for task in self._tasks:
                if task is not None:
                    task.cancel()
            holders, self._holders, self._raws = self._holders, [], []
            for holder in holders:
                await holder.__aexit__(None, None, None)

    def server_cpu(self) -> float | None:
        """CPU seconds of the PostgreSQL backends that loaded the rows (local servers only)."""
        if not self._backend_pids:
            return None
        total = 0.0
        try:
            for pid in self._backend_pids:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None
        return total

    async def _copy(self, raw: Any, batch: dict[str, list[tuple]]) -> None:
        async with raw.transaction():
            await raw.execute("SET LOCAL synchronous_commit = off")
            if self.skip_fk_checks:
                await raw.execute("SET LOCAL session_replication_role = replica")
            for table in ORDER:
                rows = batch.get(table)
                if rows:
                    await raw.copy_records_to_table(
                        table, records=rows, columns=list(COLUMNS[table])
                    )

    async def _insert(self, batch: dict[str, list[tuple]]) -> None:
        async with in_transaction() as tx:
            for table in ORDER:
                rows = batch.get(table)
                if rows:
                    columns = COLUMNS[table]
                    marks = ", ".join("?" for _ in columns)
                    await tx.execute_many(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                        [list(r) for r in rows],
                    )


async def finish(conn: BaseDBAsyncClient) -> None:
    """Sums the deltas (written counted) into the totals; moves every sequence past the
    ids loaded, so the API can insert; vacuums.

    ``VACUUM (ANALYZE)`` as after any bulk load: statistics for the planner, and the
    visibility map and hint bits set once here rather than by the first readers (whose
    reads would otherwise write, and be slower than every later one).
    """
    await conn.execute_query(count_into_totals("progress_delta", "TRUE"))
    if not is_postgres(conn):
        return  # SQLite gives max(rowid) + 1 by itself
    for table in ID_TABLES:
        await conn.execute_query(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )
    await conn.execute_script(f"VACUUM (ANALYZE) {', '.join(ID_TABLES)}, progress_total")
