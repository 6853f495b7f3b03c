"""Builds the served schema and its SDL."""

from __future__ import annotations

from pathlib import Path

import strawberry
from strawberry.schema.config import StrawberryConfig

from schema.account import Account
from schema.extensions import schema_extensions
from schema.organization import Organization
from schema.root import Mutation, Query
from zhengdun.config import Settings

SDL_PATH = Path(__file__).parent / "schema.graphql"


def build_schema(settings: Settings) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=[Organization, Account],
        extensions=schema_extensions(settings),
        config=StrawberryConfig(auto_camel_case=True),
    )


def export_sdl() -> str:
    return build_schema(Settings(database_url="sqlite://:memory:")).as_str() + "\n"
