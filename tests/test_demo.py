"""``zhengdun seed-demo``: the demo tree, its logins, its two campaigns (played through the
API), what the printed guide promises, and that a second run changes nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest

from models.account import Account
from models.campaign import Campaign
from models.organization import Organization, OrgType, Sector
from models.rectification import BranchState, SelfCheck
from models.workflow import KeyReason, RectificationStatus, bottom_quota
from schema.ids import encode_id
from tests.api import Api, admin, build_tree
from zhengdun.clock import CHINA, FixedClock, china_datetime
from zhengdun.config import Settings
from zhengdun.demo import DEMO_PASSWORD, Timeline, campaign_calendar, seed_demo

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
COUNT = "{totalCount}"
BY_STATUS = (
    "query($id: ID!, $c: ID) { organization(id: $id) { "
    + " ".join(
        f"{s.value}: subordinateBranches(campaignId: $c, statuses: [{s.value}], first: 1) {COUNT}"
        for s in RectificationStatus
    )
    + " } }"
)
KEY_PAGE = """query($id: ID!, $after: String) { organization(id: $id) {
  subordinateBranches(statuses: [KEY_RECTIFYING, KEY_PENDING_REVIEW, RECTIFIED], first: 100,
    after: $after) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { status isKey keyReason } } } } }"""
PROGRESS = """query($id: ID!) { organization(id: $id) { progress { rows {
  organization { id } totalBranches submittedBranches keyBranches rectifiedBranches
  selectedBranches overdueBranches overdueQuotaOrganizations
  bySector { sector totalBranches keyBranches } } } } }"""
UNIT = """query($id: ID!) { organization(id: $id) {
  bottomSelection { totalBranches requiredCount selectedCount satisfied }
  pending: subordinateBranches(scope: DIRECT, statuses: [PENDING_REVIEW, KEY_PENDING_REVIEW])
    { totalCount edges { node { canReview } } }
  keyRectificationList { rectification { status keyReason } initialPoorCount currentPoorCount
    monthly { month count } } } }"""
INBOX = """{ me { unreadCount notifications(first: 50) { kind readAt } organization {
  rectification { status selfChecks { review { decision comment } } } } } }"""
CAMPAIGNS = "{ campaigns { id year status } currentCampaign { year endsOn } }"
SPOT_CHECKS = (
    "query($id: ID!) { organization(id: $id) { spotChecks { seed branches { status } } } }"
)


def gid(org: Organization) -> str:
    return encode_id("Organization", org.id)


async def org_of(username: str) -> Organization:
    return (await Account.get(username=username).prefetch_related("organization")).organization


async def _counts() -> tuple[int, int]:
    return await Organization.all().count(), await Account.all().count()


async def seed_at(clock: FixedClock, settings: Settings, *args: int) -> str:
    """Seeds the demo played up to the given Beijing moment, which the API sees as now."""
    clock.set(china_datetime(*args))
    return await seed_demo(False, settings=settings, now=clock.now())


async def test_seed_demo_creates_the_documented_tree_logins_and_campaigns(
    api: Api, clock: FixedClock, settings: Settings
) -> None:
    text = await seed_at(clock, settings, 2026, 12, 10, 15)
    for username in ("root", "zj", "zj-hz", "zj-hz-xh", "zj-hz-xh-c01", "zj-hz-xh-c01-b01"):
        assert username in text
    assert DEMO_PASSWORD in text
    await check_tree(api)
    root_token = await api.login("root", DEMO_PASSWORD)
    campaigns = await check_campaigns(api, root_token, text)
    await check_statuses_and_reasons(api, root_token, campaigns, text)
    await check_progress(api, root_token, campaigns["current"])
    await check_showcase(api, clock)
    await check_timestamps(campaigns["current"], clock)

    before = await _counts()
    note = await seed_demo(True)
    assert "\n" not in note
    assert await _counts() == before


async def check_tree(api: Api) -> None:
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
        data = await api.data(SUBTREE, {"id": gid(county), "after": after}, token)
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
        {"id": gid(province)},
        token,
    )
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]


async def check_campaigns(api: Api, token: str, text: str) -> dict[str, Campaign]:
    """Last year's campaign closed, this year's open today; carried over from one to the
    other through closeCampaign and createCampaign."""
    data = await api.data(CAMPAIGNS, token=token)
    assert [(c["year"], c["status"]) for c in data["campaigns"]] == [
        (2026, "OPEN"),
        (2025, "CLOSED"),
    ]
    assert data["currentCampaign"] == {"year": 2026, "endsOn": "2026-12-31"}
    current, previous = await Campaign.get(year=2026), await Campaign.get(year=2025)
    assert previous.closed_at is not None and current.closed_at is None
    assert previous.created_by_name == current.created_by_name
    assert current.created_at < china_datetime(2026, 9, 1, 0)

    carried = await BranchState.filter(
        campaign_id=previous.id, status=RectificationStatus.CARRIED_OVER
    ).values_list("branch_id", flat=True)
    assert carried
    started = await BranchState.filter(
        campaign_id=current.id, key_reason=KeyReason.CARRIED_OVER
    ).values_list("branch_id", flat=True)
    assert sorted(started) == sorted(carried)
    assert f"{len(carried)} 个列入下一年 carried over" in text
    return {"current": current, "previous": previous}


async def check_statuses_and_reasons(
    api: Api, token: str, campaigns: dict[str, Campaign], text: str
) -> None:
    root = await org_of("root")
    now = await api.data(BY_STATUS, {"id": gid(root), "c": None}, token)
    counts = {status: page["totalCount"] for status, page in now["organization"].items()}
    assert sum(counts.values()) == root.branch_count
    assert counts.pop("CARRIED_OVER") == 0
    assert all(counts.values()), counts  # every other status appears this year
    for status, n in counts.items():
        assert f"{status} {n}" in text  # and the guide says how many
    previous_id = encode_id("Campaign", campaigns["previous"].id)
    last = await api.data(BY_STATUS, {"id": gid(root), "c": previous_id}, token)
    assert last["organization"]["CARRIED_OVER"]["totalCount"] > 0
    assert last["organization"]["RECTIFIED"]["totalCount"] > 0

    rows: list[dict[str, Any]] = []
    after = None
    while True:
        page = (await api.data(KEY_PAGE, {"id": gid(root), "after": after}, token))["organization"][
            "subordinateBranches"
        ]
        rows += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(rows) == page["totalCount"]
    assert all(row["isKey"] for row in rows)
    # Every key reason, and each of them with a branch still rectifying.
    reasons = {row["keyReason"] for row in rows}
    rectifying = {row["keyReason"] for row in rows if row["status"] == "KEY_RECTIFYING"}
    assert reasons == rectifying == {r.value for r in KeyReason}


async def check_progress(api: Api, token: str, campaign: Campaign) -> None:
    """The root's progress rows agree with a count over every branch_state row."""
    root = await org_of("root")
    rows = (await api.data(PROGRESS, {"id": gid(root)}, token))["organization"]["progress"]["rows"]
    provinces = await Organization.filter(parent_id=root.id).order_by("path")
    assert [row["organization"]["id"] for row in rows] == [gid(root)] + [gid(p) for p in provinces]
    states = await BranchState.filter(campaign_id=campaign.id)
    branches = await Organization.filter(type=OrgType.BRANCH)
    for row, scope in zip(rows, [root, *provinces], strict=True):
        mine = [s for s in states if s.branch_path.startswith(scope.path)]
        below = [b for b in branches if b.path.startswith(scope.path)]
        submitted = sum(1 for s in mine if s.latest_self_check_id is not None)
        assert row["totalBranches"] == len(below) > 0
        assert row["submittedBranches"] == submitted
        assert row["keyBranches"] == sum(1 for s in mine if s.is_key) > 0
        assert row["rectifiedBranches"] == sum(
            1 for s in mine if s.status == RectificationStatus.RECTIFIED
        )
        assert row["selectedBranches"] == sum(1 for s in mine if s.selected_as_bottom) > 0
        # 10 December: past the self-check deadline (31 Oct) and the review deadline (30 Nov).
        assert row["overdueBranches"] == len(below) - submitted
        assert row["overdueQuotaOrganizations"] == await unmet_quotas(scope, campaign)
        total = Counter(b.sector.value for b in below)
        key = Counter(s.sector.value for s in mine if s.is_key)
        assert {r["sector"]: r["totalBranches"] for r in row["bySector"] if r["totalBranches"]} == (
            dict(total)
        )
        assert {r["sector"]: r["keyBranches"] for r in row["bySector"] if r["keyBranches"]} == (
            dict(key)
        )


