"""Superiors' views through HTTP: bottom selection, the subordinate list, progress."""

from __future__ import annotations

import asyncio

from models.organization import OrgType, Sector
from models.rectification import BranchState
from tests.api import Api, admin, build_tree, campaign, gid, org, ratings
from tests.test_rectification_flow import REVIEW, SUBMIT
from tests.test_tree_api import count_statements
from zhengdun.clock import china_datetime

SELECTION = """query($id:ID!){organization(id:$id){bottomSelection{totalBranches requiredCount
  keyCount selectedCount satisfied overdue ranking{branch{name} status latestPoorCount}}}}"""
SELECT = """mutation($o:ID!,$b:[ID!]!){selectBottomBranches(input:{organizationId:$o,branchIds:$b}){
  selection{selectedCount requiredCount satisfied} userErrors{code message field}}}"""
PROGRESS = """query($id:ID!){organization(id:$id){progress{rows{organization{name}
  totalBranches submittedBranches keyBranches rectifiedBranches selectedBranches overdueBranches
  overdueQuotaOrganizations bySector{sector totalBranches keyBranches}}}}}"""
LIST = """query($id:ID!,$scope:SubordinateScope,$st:[RectificationStatus!],$first:Int,$after:String){
  organization(id:$id){subordinateBranches(scope:$scope,statuses:$st,first:$first,after:$after){
  totalCount pageInfo{hasNextPage endCursor} edges{node{branch{name} status latestPoorCount
  selectedAsBottom canReview}}}}}"""


async def committee_with(api: Api, n: int):
    """A committee with ``n`` branches, their admins logged in, and its own admin."""
    tree = await build_tree(committees=1, branches_per_committee=0)
    committee = tree.committees[0]
    branches = [
        await org(committee, f"支部{i:02d}", OrgType.BRANCH, Sector.HIGH_SCHOOL) for i in range(n)
    ]
    await admin(committee, "sup")
    for i, b in enumerate(branches):
        await admin(b, f"b{i}")
    await campaign()
    return tree, committee, branches, await api.login("sup")


async def submit_and_review(api: Api, sup: str, branch, i: int, poor: int, decision: str) -> None:
    token = await api.login(f"b{i}")
    form = await api.data(SUBMIT, {"b": gid(branch), "r": ratings(poor=poor, fair=i)}, token)
    form_id = form["submitSelfCheck"]["selfCheck"]["id"]
    done = await api.data(REVIEW, {"s": form_id, "d": decision}, sup)
    assert done["reviewSelfCheck"]["userErrors"] == []


async def test_quota_of_fifteen_is_three_and_ticks_are_irreversible(api: Api) -> None:
    tree, committee, branches, sup = await committee_with(api, 15)
    for i, b in enumerate(branches[:5]):
        await submit_and_review(api, sup, b, i, poor=i, decision="PASS")
    view = (await api.data(SELECTION, {"id": gid(committee)}, sup))["organization"]
    sel = view["bottomSelection"]
    assert (sel["totalBranches"], sel["requiredCount"], sel["selectedCount"]) == (15, 3, 0)
    assert [r["branch"]["name"] for r in sel["ranking"]] == [
        "支部04",
        "支部03",
        "支部02",
        "支部01",
        "支部00",
    ]

    too_few = await api.data(
        SELECT, {"o": gid(committee), "b": [gid(branches[4]), gid(branches[3])]}, sup
    )
    assert [e["code"] for e in too_few["selectBottomBranches"]["userErrors"]] == ["QUOTA_NOT_MET"]
    unranked = await api.data(
        SELECT, {"o": gid(committee), "b": [gid(b) for b in branches[4:7]]}, sup
    )
    assert [e["code"] for e in unranked["selectBottomBranches"]["userErrors"]] == ["NOT_RANKABLE"]
    assert await BranchState.filter(selected_as_bottom=True).count() == 0

    ok = await api.data(SELECT, {"o": gid(committee), "b": [gid(b) for b in branches[2:5]]}, sup)
    assert ok["selectBottomBranches"] == {
        "selection": {"selectedCount": 3, "requiredCount": 3, "satisfied": True},
        "userErrors": [],
    }
    after = (await api.data(SELECTION, {"id": gid(committee)}, sup))["organization"][
        "bottomSelection"
    ]
    assert after["keyCount"] == 3
    assert {r["branch"]["name"]: r["status"] for r in after["ranking"]}[
        "支部04"
    ] == "KEY_RECTIFYING"
    # Later calls only add; ticking a ticked branch again changes nothing.
    more = await api.data(
        SELECT, {"o": gid(committee), "b": [gid(branches[4]), gid(branches[1])]}, sup
    )
    assert more["selectBottomBranches"]["selection"]["selectedCount"] == 4
    state = await BranchState.get(branch_id=branches[4].id)
    assert state.key_reason == "BOTTOM_SELECTION" and state.selected_by_name == "sup管理员"


