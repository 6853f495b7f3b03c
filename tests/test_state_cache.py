"""The workers' state cache: the brief states of listed branches, kept by parent and never
older than their parent's version of states (migration 0008)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from resolvers.state_cache import StateCache
from tests.api import Api, admin, build_tree, campaign, gid, ratings, serving
from tests.test_rectification_flow import SUBMIT
from tests.test_tree_api import count_statements, statements_with_values
from zhengdun.clock import FixedClock
from zhengdun.config import Settings
from zhengdun.db import connection, is_postgres

STATES = """query($id:ID!){organization(id:$id){children(first:100){edges{node{name
  children(first:100){edges{node{name rectification{status latestPoorCount}}}}}}}}}"""


def shown(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every listed branch's state, committee by committee."""
    return [
        b["node"]["rectification"]
        for c in data["organization"]["children"]["edges"]
        for b in c["node"]["children"]["edges"]
    ]


def read_ids(values: list[Any]) -> set[int]:
    """The branch ids a state read asked for: after the campaign, one value each
    (SQLite) or one array's text (PostgreSQL)."""
    rest = values[1:]
    if len(rest) == 1 and isinstance(rest[0], str):
        return {int(i) for i in rest[0].strip("{}").split(",")}
    return set(rest)


def state_reads(statements: list[str]) -> list[str]:
    return [s for s in statements if "FROM branch_state" in s]


@pytest.fixture
async def second_worker(settings: Settings, clock: FixedClock) -> AsyncIterator[Api]:
    """Another app on the same database: a second worker with caches of its own."""
    async with serving(settings, clock) as api:
        yield api


async def test_states_are_read_again_for_the_parent_whose_states_changed(
    api: Api, second_worker: Api
) -> None:
    """A form submitted through another worker shows at once; only its committee's
    branches are read again."""
    tree = await build_tree(committees=2, branches_per_committee=3)
    await admin(tree.county, "county")
    await admin(tree.branches[4], "branch")
    await campaign()
    county = await api.login("county")
    reads = []
    for _ in range(2):
        with count_statements() as statements:
            before = await api.data(STATES, {"id": gid(tree.county)}, county)
        reads.append(len(state_reads(statements)))
    assert reads == [1, 0]
    assert [s["status"] for s in shown(before)] == ["NOT_SUBMITTED"] * 6

    branch = await second_worker.login("branch")
    done = await second_worker.data(
        SUBMIT, {"b": gid(tree.branches[4]), "r": ratings(poor=2)}, branch
    )
    assert done["submitSelfCheck"]["userErrors"] == []

    with statements_with_values() as statements:
        after = shown(await api.data(STATES, {"id": gid(tree.county)}, county))
    [values] = [v for sql, v in statements if "FROM branch_state" in sql]
    assert read_ids(values) == {b.id for b in tree.branches[3:6]}  # the second committee's
    assert after[4] == {"status": "PENDING_REVIEW", "latestPoorCount": 2}
    assert after[:4] + after[5:] == shown(before)[:4] + shown(before)[5:]


async def test_states_changed_by_hand_in_the_database_show_at_once(api: Api) -> None:
    """The versions are raised by triggers: a statement from psql counts as the API's."""
    tree = await build_tree(committees=1, branches_per_committee=3)
    await admin(tree.county, "county")
    await admin(tree.branches[1], "branch")
    await campaign()
    county = await api.login("county")
    done = await api.data(
        SUBMIT, {"b": gid(tree.branches[1]), "r": ratings(poor=1)}, await api.login("branch")
    )
    assert done["submitSelfCheck"]["userErrors"] == []
    assert shown(await api.data(STATES, {"id": gid(tree.county)}, county))[1] == {
        "status": "PENDING_REVIEW",
        "latestPoorCount": 1,
    }

    conn = connection()
    branch_id = tree.branches[1].id
    await conn.execute_query(
        f"UPDATE branch_state SET latest_poor = 7 WHERE branch_id = {branch_id}"
    )
    assert (
        shown(await api.data(STATES, {"id": gid(tree.county)}, county))[1]["latestPoorCount"] == 7
    )

    await conn.execute_query(f"DELETE FROM branch_state WHERE branch_id = {branch_id}")
    states = shown(await api.data(STATES, {"id": gid(tree.county)}, county))
    assert [s["status"] for s in states] == ["NOT_SUBMITTED"] * 3


async def test_emptying_the_states_table_empties_the_cache(api: Api) -> None:
    """``TRUNCATE`` fires no row or statement trigger of its rows: it raises the tree's
    version instead, which empties the workers' caches (SQLite has no ``TRUNCATE``)."""
    conn = connection()
    if not is_postgres(conn):
        pytest.skip("PostgreSQL's TRUNCATE")
    tree = await build_tree(committees=1, branches_per_committee=2)
    await admin(tree.county, "county")
    await admin(tree.branches[0], "branch")
    await campaign()
    county = await api.login("county")
    await api.data(SUBMIT, {"b": gid(tree.branches[0]), "r": ratings()}, await api.login("branch"))
    assert shown(await api.data(STATES, {"id": gid(tree.county)}, county))[0]["status"] != (
        "NOT_SUBMITTED"
    )

    await conn.execute_script("TRUNCATE branch_state")
    states = shown(await api.data(STATES, {"id": gid(tree.county)}, county))
    assert [s["status"] for s in states] == ["NOT_SUBMITTED"] * 2


async def test_without_a_state_cache_every_request_reads_the_states(
    settings: Settings, clock: FixedClock
) -> None:
    async with serving(replace(settings, state_cache_rows=0), clock) as api:
        tree = await build_tree(committees=2, branches_per_committee=3)
        await admin(tree.county, "county")
        await campaign()
        token = await api.login("county")
        for _ in range(2):
            with count_statements() as statements:
                await api.data(STATES, {"id": gid(tree.county)}, token)
            assert len(state_reads(statements)) == 1
            assert not any("state_version" in s for s in statements)


def test_the_state_cache_keeps_states_at_their_version_within_its_limit() -> None:
    cache = StateCache(limit=5)
    assert cache.get(1, (1, 10), 0) is None  # adopts tree version 1
    cache.put(1, (1, 10), 3, {100: "a", 101: "b"})
    assert cache.get(1, (1, 10), 3) == {100: "a", 101: "b"}
    assert cache.get(1, (1, 10), 4) is None  # the parent's states changed since

    cache.put(1, (1, 10), 3, {102: "c"})  # another page of the same parent, same version
    assert cache.get(1, (1, 10), 3) == {100: "a", 101: "b", 102: "c"} and cache.rows == 3
    cache.put(1, (1, 10), 4, {100: "A"})  # read at a newer version: replaces the older
    assert cache.get(1, (1, 10), 3) is None and cache.get(1, (1, 10), 4) == {100: "A"}

    cache.put(1, (1, 11), 0, {200: "d", 201: "e"})
    cache.put(1, (1, 12), 0, {300: "f", 301: "g", 302: "h"})  # 6 rows: (1, 10) goes first
    assert cache.get(1, (1, 10), 4) is None and cache.rows == 5
    cache.put(1, (1, 13), 0, dict.fromkeys(range(6), "x"))  # bigger than the cache
    assert cache.get(1, (1, 13), 0) is None

    cache.put(2, (1, 11), 0, {200: "d"})  # read with another tree: not kept
    assert cache.get(1, (1, 11), 0) == {200: "d", 201: "e"}
    assert cache.get(2, (1, 11), 0) is None and cache.rows == 0  # tree version 2 empties it
