"""The workers' tree cache: pages read once, and never older than the request's tree."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from models.organization import OrgType
from resolvers.tree_cache import TreeCache
from tests.api import Api, admin, build_tree, campaign, gid, ratings, serving
from tests.test_rectification_flow import SUBMIT
from tests.test_tree_api import count_statements
from zhengdun.clock import FixedClock
from zhengdun.config import Settings
from zhengdun.db import connection

TREE = """query($id:ID!){organization(id:$id){children(first:100){edges{node{name
  children(first:100){edges{node{name}}}}}}}}"""
CREATE = """mutation($p:ID!,$n:String!){createOrganization(input:{parentId:$p,name:$n,
  type:BRANCH,sector:RURAL}){organization{parent{children(first:100){edges{node{name}}}}}
  userErrors{code}}}"""
PAGE = "ROW_NUMBER()"  # the children pages' statement
PROGRESS = """query($id:ID!){organization(id:$id){progress{rows{organization{name}
  totalBranches bySector{sector totalBranches}}}
  bottomSelection{totalBranches requiredCount}
  subordinateBranches(scope:DIRECT){totalCount}}}"""
BRANCH_PROGRESS = """query($id:ID!){organization(id:$id){progress{rows{totalBranches
  bySector{sector totalBranches}}}}}"""
TREE_READS = ("FROM branch_tally", "FROM organization WHERE parent_id")


def totals(data: dict) -> dict[str, int]:  # type: ignore[type-arg]
    return {
        r["organization"]["name"]: r["totalBranches"]
        for r in data["organization"]["progress"]["rows"]
    }


def names(data: dict) -> list[list[str]]:  # type: ignore[type-arg]
    """Each committee's branches, in order."""
    return [
        [b["node"]["name"] for b in c["node"]["children"]["edges"]]
        for c in data["organization"]["children"]["edges"]
    ]


@pytest.fixture
async def second_worker(settings: Settings, clock: FixedClock) -> AsyncIterator[Api]:
    """Another app on the same database: a second worker with a cache of its own."""
    async with serving(settings, clock) as api:
        yield api


async def test_a_tree_read_again_is_not_read_from_the_database(api: Api) -> None:
    tree = await build_tree(committees=2, branches_per_committee=3)
    await admin(tree.county, "county")
    token = await api.login("county")
    reads = []
    for _ in range(2):
        with count_statements() as statements:
            data = await api.data(TREE, {"id": gid(tree.county)}, token)
        assert [len(c) for c in names(data)] == [3, 3]
        reads.append(sum(PAGE in s for s in statements))
    assert reads == [2, 0]  # the county's page, then its committees' pages; then none


async def test_without_a_cache_every_request_reads_the_tree(
    settings: Settings, clock: FixedClock
) -> None:
    async with serving(replace(settings, tree_cache_rows=0), clock) as api:
        tree = await build_tree(committees=2, branches_per_committee=3)
        await admin(tree.county, "county")
        token = await api.login("county")
        for _ in range(2):
            with count_statements() as statements:
                await api.data(TREE, {"id": gid(tree.county)}, token)
            assert sum(PAGE in s for s in statements) == 2


async def test_an_organisation_created_through_another_worker_shows_at_once(
    api: Api, second_worker: Api
) -> None:
    tree = await build_tree(committees=1, branches_per_committee=2)
    await admin(tree.county, "county")
    await admin(tree.committees[0], "committee")
    county = await api.login("county")
    before = names(await api.data(TREE, {"id": gid(tree.county)}, county))
    assert len(before[0]) == 2

    committee = await second_worker.login("committee")
    created = await second_worker.data(
        CREATE, {"p": gid(tree.committees[0]), "n": "新建团支部"}, committee
    )
    assert created["createOrganization"]["userErrors"] == []

    after = names(await api.data(TREE, {"id": gid(tree.county)}, county))
    assert after[0] == [*before[0], "新建团支部"]


async def test_a_change_made_by_hand_in_the_database_shows_at_once(api: Api) -> None:
    tree = await build_tree(committees=1, branches_per_committee=2)
    await admin(tree.county, "county")
    token = await api.login("county")
    branch = next(b for b in tree.branches if b.parent_id == tree.committees[0].id)
    await api.data(TREE, {"id": gid(tree.county)}, token)

    conn = connection()
    await conn.execute_query(f"UPDATE organization SET name = '改名团支部' WHERE id = {branch.id}")
    assert "改名团支部" in names(await api.data(TREE, {"id": gid(tree.county)}, token))[0]


async def test_the_request_that_creates_an_organisation_reads_it_back(api: Api) -> None:
    """Its tree version was read before its change: the cache's pages are older."""
    tree = await build_tree(committees=1, branches_per_committee=2)
    await admin(tree.county, "county")
    token = await api.login("county")
    await api.data(TREE, {"id": gid(tree.county)}, token)  # the committee's page cached

    created = await api.data(CREATE, {"p": gid(tree.committees[0]), "n": "新建团支部"}, token)
    payload = created["createOrganization"]
    assert payload["userErrors"] == []
    siblings = [e["node"]["name"] for e in payload["organization"]["parent"]["children"]["edges"]]
    assert siblings[-1] == "新建团支部" and len(siblings) == 3


