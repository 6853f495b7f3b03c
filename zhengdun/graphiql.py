"""Self-hosted GraphiQL page for admins.

The page and its vendored assets (GraphiQL 3 and React 18 UMD bundles, see
``frontend/graphiql/build.sh``) live in ``zhengdun/static/graphiql/`` and are
served by the service itself, so the browser never fetches anything from
another host (League offices run on closed networks).

Wiring (done by the app):

* ``GET /graphql`` from a browser (``Accept: text/html``) returns
  :data:`GRAPHIQL_HTML`;
* the routes from :func:`graphiql_routes` serve the assets under
  ``/graphiql/static/``.
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

STATIC_DIR: Path = Path(__file__).parent / "static" / "graphiql"
"""Directory holding ``index.html`` and the vendored GraphiQL assets."""

STATIC_PREFIX = "/graphiql/static"
"""URL prefix the page loads its assets from."""

GRAPHIQL_HTML: str = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
"""The GraphiQL page, read once at import."""


def graphiql_routes() -> list[Mount]:
    """Return the Starlette routes serving the GraphiQL assets."""
    return [
        Mount(
            STATIC_PREFIX,
            app=StaticFiles(directory=STATIC_DIR),
            name="graphiql-static",
        )
    ]
