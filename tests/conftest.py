"""Test fixtures: a real database (SQLite, or PostgreSQL with TEST_DATABASE=postgres),
the app over HTTP in-process, a movable clock, and small tree builders.

Every test session creates its own database and drops it at the end; every test starts
from empty tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from tortoise import Tortoise

from tests.api import Api, serving
from zhengdun.cli import _migrate
from zhengdun.clock import FixedClock, china_datetime
from zhengdun.config import Settings
from zhengdun.db import connection, init_db, is_postgres

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")


def _engine() -> str:
    engine = os.environ.get("TEST_DATABASE", "sqlite")
    assert engine in ("sqlite", "postgres"), (
        f"TEST_DATABASE must be sqlite or postgres, not {engine}"
    )
    return engine


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    if _engine() == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        yield f"sqlite://{path}"
        return
    name = f"zhengdun_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(f"{POSTGRES_ADMIN_URL}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{POSTGRES_ADMIN_URL.split('://', 1)[1]}/{name}"
    finally:
        await Tortoise.close_connections()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(scope="session")
async def migrated(database_url: str) -> AsyncIterator[str]:
    await _migrate(database_url)
    await init_db(database_url)
    yield database_url
    await Tortoise.close_connections()


REFERENCE_TABLES = {"checklist_template"}  # shipped by the migrations, kept between tests


def _tables() -> list[str]:
    tables = [m._meta.db_table for app in Tortoise.apps.values() for m in app.values()]
    return [t for t in tables if t not in REFERENCE_TABLES]


async def empty_database() -> None:
    """Every table but the reference data, emptied (also between hypothesis examples)."""
    conn = connection()
    if is_postgres(conn):
        tables = ", ".join(f'"{t}"' for t in _tables())
        await conn.execute_script(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    else:
        deletes = "".join(f'DELETE FROM "{t}";' for t in _tables())
        await conn.execute_script(f"PRAGMA foreign_keys=OFF;{deletes}PRAGMA foreign_keys=ON;")


@pytest.fixture(autouse=True)
async def empty_tables(migrated: str) -> AsyncIterator[None]:
    await empty_database()
    yield


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(china_datetime(2026, 9, 15))


@pytest.fixture
def settings(migrated: str) -> Settings:
    return Settings(database_url=migrated)


@pytest.fixture
async def api(settings: Settings, clock: FixedClock) -> AsyncIterator[Api]:
    async with serving(settings, clock) as api:
        yield api
