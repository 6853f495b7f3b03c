"""The views at two sizes: exact monthly counts, paging without gaps, spot checks in the
subtree, and statement counts that do not grow with the subtree."""

from __future__ import annotations

from models.organization import OrgType, Sector
from tests.api import Api, admin, build_tree, campaign, gid, org, ratings, token_for
from tests.test_key_list import CODES, decide, file, key_list, monthly
from tests.test_key_list import settings as settings  # noqa: F401  (long-lived sessions)
from tests.test_rectification_flow import SUBMIT
from tests.test_tree_api import count_statements
from zhengdun.clock import china_datetime


async def test_monthly_counts_twelve_four_one(api: Api, clock) -> None:
    tree = await build_tree(committees=1, branches_per_committee=1)
    branch, committee = tree.branches[0], tree.committees[0]
    b = await token_for(await admin(branch, "b"))
    s = await token_for(await admin(committee, "s"))
    await campaign()
    clock.set(china_datetime(2026, 9, 5))
    await file(api, b, branch, CODES[:3])  # 3 POOR before it is key: not counted
    clock.set(china_datetime(2026, 9, 10))
    first = await file(api, b, branch, CODES[:12])  # 12 POOR
    await decide(api, s, first, "START_RECTIFICATION")
    clock.set(china_datetime(2026, 10, 20))
    await file(api, b, branch, CODES[:4])  # 4 POOR: 8 rectified in October
    clock.set(china_datetime(2026, 11, 20))
    await file(api, b, branch, CODES[:1])  # 1 POOR: 3 rectified in November
    [row] = await key_list(api, s, committee)
    assert monthly(row)[:3] == [0, 8, 3]
    assert (row["initialPoorCount"], row["currentPoorCount"]) == (12, 1)


async def _grow(parent, committees: int, branches: int, tag: str) -> list:
    made = []
    for c in range(committees):
        committee = await org(parent, f"{tag}委{c:02d}", sector=Sector.UNIVERSITY)
        for i in range(branches):
            made.append(
                await org(committee, f"{tag}支{c:02d}-{i:02d}", OrgType.BRANCH, Sector.UNIVERSITY)
            )
    return made


async def test_paging_all_under_the_root_visits_every_branch_once(api: Api) -> None:
    tree = await build_tree(committees=3, branches_per_committee=4)
    more = await _grow(tree.other_province, 2, 5, "乙")
    await campaign()
    token = await token_for(await admin(tree.root, "root"))
    query = """query($id:ID!,$after:String){organization(id:$id){subordinateBranches(first:4,after:$after){
      totalCount pageInfo{hasNextPage endCursor} edges{node{branch{id}}}}}}"""
    seen, after = [], None
    while True:
        conn = (await api.data(query, {"id": gid(tree.root), "after": after}, token))[
            "organization"
        ]["subordinateBranches"]
        assert conn["totalCount"] == 22
        seen += [e["node"]["branch"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(gid(b) for b in [*tree.branches, *more])
    assert len(seen) == len(set(seen)) == 22


async def test_spot_checks_stay_in_the_subtree(api: Api) -> None:
    tree = await build_tree(committees=2, branches_per_committee=3)
    await _grow(tree.sibling_county, 2, 3, "邻")
    await campaign()
    token = await token_for(await admin(tree.county, "county"))
    draw = """mutation($o:ID!){drawSpotCheck(input:{organizationId:$o,ratio:1,seed:7}){
      spotCheck{eligibleCount branches{branch{id}}} userErrors{code}}}"""
    data = (await api.data(draw, {"o": gid(tree.county)}, token))["drawSpotCheck"]
    assert data["spotCheck"]["eligibleCount"] == 6
    assert sorted(b["branch"]["id"] for b in data["spotCheck"]["branches"]) == sorted(
        gid(b) for b in tree.branches
    )


VIEWS = """query($id:ID!){organization(id:$id){
  progress{rows{organization{name} totalBranches submittedBranches keyBranches bySector{sector keyBranches}}}
  bottomSelection{totalBranches requiredCount selectedCount ranking{branch{name} status}}
  subordinateBranches(first:50){totalCount edges{node{branch{name} status latestPoorCount canReview}}}}}"""


async def test_view_statements_do_not_grow_with_the_subtree(api: Api) -> None:
    tree = await build_tree(committees=0)
    small, large = tree.county, tree.sibling_county
    counts = []
    await campaign()
    for county, (committees, branches) in ((small, (2, 3)), (large, (20, 6))):
        made = await _grow(county, committees, branches, county.name)
        direct = [await org(county, f"{county.name}直属{i}", OrgType.BRANCH) for i in range(3)]
        for branch in [*made[:4], *direct]:
            token = await token_for(await admin(branch, f"a{branch.id}"))
            await api.data(SUBMIT, {"b": gid(branch), "r": ratings(poor=2)}, token)
        viewer = await token_for(await admin(county, f"v{county.id}"))
        with count_statements() as statements:
            data = await api.data(VIEWS, {"id": gid(county)}, viewer)
        assert len(data["organization"]["progress"]["rows"]) == committees + 3 + 1
        counts.append(len(statements))
    assert counts[0] == counts[1] > 0, counts
