"""The brief states of listed branches, kept between requests while they are unchanged.

A county's tree (the mobile app's nested query) lists hundreds of branches with their
status; reading their state rows was the largest part of the request left in PostgreSQL
and in asyncpg's decoding (docs/benchmarks.md, change 38). States change with every
form, but each form changes the states of one parent's branches: so each worker keeps
the states it has read by (campaign, parent), with the parent's version of states at the
time (migration 0008: triggers raise it with every statement that changes a state of one
of its branches, whoever sends it). A request reads the versions of the parents it lists,
one statement of a few rows, and reads again the states of a parent whose version moved.

The version is read before the states: a state committed between the two statements is
read with the older version, which the next request finds moved and reads again; states
are never kept with a version newer than they are. Reads inside a transaction (a
mutation's own uncommitted writes) neither use nor fill the cache. The whole cache
belongs to one version of the tree (branches move, are created and deleted only with
it; emptying the states table raises it too), as the tree cache does, and holds at most
``limit`` branches' states; the least recently used parents go first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any


class StateCache:
    """One process's brief states by (campaign id, parent id): the parent's version of
    states and the states read at it, by branch id (``None``: no state row)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.tree_version: int | None = None
        self.parents: OrderedDict[Hashable, tuple[int, dict[int, Any]]] = OrderedDict()
        self.rows = 0

    def adopt(self, tree_version: int) -> None:
        if tree_version != self.tree_version:
            self.parents.clear()
            self.rows = 0
            self.tree_version = tree_version

    def get(self, tree_version: int, key: Hashable, version: int) -> Mapping[int, Any] | None:
        """The states kept of the parent at this version, if any."""
        self.adopt(tree_version)
        held = self.parents.get(key)
        if held is None or held[0] != version:
            return None
        self.parents.move_to_end(key)
        return held[1]

    def put(self, tree_version: int, key: Hashable, version: int, states: dict[int, Any]) -> None:
        """Keeps states read at ``version``, with those already kept at the same version
        (another page of the same parent)."""
        if tree_version != self.tree_version or len(states) > self.limit:
            return
        old = self.parents.pop(key, None)
        if old is not None:
            self.rows -= len(old[1])
            if old[0] == version:
                states = {**old[1], **states}
        self.parents[key] = (version, states)
        self.rows += len(states)
        while self.rows > self.limit:
            _, (_, dropped) = self.parents.popitem(last=False)
            self.rows -= len(dropped)


class StateView:
    """A request's use of its worker's state cache: the cache and the tree's version read
    with the viewer; neither (no cache or no viewer): read each time."""

    __slots__ = ("cache", "tree_version")

    def __init__(self) -> None:
        self.cache: StateCache | None = None
        self.tree_version: int | None = None

    def use(self, cache: StateCache | None, tree_version: int | None) -> None:
        if cache is not None and cache.limit > 0 and tree_version is not None:
            self.cache, self.tree_version = cache, tree_version

    def get(self, key: Hashable, version: int) -> Mapping[int, Any] | None:
        cache, tree_version = self.cache, self.tree_version
        return (
            None if cache is None or tree_version is None else cache.get(tree_version, key, version)
        )

    def put(self, key: Hashable, version: int, states: dict[int, Any]) -> None:
        if self.cache is not None and self.tree_version is not None:
            self.cache.put(self.tree_version, key, version, states)
