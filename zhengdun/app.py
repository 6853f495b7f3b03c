"""The ASGI application, assembled in one place: routes, GraphQL view, lifespan."""

from __future__ import annotations

import asyncio
import gc
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from resolvers.account import viewer_for_token
from resolvers.progress import fold_new_deltas
from resolvers.state_cache import StateCache
from resolvers.tree_cache import TreeCache
from schema.build import build_schema
from zhengdun.clock import Clock
from zhengdun.config import Settings, load_settings
from zhengdun.context import Context
from zhengdun.db import close_db, init_db
from zhengdun.graphiql import GRAPHIQL_HTML, graphiql_routes

log = logging.getLogger("zhengdun")

# CPython collects its youngest generation after 700 net allocations of container objects;
# one M1 request (a county's tree) allocates tens of thousands, most of them garbage by the
# end of the request, so at 700 the collector runs several times per request and promotes
# rows still in use to older generations, whose collections walk them again. Requests leave
# no reference cycles (tests/test_request_garbage.py), so collecting rarer costs no memory
# (README choice 22; the measurements are in docs/benchmarks.md as of commit 78230d2).
GC_YOUNG_THRESHOLD = 10_000


def settle_heap() -> None:
    """Served processes, once started: start-up's objects frozen, young collections rarer.

    ``gc.freeze()`` moves everything alive now (modules, the schema, Tortoise's metadata)
    out of the collector's generations, so that full collections walk only what requests
    built; it is what the ``gc`` documentation advises for pre-forked workers.
    """
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)


def bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with our context and our self-hosted GraphiQL page."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql",
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.settings = settings
        self.clock = clock
        self.tree_cache = TreeCache(settings.tree_cache_rows)
        self.state_cache = StateCache(settings.state_cache_rows)

    async def get_context(self, request: Any, response: Any = None) -> Context:  # type: ignore[override]
        token = bearer_token(request)
        viewer = await viewer_for_token(token, self.clock) if token else None
        return Context(
            request=request,
            settings=self.settings,
            clock=self.clock,
            viewer=viewer,
            request_id=request.scope.get("zhengdun.request_id") or uuid.uuid4().hex,
            tree_cache=self.tree_cache,
            state_cache=self.state_cache,
        )

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def render_graphql_ide(self, request: Any) -> HTMLResponse:  # type: ignore[override]
        return HTMLResponse(GRAPHIQL_HTML)


async def keep_folding(interval: float) -> None:
    """Folds the progress deltas in the background so that reads stay short."""
    if interval <= 0:
        return
    seen: int | None = None
    while True:
        await asyncio.sleep(interval)
        try:
            seen = await fold_new_deltas(seen)
        except Exception:  # a failed fold loses nothing: the deltas stay as they are
            log.exception("folding progress deltas failed")


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(
    settings: Settings | None = None, clock: Clock | None = None, *, manage_database: bool = True
) -> Starlette:
    """The service. Tests pass their own clock and open the database themselves."""
    settings = settings or load_settings()
    view = GraphQLView(settings, clock or Clock())

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        await init_db(settings.database_url)
        settle_heap()
        folding = asyncio.create_task(keep_folding(settings.fold_interval_seconds))
        try:
            yield
        finally:
            folding.cancel()
            await close_db()

    return Starlette(
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            *graphiql_routes(),
        ],
        lifespan=lifespan,
    )