async def test_progress_reads_tallies_and_children_once_per_tree(
    api: Api, second_worker: Api
) -> None:
    """Tallies and the list of children change only with the tree: kept with its pages,
    and a branch created anywhere shows in every view of the counts at once."""
    tree = await build_tree(committees=2, branches_per_committee=3)
    await campaign()
    await admin(tree.county, "county")
    await admin(tree.committees[0], "committee")
    county = await api.login("county")
    committee = await api.login("committee")
    reads = []
    for _ in range(2):
        with count_statements() as statements:
            data = await api.data(PROGRESS, {"id": gid(tree.county)}, county)
        assert totals(data) == {"甲县团委": 6, "甲县第1中学团委": 3, "甲县第2中学团委": 3}
        reads.append(sum(any(r in s for r in TREE_READS) for s in statements))
    assert reads[0] > 0 and reads[1] == 0

    with count_statements() as statements:
        first = await api.data(PROGRESS, {"id": gid(tree.committees[0])}, committee)
    assert first["organization"]["bottomSelection"]["totalBranches"] == 3
    assert first["organization"]["subordinateBranches"]["totalCount"] == 3

    created = await second_worker.data(
        CREATE, {"p": gid(tree.committees[0]), "n": "新建团支部"}, committee
    )
    assert created["createOrganization"]["userErrors"] == []
    data = await api.data(PROGRESS, {"id": gid(tree.county)}, county)
    assert totals(data) == {"甲县团委": 7, "甲县第1中学团委": 4, "甲县第2中学团委": 3}
    sectors = {
        s["sector"]: s["totalBranches"]
        for s in data["organization"]["progress"]["rows"][1]["bySector"]
    }
    assert sectors["HIGH_SCHOOL"] == 3 and sectors["RURAL"] == 1
    mine = (await api.data(PROGRESS, {"id": gid(tree.committees[0])}, committee))["organization"]
    assert mine["bottomSelection"] == {"totalBranches": 4, "requiredCount": 1}
    assert mine["subordinateBranches"]["totalCount"] == 4
    assert [r["totalBranches"] for r in mine["progress"]["rows"]] == [4, 1, 1, 1, 1]

    branch = next(b for b in tree.branches if b.parent_id == tree.committees[0].id)
    own = await api.data(BRANCH_PROGRESS, {"id": gid(branch)}, committee)
    [row] = own["organization"]["progress"]["rows"]  # a branch: its own row, no children
    assert row["totalBranches"] == 1
    assert {s["sector"]: s["totalBranches"] for s in row["bySector"]}["HIGH_SCHOOL"] == 1


def test_the_cache_holds_at_most_its_limit_and_one_version() -> None:
    cache = TreeCache(limit=5)
    cache.get(1, "a")  # adopts version 1
    cache.put(1, "a", [1, 2])
    cache.put(1, "b", [3, 4])
    assert cache.get(1, "a") == [1, 2]  # now the most recently used
    cache.put(1, "c", [5, 6])  # 6 rows: "b", the least recently used, goes
    assert (cache.rows, cache.get(1, "b"), cache.get(1, "c")) == (4, None, [5, 6])
    cache.put(1, "huge", list(range(6)))  # bigger than the whole cache: not kept
    assert cache.get(1, "huge") is None and cache.rows == 4

    cache.put(2, "d", [7])  # read for another version: not kept
    assert cache.get(1, "d") is None
    assert cache.get(2, "a") is None and cache.rows == 0  # version 2 empties it
    cache.put(2, "a", [8])
    assert cache.get(1, "a") is None  # and so does going back (a restored database)


def test_pages_handed_out_are_copies() -> None:
    """A resolver that changed its list would otherwise change every later request's."""
    cache = TreeCache(limit=10)
    cache.get(1, "k")
    cache.put(1, "k", [OrgType.BRANCH])
    got = cache.get(1, "k")
    assert got is not None
    got.append(OrgType.COMMITTEE)
    assert cache.get(1, "k") == [OrgType.BRANCH]


STATES = """query($id:ID!){organization(id:$id){children(first:100){edges{node{name
  children(first:100){edges{node{name rectification{status latestPoorCount}}}}}}}}}"""


async def test_a_page_from_the_cache_shows_its_branches_states_as_they_are_now(
    api: Api,
) -> None:
    """From the cache a page is answered at once but for its branches' states: the
    worker's state cache keeps them while their parent's version stays the same, so a
    form submitted in between shows, read again for its committee alone."""
    tree = await build_tree(committees=2, branches_per_committee=3)
    await admin(tree.county, "county")
    await admin(tree.branches[4], "branch")
    await campaign()
    county = await api.login("county")
    answers, reads = [], []
    for turn in range(3):
        if turn == 2:
            done = await api.data(
                SUBMIT,
                {"b": gid(tree.branches[4]), "r": ratings(poor=2)},
                await api.login("branch"),
            )
            assert done["submitSelfCheck"]["userErrors"] == []
        with count_statements() as statements:
            answers.append(await api.data(STATES, {"id": gid(tree.county)}, county))
        reads.append(
            (sum(PAGE in s for s in statements), sum("FROM branch_state" in s for s in statements))
        )
    assert reads == [(2, 1), (0, 0), (0, 1)]
    assert answers[0] == answers[1]  # from the database, then from the cache
    shown = [
        b["node"]["rectification"]
        for c in answers[2]["organization"]["children"]["edges"]
        for b in c["node"]["children"]["edges"]
    ]
    assert shown[4] == {"status": "PENDING_REVIEW", "latestPoorCount": 2}
    assert [s["status"] for s in shown[:4] + shown[5:]] == ["NOT_SUBMITTED"] * 5
