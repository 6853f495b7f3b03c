"""The organisation tree through HTTP: visibility, pagination, and no N+1."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from models.organization import Organization, OrgType, Sector
from tests.api import Api, admin, build_tree, campaign, gid, org

SUBTREE = """query($id:ID!,$after:String){organization(id:$id){name branchCount
  children(first:1, after:$after){totalCount pageInfo{hasNextPage endCursor}
    edges{cursor node{name type sector depth children(first:10){totalCount
      edges{node{name type parent{name}}}}}}}}}"""


async def test_county_admin_pages_through_its_subtree(api: Api) -> None:
    tree = await build_tree(committees=2, branches_per_committee=3)
    await admin(tree.county, "county")
    token = await api.login("county")

    first = (await api.data(SUBTREE, {"id": gid(tree.county)}, token))["organization"]
    assert first["branchCount"] == 6
    page = first["children"]
    assert page["totalCount"] == 2
    assert page["pageInfo"]["hasNextPage"] is True
    committee = page["edges"][0]["node"]
    assert committee["name"] == "甲县第1中学团委"
    assert committee["depth"] == 4
    assert [e["node"]["name"] for e in committee["children"]["edges"]] == [
        "高1(1)班团支部",
        "高1(2)班团支部",
        "高1(3)班团支部",
    ]
    assert committee["children"]["edges"][0]["node"]["parent"]["name"] == "甲县第1中学团委"

    after = page["pageInfo"]["endCursor"]
    second = await api.data(SUBTREE, {"id": gid(tree.county), "after": after}, token)
    page2 = second["organization"]["children"]
    assert [e["node"]["name"] for e in page2["edges"]] == ["甲县第2中学团委"]
    assert page2["pageInfo"]["hasNextPage"] is False


async def test_sibling_county_admin_is_forbidden(api: Api) -> None:
    tree = await build_tree()
    await admin(tree.sibling_county, "sibling")
    token = await api.login("sibling")
    body = await api.post(SUBTREE, {"id": gid(tree.county)}, token)
    assert body["data"] == {"organization": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    # A committee below the other county, by node(id): still nothing but FORBIDDEN.
    body = await api.post(
        "query($id:ID!){node(id:$id){... on Organization{name sector}}}",
        {"id": gid(tree.committees[0])},
        token,
    )
    assert {e["extensions"]["code"] for e in body["errors"]} == {"FORBIDDEN"}


async def test_ancestors_show_only_the_breadcrumb(api: Api) -> None:
    tree = await build_tree()
    await admin(tree.county, "county")
    token = await api.login("county")
    crumbs = await api.data(
        "query($id:ID!){organization(id:$id){ancestors{id name type}}}",
        {"id": gid(tree.county)},
        token,
    )
    assert [a["name"] for a in crumbs["organization"]["ancestors"]] == [
        "团中央",
        "甲省团委",
        "甲市团委",
    ]
    codes = await api.error_codes(
        "query($id:ID!){organization(id:$id){name branchCount}}", {"id": gid(tree.province)}, token
    )
    assert codes == ["FORBIDDEN"]
    codes = await api.error_codes(
        "query($id:ID!){organization(id:$id){name}}", {"id": gid(tree.other_province)}, token
    )
    assert codes == ["FORBIDDEN"]


async def test_anonymous(api: Api) -> None:
    tree = await build_tree()
    assert await api.data("{me{account{username}}}") == {"me": None}
    codes = await api.error_codes(
        "query($id:ID!){organization(id:$id){name}}", {"id": gid(tree.root)}
    )
    assert codes == ["UNAUTHENTICATED"]


@contextmanager
def _logged_statements(keep: Callable[[tuple[Any, ...]], Any]) -> Iterator[list[Any]]:
    """What ``keep`` takes of each statement Tortoise sends (its db_client logger's
    arguments, at DEBUG: the SQL and its values)."""
    statements: list[Any] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.msg == "%s: %s" and isinstance(record.args, tuple):
                statements.append(keep(record.args))

    logger = logging.getLogger("tortoise.db_client")
    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def count_statements() -> AbstractContextManager[list[str]]:
    """Collects the SQL statements Tortoise sends."""
    return _logged_statements(lambda args: str(args[0]) if args else "")


def statements_with_values() -> AbstractContextManager[list[tuple[str, Any]]]:
    """Collects the SQL statements Tortoise sends, each with its values."""
    return _logged_statements(lambda args: (str(args[0]), args[1]))


NESTED = """query($id:ID!){organization(id:$id){name branchCount ancestors{name}
  children(first:100){totalCount edges{node{name branchCount parent{name} ancestors{name}
    children(first:100){totalCount edges{node{name branchCount parent{name} ancestors{name}}}}}}}}}"""


async def _grow(county: Organization, committees: int, branches: int) -> None:
    for c in range(committees):
        committee = await org(county, f"第{c}团委", sector=Sector.UNIVERSITY)
        for b in range(branches):
            await org(committee, f"第{c}-{b}团支部", OrgType.BRANCH, Sector.UNIVERSITY)


async def test_statement_count_does_not_grow_with_the_tree(api: Api) -> None:
    tree = await build_tree(committees=0)
    small, large = tree.county, tree.sibling_county
    await _grow(small, 2, 2)  # 2 + 4 organisations below
    await _grow(large, 8, 5)  # 8 + 40: over ten times as many
    await admin(tree.root, "root")
    token = await api.login("root")
    counts = []
    for county in (small, large):
        with count_statements() as statements:
            data = await api.data(NESTED, {"id": gid(county)}, token)
        edges = data["organization"]["children"]["edges"]
        assert sum(len(e["node"]["children"]["edges"]) for e in edges) in (4, 40)
        counts.append(len(statements))
    assert counts[0] == counts[1] > 0, counts
    assert counts[1] <= 10, counts


async def test_the_viewers_own_organisation_is_not_read_twice(api: Api) -> None:
    """It comes with the bearer token's row; another organisation is read by id."""
    tree = await build_tree()
    await admin(tree.county, "county")
    token = await api.login("county")
    query = "query($id:ID!){organization(id:$id){name}}"
    for asked, reads in ((tree.county, 0), (tree.committees[0], 1)):
        with count_statements() as statements:
            data = await api.data(query, {"id": gid(asked)}, token)
        assert data["organization"]["name"] == asked.name
        by_id = [s for s in statements if s.startswith("SELECT * FROM organization WHERE id")]
        assert len(by_id) == reads, statements


async def test_the_open_campaign_comes_with_the_bearer_token(api: Api) -> None:
    """Branches' states need the campaign open today: it was read with the token."""
    tree = await build_tree(committees=1, branches_per_committee=2)
    await admin(tree.committees[0], "committee")
    token = await api.login("committee")
    query = """query($id:ID!){organization(id:$id){children(first:10){edges{node{
      rectification{status campaign{name}}}}}}}"""
    for open_now in (False, True):
        if open_now:
            await campaign()
        with count_statements() as statements:
            data = await api.data(query, {"id": gid(tree.committees[0])}, token)
        shown = [e["node"]["rectification"] for e in data["organization"]["children"]["edges"]]
        if open_now:
            assert [r["status"] for r in shown] == ["NOT_SUBMITTED"] * 2
            assert {r["campaign"]["name"] for r in shown} == {"2026年团支部整理整顿"}
        else:
            assert shown == [None, None]  # no campaign has started
        alone = [s for s in statements if s.startswith("SELECT * FROM campaign")]
        assert alone == [], statements
