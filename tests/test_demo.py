"""``zhengdun seed-demo``: the demo tree, its logins, and that a second run changes nothing."""

from __future__ import annotations

from models.account import Account
from models.organization import Organization, OrgType, Sector
from schema.ids import encode_id
from tests.api import Api
from zhengdun.demo import DEMO_PASSWORD, seed_demo

SUBTREE = """
query($id: ID!, $after: String) {
  organization(id: $id) {
    name branchCount
    children(first: 5, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { name type branchCount children(first: 10) { totalCount } } }
    }
  }
}
"""


async def _counts() -> tuple[int, int]:
    return await Organization.all().count(), await Account.all().count()


async def test_seed_demo_creates_the_documented_tree_and_logins(api: Api) -> None:
    text = await seed_demo(False)
    for username in ("root", "zj", "zj-hz", "zj-hz-xh", "zj-hz-xh-c01", "zj-hz-xh-c01-b01"):
        assert username in text
    assert DEMO_PASSWORD in text

    branches = await Organization.filter(type=OrgType.BRANCH).count()
    assert 280 <= branches <= 320
    sectors = (
        await Organization.filter(type=OrgType.BRANCH).distinct().values_list("sector", flat=True)
    )
    assert set(sectors) == set(Sector)
    orgs, accounts = await _counts()
    assert accounts == orgs  # one admin per organisation

    root_token = await api.login("root", DEMO_PASSWORD)
    me = await api.data("{ me { organization { name branchCount } } }", token=root_token)
    assert me["me"]["organization"] == {"name": "团中央", "branchCount": branches}

    county = await Organization.get(name="西湖区团委")
    below = await Organization.filter(path__startswith=county.path, type=OrgType.BRANCH).count()
    token = await api.login("zj-hz-xh", DEMO_PASSWORD)
    me = await api.data("{ me { organization { name } } }", token=token)
    assert me["me"]["organization"]["name"] == "西湖区团委"

    names, after, counted = [], None, 0
    while True:
        data = await api.data(
            SUBTREE, {"id": encode_id("Organization", county.id), "after": after}, token
        )
        org = data["organization"]
        assert org["branchCount"] == below
        page = org["children"]
        assert page["totalCount"] == 8
        for edge in page["edges"]:
            node = edge["node"]
            names.append(node["name"])
            assert node["type"] != "BRANCH"
            assert node["children"]["totalCount"] == node["branchCount"] > 0
            counted += node["branchCount"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(names) == 8 and len(set(names)) == 8
    assert counted == below

    # A county admin sees its subtree, not the province's.
    province = await Organization.get(name="浙江省团委")
    refused = await api.post(
        "query($id: ID!) { organization(id: $id) { branchCount } }",
        {"id": encode_id("Organization", province.id)},
        token,
    )
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]

    before = await _counts()
    note = await seed_demo(True)
    assert "\n" not in note
    assert await _counts() == before