async def test_selection_by_someone_else_is_forbidden(api: Api) -> None:
    tree, committee, branches, sup = await committee_with(api, 3)
    await submit_and_review(api, sup, branches[0], 0, poor=1, decision="PASS")
    await admin(tree.county, "county")
    county = await api.login("county")
    for token, org_id in (
        (county, gid(committee)),
        (county, gid(tree.county)),
        (await api.login("b1"), gid(committee)),
    ):
        codes = await api.error_codes(SELECT, {"o": org_id, "b": [gid(branches[0])]}, token)
        assert codes == ["FORBIDDEN"]
    # A branch that is not a direct subordinate of the named organisation.
    other = await org(tree.sibling_county, "别处支部", OrgType.BRANCH)
    codes = await api.error_codes(
        SELECT, {"o": gid(committee), "b": [gid(branches[0]), gid(other)]}, sup
    )
    assert codes == ["FORBIDDEN"]
    assert await BranchState.filter(selected_as_bottom=True).count() == 0


async def test_two_admins_confirming_at_once_never_leave_the_quota_unmet(api: Api) -> None:
    tree, committee, branches, sup = await committee_with(api, 10)
    await admin(committee, "sup2")
    sup2 = await api.login("sup2")
    for i, b in enumerate(branches[:4]):
        await submit_and_review(api, sup, b, i, poor=i + 1, decision="PASS")
    picks = ([gid(branches[0]), gid(branches[1])], [gid(branches[1]), gid(branches[2])])
    results = await asyncio.gather(
        *(
            api.data(SELECT, {"o": gid(committee), "b": p}, t)
            for p, t in zip(picks, (sup, sup2), strict=True)
        )
    )
    assert all(r["selectBottomBranches"]["userErrors"] == [] for r in results)
    assert await BranchState.filter(selected_as_bottom=True).count() == 3
    view = (await api.data(SELECTION, {"id": gid(committee)}, sup))["organization"][
        "bottomSelection"
    ]
    assert view["selectedCount"] == 3 and view["satisfied"]


async def test_subordinate_list_pages_by_path_with_totals(api: Api) -> None:
    tree, committee, branches, sup = await committee_with(api, 7)
    await submit_and_review(api, sup, branches[1], 1, poor=3, decision="PASS")
    await admin(tree.county, "county")
    county = await api.login("county")
    seen, after = [], None
    while True:
        page = await api.data(LIST, {"id": gid(tree.county), "first": 3, "after": after}, county)
        conn = page["organization"]["subordinateBranches"]
        assert conn["totalCount"] == 7
        seen += [
            (e["node"]["branch"]["name"], e["node"]["status"], e["node"]["canReview"])
            for e in conn["edges"]
        ]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert [name for name, _, _ in seen] == [f"支部{i:02d}" for i in range(7)]
    assert seen[1][1] == "PASSED" and all(not can for _, _, can in seen)
    direct = (
        await api.data(LIST, {"id": gid(committee), "scope": "DIRECT", "st": ["PASSED"]}, sup)
    )["organization"]["subordinateBranches"]
    assert direct["totalCount"] == 1
    assert [
        (e["node"]["branch"]["name"], e["node"]["latestPoorCount"], e["node"]["canReview"])
        for e in direct["edges"]
    ] == [("支部01", 3, True)]
    pending = await api.data(LIST, {"id": gid(tree.county), "st": ["NOT_SUBMITTED"]}, county)
    assert pending["organization"]["subordinateBranches"]["totalCount"] == 6
    assert len(pending["organization"]["subordinateBranches"]["edges"]) == 6
    none = await api.data(LIST, {"id": gid(tree.county), "scope": "DIRECT"}, county)
    assert none["organization"]["subordinateBranches"]["totalCount"] == 0


