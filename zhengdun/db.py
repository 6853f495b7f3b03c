"""Tortoise configuration and the database dialect helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url

from models import MODEL_MODULES


async def _nothing_to_reset(connection: Any) -> None:
    """The pool's reset hook on PostgreSQL: the code keeps no session state.

    Tortoise takes a pooled connection for every statement outside a transaction, and
    asyncpg's default reset runs a query (``RESET ALL``, ``UNLISTEN *``, advisory
    unlocks...) each time one is returned: a second round trip per statement. Nothing
    here changes session state (the generator's settings are ``SET LOCAL``, gone with
    its transactions); asyncpg still rolls back an open transaction and drops
    listeners before calling this.
    """


def tortoise_config(database_url: str) -> dict[str, Any]:
    connection: str | dict[str, Any] = database_url
    config = expand_db_url(database_url)
    if config["engine"] == "tortoise.backends.asyncpg":
        config["credentials"]["reset"] = _nothing_to_reset
        connection = config
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "migrations": "migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def init_db(database_url: str) -> None:
    # The global fallback lets request tasks see the connections that the lifespan
    # task opened (Tortoise keeps its context in a contextvar).
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


@asynccontextmanager
async def database(database_url: str) -> AsyncIterator[None]:
    await init_db(database_url)
    try:
        yield
    finally:
        await close_db()


def connection() -> BaseDBAsyncClient:
    return connections.get("default")


def is_postgres(conn: BaseDBAsyncClient | None = None) -> bool:
    return (conn or connection()).capabilities.dialect == "postgres"


def placeholder(conn: BaseDBAsyncClient, index: int) -> str:
    """The n-th (1-based) bind parameter in the connection's dialect."""
    return f"${index}" if is_postgres(conn) else "?"


def placeholders(conn: BaseDBAsyncClient, start: int, count: int) -> str:
    return ", ".join(placeholder(conn, start + i) for i in range(count))


def _tortoise_cli_config() -> dict[str, Any]:
    from zhengdun.config import load_settings

    return tortoise_config(load_settings().database_url)


# For Tortoise's own CLI (``tortoise makemigrations``), named in pyproject.toml.
TORTOISE_ORM = _tortoise_cli_config()
