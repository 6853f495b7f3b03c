"""Configuration, read from the environment in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

DEFAULT_SQLITE_PATH = Path("data") / "zhengdun.sqlite3"


@dataclass(frozen=True)
class Settings:
    database_url: str
    token_ttl: timedelta = timedelta(hours=12)
    max_query_depth: int = 12
    max_query_tokens: int = 5000
    max_aliases: int = 30
    document_cache_size: int = 256
    # How often each worker folds the insert-only progress deltas (0: never).
    fold_interval_seconds: float = 5.0
    # "level": queries run by schema/executor.py and schema/fast_fields.py (the default);
    # "graphql-core": strawberry's and graphql-core's own path, field by field.
    executor: str = "level"
    # Organisations each worker keeps in its tree cache (resolvers/tree_cache.py; 0: none).
    tree_cache_rows: int = 50_000
    # Branches whose brief states each worker keeps (resolvers/state_cache.py; 0: none).
    state_cache_rows: int = 100_000
    debug: bool = False


def default_database_url() -> str:
    """The embedded default: an SQLite file under ./data/ (created when missing)."""
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite://{DEFAULT_SQLITE_PATH}"


def load_settings() -> Settings:
    env = os.environ
    return Settings(
        database_url=env.get("DATABASE_URL") or default_database_url(),
        token_ttl=timedelta(hours=float(env.get("ZHENGDUN_TOKEN_TTL_HOURS", "12"))),
        max_query_depth=int(env.get("ZHENGDUN_MAX_QUERY_DEPTH", "12")),
        max_query_tokens=int(env.get("ZHENGDUN_MAX_QUERY_TOKENS", "5000")),
        max_aliases=int(env.get("ZHENGDUN_MAX_ALIASES", "30")),
        document_cache_size=int(env.get("ZHENGDUN_DOCUMENT_CACHE_SIZE", "256")),
        fold_interval_seconds=float(env.get("ZHENGDUN_FOLD_INTERVAL_SECONDS", "5")),
        executor=env.get("ZHENGDUN_EXECUTOR", "level"),
        tree_cache_rows=int(env.get("ZHENGDUN_TREE_CACHE_ROWS", "50000")),
        state_cache_rows=int(env.get("ZHENGDUN_STATE_CACHE_ROWS", "100000")),
        debug=env.get("ZHENGDUN_DEBUG", "") == "1",
    )