async def unmet_quotas(scope: Organization, campaign: Campaign) -> int:
    """Organisations in the subtree whose ticked branches fall short of the quota."""
    ticked = set(
        await BranchState.filter(campaign_id=campaign.id, selected_as_bottom=True).values_list(
            "branch_id", flat=True
        )
    )
    children: dict[int, list[int]] = {}
    for branch in await Organization.filter(type=OrgType.BRANCH, path__startswith=scope.path):
        assert branch.parent_id is not None
        children.setdefault(branch.parent_id, []).append(branch.id)
    return sum(
        1
        for ids in children.values()
        if sum(1 for i in ids if i in ticked) < bottom_quota(len(ids), campaign.bottom_ratio)
    )


async def check_showcase(api: Api, clock: FixedClock) -> None:
    """What the printed guide says each login shows."""
    pending_unit = await api.data(
        UNIT,
        {"id": gid(await org_of("zj-hz-xh-c01"))},
        await api.login("zj-hz-xh-c01", DEMO_PASSWORD),
    )
    selection = pending_unit["organization"]["bottomSelection"]
    assert selection["satisfied"] is False and selection["selectedCount"] == 0
    assert selection["requiredCount"] >= 1
    pending = pending_unit["organization"]["pending"]
    assert pending["totalCount"] >= 2
    assert all(edge["node"]["canReview"] for edge in pending["edges"])

    ticked_unit = await api.data(
        UNIT,
        {"id": gid(await org_of("zj-hz-xh-c03"))},
        await api.login("zj-hz-xh-c03", DEMO_PASSWORD),
    )
    selection = ticked_unit["organization"]["bottomSelection"]
    assert selection["satisfied"] is True and selection["selectedCount"] >= 2
    key_list = ticked_unit["organization"]["keyRectificationList"]
    assert {row["rectification"]["status"] for row in key_list} >= {"RECTIFIED", "KEY_RECTIFYING"}
    assert any(month["count"] > 0 for row in key_list for month in row["monthly"])
    assert [m["month"] for m in key_list[0]["monthly"]] == [
        "2026-09",
        "2026-10",
        "2026-11",
        "2026-12",
    ]
    # Improvements were counted in more than one month.
    months_with_counts = {m["month"] for row in key_list for m in row["monthly"] if m["count"]}
    assert len(months_with_counts) >= 2
    rectified = next(r for r in key_list if r["rectification"]["status"] == "RECTIFIED")
    assert rectified["initialPoorCount"] >= 10 > rectified["currentPoorCount"]

    carried_unit = await api.data(
        UNIT,
        {"id": gid(await org_of("zj-hz-xh-c02"))},
        await api.login("zj-hz-xh-c02", DEMO_PASSWORD),
    )
    reasons = {
        r["rectification"]["keyReason"]
        for r in carried_unit["organization"]["keyRectificationList"]
    }
    assert {"CARRIED_OVER", "POOR_THRESHOLD", "REVIEW_DECISION"} <= reasons

    inbox = (await api.data(INBOX, token=await api.login("zj-hz-xh-c01-b01", DEMO_PASSWORD)))["me"]
    assert inbox["unreadCount"] > 0
    assert "SELF_CHECK_REJECTED" in [n["kind"] for n in inbox["notifications"] if not n["readAt"]]
    state = inbox["organization"]["rectification"]
    assert state["status"] == "REJECTED"
    assert state["selfChecks"][0]["review"]["comment"]  # the reason

    # Branches that resubmitted read their notices first: some notices are read.
    rectifying = await api.data(INBOX, token=await api.login("zj-hz-xh-c03-b01", DEMO_PASSWORD))
    assert any(n["readAt"] for n in rectifying["me"]["notifications"])

    county = await org_of("zj-hz-xh")
    drawn = await api.data(
        SPOT_CHECKS, {"id": gid(county)}, await api.login("zj-hz-xh", DEMO_PASSWORD)
    )
    assert drawn["organization"]["spotChecks"][0]["branches"]


