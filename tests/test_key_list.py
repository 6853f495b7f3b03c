"""重点整顿团支部列表 through HTTP: who is listed, the POOR counts, and the monthly counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models.campaign import Campaign
from models.organization import Organization, OrgType
from models.rectification import BranchState
from models.workflow import KeyReason, RectificationStatus
from schema.ids import encode_id
from tests.api import Api, admin, build_tree, campaign, gid, item_codes, org, ratings
from tests.test_rectification_flow import ASSESS, review, submit
from tests.test_tree_api import count_statements
from zhengdun.clock import FixedClock, china_datetime
from zhengdun.config import Settings

LIST = """query($id:ID!,$c:ID){organization(id:$id){keyRectificationList(campaignId:$c){
  rectification{branch{name} status isKey keyReason}
  initialPoorCount currentPoorCount monthly{month count}}}}"""
MONTHS = ["2026-09", "2026-10", "2026-11", "2026-12"]
CODES = item_codes()


@pytest.fixture
def settings(migrated: str) -> Settings:
    """Sessions that outlive the months the clock crosses here."""
    return Settings(database_url=migrated, token_ttl=timedelta(days=800))


async def key_list(api: Api, token: str, organization: Organization, campaign_id=None) -> list:
    data = await api.data(LIST, {"id": gid(organization), "c": campaign_id}, token)
    return data["organization"]["keyRectificationList"]


def monthly(row: dict) -> list[int]:
    return [m["count"] for m in row["monthly"]]


def names(rows: list[dict]) -> list[str]:
    return [r["rectification"]["branch"]["name"] for r in rows]


async def file(api: Api, token: str, branch: Organization, poor: list[str], fair: int = 0) -> str:
    """Submits a form with exactly ``poor`` POOR (then ``fair`` FAIR); returns its id."""
    payload = await submit(api, token, branch, poor_items=poor, fair=fair)
    assert payload["userErrors"] == [], payload
    return payload["selfCheck"]["id"]


async def decide(api: Api, token: str, form_id: str, decision: str, comment=None) -> None:
    payload = await review(api, token, form_id, decision, comment)
    assert payload["userErrors"] == [], payload


async def assess(api: Api, token: str, branch: Organization, poor: int) -> None:
    data = await api.data(ASSESS, {"b": gid(branch), "r": ratings(poor=poor)}, token)
    assert data["assessBranch"]["userErrors"] == [], data


async def test_worked_example_september_to_december(api: Api, clock: FixedClock) -> None:
    tree = await build_tree()
    await campaign()
    branch, committee = tree.branches[0], tree.committees[0]
    await admin(branch, "branch")
    await admin(committee, "superior")
    b, s = await api.login("branch"), await api.login("superior")

    # September: 12 POOR, the superior starts key rectification. The baseline month
    # itself counts nothing (its only form is the baseline).
    clock.set(china_datetime(2026, 9, 10))
    first = await file(api, b, branch, CODES[:12])
    await decide(api, s, first, "START_RECTIFICATION", "限期整改")
    [row] = await key_list(api, s, committee)
    assert row["rectification"] == {
        "branch": {"name": branch.name},
        "status": "KEY_RECTIFYING",
        "isKey": True,
        "keyReason": "POOR_THRESHOLD",
    }
    assert (row["initialPoorCount"], row["currentPoorCount"]) == (12, 12)
    assert row["monthly"] == [{"month": m, "count": 0} for m in MONTHS]

    # October: two forms; the month's last one counts. Items 8-12 are no longer POOR
    # (item 8 only FAIR: it counts). Item 21 went POOR and back within October: not
    # counted, and never makes a count negative.
    clock.set(china_datetime(2026, 10, 8))
    second = await file(api, b, branch, [*CODES[:8], CODES[20]])
    await decide(api, s, second, "CONTINUE_RECTIFICATION", "仍需整改")
    clock.set(china_datetime(2026, 10, 25))
    third = await file(api, b, branch, CODES[:7], fair=1)
    await decide(api, s, third, "CONTINUE_RECTIFICATION", "仍需整改")
    [row] = await key_list(api, s, committee)
    assert (row["initialPoorCount"], row["currentPoorCount"]) == (12, 7)
    assert monthly(row) == [0, 5, 0, 0]

    # 1 November 01:00 in Beijing is still 31 October in UTC: the form counts in
    # November, from October's last form (7 POOR) to 3 POOR, one of them new.
    clock.set(china_datetime(2026, 11, 1, hour=1))
    fourth = await file(api, b, branch, [*CODES[:2], CODES[25]])
    await decide(api, s, fourth, "CONTINUE_RECTIFICATION", "仍需整改")
    [row] = await key_list(api, s, committee)
    assert (row["initialPoorCount"], row["currentPoorCount"]) == (12, 3)
    assert monthly(row) == [0, 5, 5, 0]

    # December without a form counts 0; a new form shows in the very next read, before
    # it is even reviewed; passing it leaves the branch listed.
    clock.set(china_datetime(2026, 12, 5))
    [row] = await key_list(api, s, committee)
    assert monthly(row) == [0, 5, 5, 0]
    clock.set(china_datetime(2026, 12, 10))
    last = await file(api, b, branch, [], fair=2)
    [row] = await key_list(api, s, committee)
    assert row["rectification"]["status"] == "KEY_PENDING_REVIEW"
    assert (row["currentPoorCount"], monthly(row)) == (0, [0, 5, 5, 3])
    await decide(api, s, last, "PASS")
    [row] = await key_list(api, s, committee)
    assert row["rectification"]["status"] == "RECTIFIED"
    assert row["rectification"]["isKey"] is True
    assert (row["initialPoorCount"], row["currentPoorCount"]) == (12, 0)
    assert row["monthly"] == [
        {"month": "2026-09", "count": 0},
        {"month": "2026-10", "count": 5},
        {"month": "2026-11", "count": 5},
        {"month": "2026-12", "count": 3},
    ]


async def test_key_in_mid_october_improvements_before_do_not_count(
    api: Api, clock: FixedClock
) -> None:
    tree = await build_tree()
    await campaign()
    branch, committee = tree.branches[1], tree.committees[0]
    await admin(branch, "branch")
    await admin(committee, "superior")
    b, s = await api.login("branch"), await api.login("superior")

    clock.set(china_datetime(2026, 9, 12))
    rejected = await file(api, b, branch, CODES[:6])
    await decide(api, s, rejected, "REJECT", "自检结果失实")
    clock.set(china_datetime(2026, 10, 3))
    accepted = await file(api, b, branch, CODES[:4])  # 6 → 4 before it is key
    assert await key_list(api, s, committee) == []
    clock.set(china_datetime(2026, 10, 15))
    await decide(api, s, accepted, "START_RECTIFICATION", "上级决定整顿")

    [row] = await key_list(api, s, committee)
    assert row["rectification"]["keyReason"] == "REVIEW_DECISION"
    assert (row["initialPoorCount"], row["currentPoorCount"]) == (4, 4)
    assert monthly(row) == [0, 0, 0, 0]

    clock.set(china_datetime(2026, 10, 20))
    await file(api, b, branch, CODES[:3])
    clock.set(china_datetime(2026, 11, 3))
    await file(api, b, branch, CODES[:1])  # supersedes the pending one
    [row] = await key_list(api, s, committee)
    assert (row["initialPoorCount"], row["currentPoorCount"]) == (4, 1)
    assert monthly(row) == [0, 1, 2, 0]


async def test_only_direct_key_branches_in_path_order(api: Api, clock: FixedClock) -> None:
    tree = await build_tree()
    await campaign()
    committee, other = tree.committees
    first, passed, assessed = tree.branches[:3]
    direct = await org(tree.county, "县直机关团支部", OrgType.BRANCH)
    for account, where in (
        ("superior", committee),
        ("other", other),
        ("county", tree.county),
        ("root", tree.root),
        ("first", first),
        ("passed", passed),
    ):
        await admin(where, account)
    s, o, c, r = [await api.login(n) for n in ("superior", "other", "county", "root")]
    f, p = await api.login("first"), await api.login("passed")

    await assess(api, s, assessed, 11)  # key first, but listed after `first` (path order)
    clock.set(china_datetime(2026, 9, 20))
    form = await file(api, f, first, CODES[:2])
    await decide(api, s, form, "START_RECTIFICATION", "上级决定整顿")
    form = await file(api, p, passed, CODES[:2])
    await decide(api, s, form, "PASS")
    await assess(api, o, tree.branches[3], 12)  # key, but below the other committee
    await assess(api, c, direct, 10)

    rows = await key_list(api, s, committee)
    assert names(rows) == [first.name, assessed.name]
    assert [(x["initialPoorCount"], x["rectification"]["keyReason"]) for x in rows] == [
        (2, "REVIEW_DECISION"),
        (11, "POOR_THRESHOLD"),
    ]
    assert names(await key_list(api, r, committee)) == [first.name, assessed.name]
    assert names(await key_list(api, o, other)) == [tree.branches[3].name]
    # The county sees its own direct branch only, never the branches of its committees.
    assert names(await key_list(api, c, tree.county)) == [direct.name]
    assert await key_list(api, f, first) == []  # a branch has no subordinate branches


async def test_campaign_argument(api: Api, clock: FixedClock) -> None:
    tree = await build_tree()
    made = await campaign()
    committee = tree.committees[0]
    await admin(committee, "superior")
    s = await api.login("superior")
    await assess(api, s, tree.branches[0], 10)

    clock.set(china_datetime(2027, 1, 15))  # after the campaign: no current one
    assert await key_list(api, s, committee) == []
    [row] = await key_list(api, s, committee, encode_id("Campaign", made.id))
    assert monthly(row) == [0, 0, 0, 0]
    missing = encode_id("Campaign", made.id + 100)
    variables = {"id": gid(committee), "c": missing}
    assert await api.error_codes(LIST, variables, s) == ["NOT_FOUND"]
    variables["c"] = gid(committee)
    assert await api.error_codes(LIST, variables, s) == ["INVALID_INPUT"]


async def _starts_carried_over(branch: Organization, later: Campaign, baseline_id=None) -> None:
    """The row a carried-over branch starts ``later`` with (as ``createCampaign`` makes it):
    key since the campaign was set up, its baseline its last form of the year before."""
    await BranchState.create(
        campaign_id=later.id,
        branch_id=branch.id,
        branch_path=branch.path,
        sector=branch.sector,
        status=RectificationStatus.KEY_RECTIFYING,
        is_key=True,
        key_reason=KeyReason.CARRIED_OVER,
        key_since=china_datetime(2027, 8, 20),
        baseline_self_check_id=baseline_id,
        updated_at=china_datetime(2027, 8, 20),
    )


async def _carry_over(branch: Organization, earlier: Campaign, later: Campaign) -> None:
    """What closing ``earlier`` does to an unfinished key branch, then its start in ``later``."""
    earlier.closed_at = china_datetime(2026, 12, 31, hour=20)
    await earlier.save()
    row = await BranchState.get(campaign_id=earlier.id, branch_id=branch.id)
    row.status = RectificationStatus.CARRIED_OVER
    await row.save()
    await _starts_carried_over(branch, later, row.latest_self_check_id)


async def test_carried_over_branch_starts_from_its_last_form(api: Api, clock: FixedClock) -> None:
    tree = await build_tree()
    earlier = await campaign()
    branch, committee = tree.branches[0], tree.committees[0]
    await admin(branch, "branch")
    await admin(committee, "superior")
    b, s = await api.login("branch"), await api.login("superior")
    clock.set(china_datetime(2026, 9, 10))
    form = await file(api, b, branch, CODES[:12])
    await decide(api, s, form, "START_RECTIFICATION", "限期整改")
    clock.set(china_datetime(2026, 11, 10))
    await file(api, b, branch, CODES[:8])  # never reviewed: carried over
    later = await campaign(2027)
    await _carry_over(branch, earlier, later)

    # The previous campaign still lists it, as carried over.
    clock.set(china_datetime(2027, 9, 10))
    [row] = await key_list(api, s, committee, encode_id("Campaign", earlier.id))
    assert row["rectification"]["status"] == "CARRIED_OVER"
    assert (row["initialPoorCount"], row["currentPoorCount"]) == (12, 8)
    assert monthly(row) == [0, 0, 4, 0]

    # This campaign starts from its last form of last year (8 POOR).
    [row] = await key_list(api, s, committee)
    assert row["rectification"]["keyReason"] == "CARRIED_OVER"
    assert (row["initialPoorCount"], row["currentPoorCount"]) == (8, 8)
    assert [m["month"] for m in row["monthly"]] == ["2027-09", "2027-10", "2027-11", "2027-12"]
    assert monthly(row) == [0, 0, 0, 0]
    await file(api, b, branch, CODES[:5])
    [row] = await key_list(api, s, committee)
    assert (row["initialPoorCount"], row["currentPoorCount"]) == (8, 5)
    assert monthly(row) == [3, 0, 0, 0]


async def test_carried_over_without_any_form_counts_from_zero(api: Api, clock: FixedClock) -> None:
    tree = await build_tree()
    branch, committee = tree.branches[0], tree.committees[0]
    later = await campaign(2027)
    await _starts_carried_over(branch, later)  # it had no form the year before either
    await admin(branch, "branch")
    await admin(committee, "superior")
    b, s = await api.login("branch"), await api.login("superior")
    clock.set(china_datetime(2027, 9, 10))
    [row] = await key_list(api, s, committee)
    assert (row["initialPoorCount"], row["currentPoorCount"], monthly(row)) == (0, 0, [0] * 4)
    await file(api, b, branch, CODES[:2])
    [row] = await key_list(api, s, committee)
    assert (row["initialPoorCount"], row["currentPoorCount"], monthly(row)) == (0, 2, [0] * 4)


NESTED = """query($id:ID!){organization(id:$id){keyRectificationList{
  rectification{branch{name} campaign{year} status latestSelfCheck{poorCount}
    selfChecks{version poorCount}}
  initialPoorCount currentPoorCount monthly{month count}}}}"""


async def test_statement_count_does_not_grow_with_the_rows(api: Api, clock: FixedClock) -> None:
    tree = await build_tree(committees=2, branches_per_committee=5)
    await campaign()
    few, many = tree.committees
    await admin(few, "few")
    await admin(many, "many")
    tokens = {few.id: await api.login("few"), many.id: await api.login("many")}
    keyed = {few.id: tree.branches[:1], many.id: tree.branches[5:]}
    for committee in (few, many):
        for i, branch in enumerate(keyed[committee.id]):
            await assess(api, tokens[committee.id], branch, 10 + i)
            await admin(branch, f"branch{branch.id}")
            clock.set(china_datetime(2026, 10, 10))
            await file(api, await api.login(f"branch{branch.id}"), branch, CODES[:3])
            clock.set(china_datetime(2026, 9, 15))
    clock.set(china_datetime(2026, 10, 20))
    counts = []
    for committee in (few, many):
        with count_statements() as statements:
            data = await api.data(NESTED, {"id": gid(committee)}, tokens[committee.id])
        rows = data["organization"]["keyRectificationList"]
        assert len(rows) == len(keyed[committee.id])
        assert all(monthly(row) == [0, row["initialPoorCount"] - 3, 0, 0] for row in rows)
        assert all(len(row["rectification"]["selfChecks"]) == 2 for row in rows)
        counts.append(len(statements))
    assert counts[0] == counts[1] > 0, counts
    assert counts[1] <= 8, counts
