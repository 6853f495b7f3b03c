"""Builds the served schema and its SDL."""

from __future__ import annotations

from pathlib import Path

import strawberry
from strawberry.schema.config import StrawberryConfig

from schema import fast_fields, fast_inputs
from schema.account import Account
from schema.executor import LevelExecutor
from schema.extensions import schema_extensions
from schema.organization import Organization
from schema.root import Mutation, Query
from zhengdun.config import Settings

SDL_PATH = Path(__file__).parent / "schema.graphql"


EXECUTORS = ("level", "graphql-core")


def build_schema(settings: Settings) -> strawberry.Schema:
    """The served schema; ``settings.executor`` picks how queries run (README)."""
    if settings.executor not in EXECUTORS:
        raise ValueError(f"ZHENGDUN_EXECUTOR must be one of {EXECUTORS}, not {settings.executor!r}")
    level = settings.executor == "level"
    schema = strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Organization, Account],
        extensions=schema_extensions(settings),
        config=StrawberryConfig(auto_camel_case=True),
        execution_context_class=LevelExecutor if level else None,
    )
    if level:
        fast_fields.install(schema)
        fast_inputs.install(schema)  # on the input classes: any schema of them uses it
    return schema


def export_sdl() -> str:
    return build_schema(Settings(database_url="sqlite://:memory:")).as_str() + "\n"