async def check_timestamps(campaign: Campaign, clock: FixedClock) -> None:
    """Forms were filed from September up to now, in office hours, every month."""
    moments = await SelfCheck.filter(campaign_id=campaign.id).values_list("submitted_at", flat=True)
    local = [m.astimezone(CHINA) for m in moments]
    assert min(local).date() >= date(2026, 9, 1)
    assert max(local) <= clock.now()
    assert {m.month for m in local} == {9, 10, 11, 12}
    assert all(9 <= m.hour < 18 for m in local)


@pytest.mark.parametrize(
    ("today", "year", "ends_on"),
    [
        (date(2026, 9, 1), 2026, date(2026, 12, 31)),
        (date(2026, 12, 31), 2026, date(2026, 12, 31)),
        (date(2027, 1, 1), 2026, date(2027, 3, 2)),
        (date(2027, 7, 15), 2026, date(2027, 8, 31)),  # never into next year's campaign
        (date(2027, 8, 31), 2026, date(2027, 8, 31)),
    ],
)
def test_the_demo_campaign_covers_today(today: date, year: int, ends_on: date) -> None:
    assert campaign_calendar(today) == (year, ends_on)


def test_the_timeline_keeps_office_hours_and_order() -> None:
    start, end = china_datetime(2026, 9, 1, 8), china_datetime(2026, 11, 26, 10)
    timeline = Timeline(start, end)
    moments = [timeline.at(i / 1000) for i in range(1001)]
    assert moments == sorted(moments)
    assert all(start <= m <= end for m in moments)
    assert all(9 <= m.astimezone(CHINA).hour < 18 for m in moments[:-1])
    # Across the new year (a campaign kept open into February), and just after midnight on
    # 1 September (everything within those minutes).
    winter = Timeline(china_datetime(2026, 9, 1, 8), china_datetime(2027, 2, 10, 11))
    months = {winter.at(i / 100).astimezone(CHINA).strftime("%Y-%m") for i in range(101)}
    assert months == {"2026-09", "2026-10", "2026-11", "2026-12", "2027-01", "2027-02"}
    early = Timeline(
        china_datetime(2026, 9, 1, 0), china_datetime(2026, 9, 1, 0) + timedelta(minutes=5)
    )
    assert all(early.start <= early.at(i / 10) <= early.end for i in range(11))


async def test_the_api_accepts_the_campaign_the_demo_makes_after_the_year_end(
    api: Api, clock: FixedClock
) -> None:
    """Seeded in February, the demo keeps last year's campaign open into the new year: the
    API must accept those dates (the rest of the plan does not depend on the date)."""
    tree = await build_tree(committees=1, branches_per_committee=1)
    await admin(tree.root, "root")
    clock.set(china_datetime(2027, 2, 10, 11))
    token = await api.login("root")
    year, ends_on = campaign_calendar(clock.today())
    assert (year, ends_on) == (2026, date(2027, 4, 11))
    created = await api.data(
        "mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { userErrors { code } } }",
        {
            "i": {
                "year": year,
                "name": "演示",
                "startsOn": f"{year}-09-01",
                "selfCheckDeadline": f"{year}-10-31",
                "reviewDeadline": f"{year}-11-30",
                "endsOn": ends_on.isoformat(),
            }
        },
        token,
    )
    assert created["createCampaign"]["userErrors"] == []
    data = await api.data(CAMPAIGNS, token=token)
    assert data["currentCampaign"] == {"year": 2026, "endsOn": "2027-04-11"}
