"""The schema's migrations (Tortoise's built-in migrations), and their shared helper."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any


def dialect_script(postgres: str, sqlite: str) -> Callable[[Any, Any], Awaitable[None]]:
    """A ``RunPython`` step running one SQL script on PostgreSQL, another on SQLite."""

    async def run(apps: Any, schema_editor: Any) -> None:
        client = schema_editor.client
        await client.execute_script(postgres if client.capabilities.dialect == "postgres" else sqlite)

    return run
