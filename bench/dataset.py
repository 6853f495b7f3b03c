"""The data set: a migrated PostgreSQL database, generated when missing or empty."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg

ZHENGDUN = str(Path(sys.executable).parent / "zhengdun")
GENERATOR_PASSWORD = "load-test-password"  # zhengdun generate: one password for all
DEMO_PASSWORD = "demo12345"  # zhengdun seed-demo


@dataclass
class Generation:
    command: str
    wall_s: float
    max_rss_mb: float  # the generator process's peak resident memory (not PostgreSQL's)
    output: str


def database_url(server: str, name: str) -> str:
    return f"{server.rstrip('/')}/{name}"


async def exists(server: str, name: str) -> bool:
    conn = await asyncpg.connect(database_url(server, "postgres"))
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


async def create(server: str, name: str) -> None:
    conn = await asyncpg.connect(database_url(server, "postgres"))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop(server: str, name: str) -> None:
    conn = await asyncpg.connect(database_url(server, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def organization_count(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        has_table = await conn.fetchval("SELECT to_regclass('public.organization') IS NOT NULL")
        return int(await conn.fetchval("SELECT COUNT(*) FROM organization")) if has_table else 0
    finally:
        await conn.close()


def zhengdun(url: str, *args: str) -> tuple[float, float, str]:
    """Runs ``zhengdun ARGS`` against the database: wall seconds, peak RSS (MiB), output."""
    env = dict(os.environ, DATABASE_URL=url)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [ZHENGDUN, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"zhengdun {' '.join(args)} failed:\n{output[-3000:]}")
    return wall, usage.ru_maxrss / 1024, output


def has_generator() -> bool:
    probe = subprocess.run([ZHENGDUN, "generate", "--help"], capture_output=True)
    return probe.returncode == 0


async def ensure(server: str, name: str, branches: int, seed: int) -> Generation | None:
    """Creates and migrates the database if needed; generates the data set if it is empty.

    Returns how the generation went, or None when existing data was reused. Without
    ``zhengdun generate`` (older trees), falls back to ``zhengdun seed-demo``.
    """
    url = database_url(server, name)
    if not await exists(server, name):
        await create(server, name)
    zhengdun(url, "migrate")
    if await organization_count(url):
        return None
    if has_generator():
        args = ["generate", "--branches", str(branches), "--seed", str(seed)]
    else:
        print("zhengdun generate is not available: using zhengdun seed-demo", flush=True)
        args = ["seed-demo"]
    wall, rss, output = zhengdun(url, *args)
    return Generation("zhengdun " + " ".join(args), wall, rss, output)


async def describe(url: str) -> dict[str, object]:
    conn = await asyncpg.connect(url)
    try:
        by_depth = await conn.fetch(
            "SELECT depth, COUNT(*) AS n, COUNT(*) FILTER (WHERE type = 'BRANCH') AS branches "
            "FROM organization GROUP BY depth ORDER BY depth"
        )
        root_user = await conn.fetchval(
            "SELECT a.username FROM account a JOIN organization o ON o.id = a.organization_id "
            "WHERE o.parent_id IS NULL ORDER BY a.id LIMIT 1"
        )
        return {
            "organizations": sum(r["n"] for r in by_depth),
            "branches": sum(r["branches"] for r in by_depth),
            "by_depth": [[r["depth"], r["n"]] for r in by_depth],
            "states": await conn.fetchval("SELECT COUNT(*) FROM branch_state"),
            "forms": await conn.fetchval("SELECT COUNT(*) FROM self_check"),
            "accounts": await conn.fetchval("SELECT COUNT(*) FROM account"),
            "database_mb": round(
                await conn.fetchval("SELECT pg_database_size(current_database())") / 2**20
            ),
            "shared_buffers": await conn.fetchval("SHOW shared_buffers"),
            "postgres": await conn.fetchval("SHOW server_version"),
            "root_username": root_user,
        }
    finally:
        await conn.close()


def default_password(root_username: str | None) -> str:
    return DEMO_PASSWORD if root_username == "root" else GENERATOR_PASSWORD
