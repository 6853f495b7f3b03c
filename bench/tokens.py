"""Real bearer tokens, from the ``login`` mutation of the server under test.

A login verifies an argon2id hash (hundreds of milliseconds of CPU), so tokens are kept
in ``bench/.cache/tokens-<database>.json`` and reused while their session is live
(checked against the ``session`` table); only the missing ones are logged in.
"""

from __future__ import annotations

import hashlib
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg

from bench.scenarios import LOGIN, body
from bench.server import post_json

CACHE_DIR = Path(__file__).resolve().parent / ".cache"


class Tokens:
    def __init__(
        self, url: str, password: str, database: str, *, keep: bool = True, concurrency: int = 4
    ) -> None:
        self.url, self.password, self.concurrency = url, password, concurrency
        self.path = CACHE_DIR / f"tokens-{database}.json"
        self.keep = keep  # False: a throwaway database, nothing worth keeping
        self.cache: dict[str, str] = {}
        if keep and self.path.exists():
            self.cache = json.loads(self.path.read_text())
        self.logins = 0
        self.login_seconds = 0.0

    async def drop_stale(self, conn: asyncpg.Connection) -> None:
        """Forgets cached tokens whose session is gone, revoked or expires within 2 hours."""
        digests = {hashlib.sha256(t.encode()).hexdigest(): u for u, t in self.cache.items()}
        live = await conn.fetch(
            "SELECT token_hash FROM session WHERE token_hash = ANY($1::text[]) "
            "AND revoked_at IS NULL AND expires_at > now() + interval '2 hours'",
            list(digests),
        )
        keep = {digests[r["token_hash"]] for r in live}
        self.cache = {u: t for u, t in self.cache.items() if u in keep}

    def login(self, username: str) -> str:
        data = post_json(self.url, body(LOGIN, u=username, p=self.password))
        result = (data.get("data") or {}).get("login") or {}
        if data.get("errors") or not result.get("token"):
            raise RuntimeError(f"login of {username} failed: {data}")
        return str(result["token"])

    def get(self, usernames: list[str]) -> dict[str, str]:
        missing = sorted({u for u in usernames if u not in self.cache})
        if missing:
            started = time.perf_counter()
            with ThreadPoolExecutor(self.concurrency) as pool:
                for username, token in zip(missing, pool.map(self.login, missing), strict=True):
                    self.cache[username] = token
            self.login_seconds += time.perf_counter() - started
            self.logins += len(missing)
            if self.keep:
                CACHE_DIR.mkdir(exist_ok=True)
                self.path.write_text(json.dumps(self.cache))
        return {u: self.cache[u] for u in usernames}
