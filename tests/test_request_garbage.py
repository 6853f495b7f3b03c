"""A request's objects are freed when it ends, by reference counting.

The served process runs the cyclic garbage collector rarely (``zhengdun.app.settle_heap``):
a reference cycle through a request's context, loaders or executor would keep every row
of its response alive until the next full collection. These tests run requests with the
collector off and ask it afterwards what it would have had to free.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from bench.scenarios import M1
from resolvers.loaders import Loaders, WorkflowLoaders
from schema.executor import LevelExecutor
from tests.api import Api, admin, build_tree, campaign, gid, ratings, token_for
from tests.test_rectification_flow import SUBMIT
from zhengdun.context import Context

REQUEST_SCOPED = (Context, Loaders, WorkflowLoaders, DataLoader, LevelExecutor, Model)


@contextmanager
def cyclic_garbage() -> Iterator[list[object]]:
    """What the cyclic collector finds of the request-scoped kinds, once the block ends."""
    found: list[object] = []
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield found
        gc.collect()
        found += [o for o in gc.garbage if isinstance(o, REQUEST_SCOPED)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def kinds(objects: list[object]) -> set[str]:
    return {type(o).__qualname__ for o in objects}


async def test_a_county_tree_with_its_branch_states_leaves_no_cycles(api: Api) -> None:
    tree = await build_tree(committees=2, branches_per_committee=3)
    await campaign()
    branch = tree.branches[0]
    branch_token = await token_for(await admin(branch, "branch"))
    submitted = await api.data(SUBMIT, {"b": gid(branch), "r": ratings(poor=2)}, branch_token)
    assert submitted["submitSelfCheck"]["userErrors"] == []
    token = await token_for(await admin(tree.county, "county"))
    await api.data(M1, {"id": gid(tree.county)}, token)  # warm-up: per-process caches

    with cyclic_garbage() as left:
        data = await api.data(M1, {"id": gid(tree.county)}, token)
    committees = data["organization"]["children"]["edges"]
    statuses = [
        edge["node"]["rectification"]["status"]
        for committee in committees
        for edge in committee["node"]["children"]["edges"]
    ]
    assert sorted(statuses) == ["NOT_SUBMITTED"] * 5 + ["PENDING_REVIEW"]
    assert kinds(left) == set()


async def test_a_submission_leaves_no_cycles(api: Api) -> None:
    tree = await build_tree(committees=1, branches_per_committee=2)
    await campaign()
    first, second = tree.branches
    tokens = [await token_for(await admin(b, f"b{i}")) for i, b in enumerate((first, second))]
    await api.data(SUBMIT, {"b": gid(first), "r": ratings(poor=1)}, tokens[0])  # warm-up

    with cyclic_garbage() as left:
        data = await api.data(SUBMIT, {"b": gid(second), "r": ratings(poor=1)}, tokens[1])
    assert data["submitSelfCheck"]["userErrors"] == []
    assert kinds(left) == set()