async def test_progress_rows_by_sector_and_overdue(api: Api, clock) -> None:
    tree, committee, branches, sup = await committee_with(api, 5)
    rural = await org(tree.county, "某镇团委", sector=Sector.RURAL)
    village = await org(rural, "某村团支部", OrgType.BRANCH, Sector.RURAL)
    await submit_and_review(api, sup, branches[0], 0, poor=12, decision="START_RECTIFICATION")
    await submit_and_review(api, sup, branches[1], 1, poor=0, decision="PASS")
    await admin(tree.province, "prov")
    prov = await api.login("prov")
    rows = (await api.data(PROGRESS, {"id": gid(tree.county)}, prov))["organization"]["progress"][
        "rows"
    ]
    by_name = {r["organization"]["name"]: r for r in rows}
    assert [r["organization"]["name"] for r in rows] == ["甲县团委", committee.name, "某镇团委"]
    county_row = by_name["甲县团委"]
    assert (
        county_row["totalBranches"],
        county_row["submittedBranches"],
        county_row["keyBranches"],
        county_row["overdueBranches"],
    ) == (6, 2, 1, 0)
    sectors = {s["sector"]: (s["totalBranches"], s["keyBranches"]) for s in county_row["bySector"]}
    assert len(sectors) == 16
    assert sectors["HIGH_SCHOOL"] == (5, 1) and sectors["RURAL"] == (1, 0)
    clock.set(china_datetime(2026, 12, 1))
    token = await api.login("prov")
    rows = (await api.data(PROGRESS, {"id": gid(tree.county)}, token))["organization"]["progress"][
        "rows"
    ]
    county_row = rows[0]
    assert county_row["overdueBranches"] == 4
    assert county_row["overdueQuotaOrganizations"] == 2  # the committee and the township
    del village


SHOWN = """status latestPoorCount isKey selectedAsBottom keyReason keySince selectedAt
  selectedByName latestSelfCheck { version poorCount }"""
ALONE = "query($id:ID!){organization(id:$id){name rectification{" + SHOWN + "}}}"


def listing(fields: str) -> str:
    page = "query($id:ID!){organization(id:$id){children(first:10){edges{node{name rectification{"
    return page + fields + "}}}}}}"


async def test_a_listed_branch_shows_what_it_shows_alone(api: Api) -> None:
    """A page of the tree reads the brief state columns of its branches; a field beyond
    them reads the whole shown state, for every branch of the level in one statement."""
    _, committee, branches, sup = await committee_with(api, 5)
    for i, b in enumerate(branches[1:], start=1):
        await submit_and_review(api, sup, b, i, poor=i, decision="PASS")
    done = await api.data(SELECT, {"o": gid(committee), "b": [gid(branches[4])]}, sup)
    assert done["selectBottomBranches"]["userErrors"] == []

    alone = {}
    for b in branches:
        data = (await api.data(ALONE, {"id": gid(b)}, sup))["organization"]
        alone[data["name"]] = data["rectification"]
    assert alone["支部00"]["status"] == "NOT_SUBMITTED" and alone["支部00"]["keySince"] is None
    assert alone["支部04"]["keyReason"] == "BOTTOM_SELECTION"
    assert alone["支部04"]["selectedByName"] == "sup管理员" and alone["支部04"]["selectedAt"]
    assert alone["支部04"]["keySince"] and alone["支部02"]["latestSelfCheck"]["poorCount"] == 2

    def state_reads(statements: list[str]) -> list[str]:
        return [s for s in statements if "FROM branch_state" in s]

    with count_statements() as statements:
        listed = await api.data(listing(SHOWN), {"id": gid(committee)}, sup)
    edges = listed["organization"]["children"]["edges"]
    assert {e["node"]["name"]: e["node"]["rectification"] for e in edges} == alone
    brief, whole = state_reads(statements)  # the page's brief states, then the details
    assert "key_since" not in brief and "key_since" in whole

    with count_statements() as statements:
        listed = await api.data(listing("status latestPoorCount"), {"id": gid(committee)}, sup)
    assert state_reads(statements) == []  # the worker keeps the brief states read above
    assert {
        e["node"]["name"]: e["node"]["rectification"]
        for e in listed["organization"]["children"]["edges"]
    } == {name: {k: r[k] for k in ("status", "latestPoorCount")} for name, r in alone.items()}
