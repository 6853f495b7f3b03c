"""Pages of the organisation tree kept between requests while the tree is unchanged.

The tree changes a few times a day (an organisation created); branch states change with
every form. Reading a county's tree (the mobile app's nested query: its committees and
their branches) read the same children pages from PostgreSQL every time; kept, the
server's CPU per request fell from 5.66 to 4.93 ms and PostgreSQL's from 1.34 to 0.80
(docs/benchmarks.md, change 14). So each worker keeps children pages, never states, for
as long as the tree's version stays the same; and with them what changes only with the
tree: all of an organisation's children (the progress view) and its branch tallies (a
branch created is counted in the transaction that inserts it; change 26). Readers key
these by a tag (``("tally", org_id)``) so that no two kinds share a key.

The version (migration 0007) is raised by triggers on ``organization`` with every
statement that changes it, whoever sends it, and is read by every request together with
its bearer token (``resolvers/account.viewer_for_token``). A request whose version
differs from the cache's empties it and adopts its own: the pages a request is given were
read at or after its version, never before. A request that changes the tree stops using
the cache for the rest of its work (:meth:`TreeView.stop`): what it reads next must
include its own change.

Pages are held as tuples and handed out as new lists. At most ``limit`` organisations
are held in all; the least recently used pages go first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any

Read = Callable[[list[Any]], Awaitable[list[list[Any]]]]


class TreeCache:
    """One process's children pages, by loader key, for one version of the tree."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.version: int | None = None
        self.pages: OrderedDict[Hashable, tuple[Any, ...]] = OrderedDict()
        self.rows = 0

    def adopt(self, version: int) -> None:
        if version != self.version:
            self.pages.clear()
            self.rows = 0
            self.version = version

    def get(self, version: int, key: Hashable) -> list[Any] | None:
        self.adopt(version)
        page = self.pages.get(key)
        if page is None:
            return None
        self.pages.move_to_end(key)
        return list(page)

    def put(self, version: int, key: Hashable, rows: Sequence[Any]) -> None:
        if version != self.version or len(rows) > self.limit:
            return  # read for another version of the tree, or too big to keep
        old = self.pages.pop(key, None)
        if old is not None:
            self.rows -= len(old)
        self.pages[key] = tuple(rows)
        self.rows += len(rows)
        while self.rows > self.limit:
            _, dropped = self.pages.popitem(last=False)
            self.rows -= len(dropped)


class TreeView:
    """A request's use of its worker's cache: the cache and the version read with the
    viewer; neither (no cache, no viewer, or after a change to the tree): read each time."""

    __slots__ = ("cache", "version")

    def __init__(self) -> None:
        self.cache: TreeCache | None = None
        self.version: int | None = None

    def use(self, cache: TreeCache | None, version: int | None) -> None:
        if cache is not None and cache.limit > 0 and version is not None:
            self.cache, self.version = cache, version

    def stop(self) -> None:
        """This request has changed the tree: from now on it reads the database."""
        self.cache = self.version = None

    def peek(self, key: Hashable) -> list[Any] | None:
        """The cached page, if the request uses the cache and it holds the page."""
        cache, version = self.cache, self.version
        return None if cache is None or version is None else cache.get(version, key)

    async def pages(self, keys: list[Any], read: Read) -> list[list[Any]]:
        cache, version = self.cache, self.version
        if cache is None or version is None:
            return await read(keys)
        found = [cache.get(version, key) for key in keys]
        missing = [key for key, page in zip(keys, found, strict=True) if page is None]
        if not missing:
            return found  # type: ignore[return-value]
        fresh = dict(zip(missing, await read(missing), strict=True))
        for key, rows in fresh.items():
            cache.put(version, key, rows)
        return [fresh[key] if page is None else page for key, page in zip(keys, found, strict=True)]
