"""Campaigns through the API: creating, the calendar in Beijing time, closing, carry-over."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from models.audit import AuditEntry
from models.campaign import Campaign
from models.notification import Notification
from models.organization import Organization
from models.rectification import BranchState
from models.workflow import KeyReason, RectificationStatus
from schema.ids import encode_id
from tests.api import Api, admin, build_tree, campaign, gid, ratings
from zhengdun.clock import FixedClock, china_datetime

CREATE = """mutation($input: CreateCampaignInput!) { createCampaign(input: $input) {
  campaign { id year name startsOn selfCheckDeadline reviewDeadline endsOn bottomRatio
             poorThreshold status closedAt template { id name } }
  userErrors { code message field } } }"""
CLOSE = """mutation($id: ID!) { closeCampaign(campaignId: $id) {
  campaign { id status closedAt closedByName } userErrors { code message field } } }"""
CAMPAIGNS = "{ campaigns { year status } currentCampaign { year status } }"
STATE = """query($id: ID!, $c: ID) { organization(id: $id) {
  rectification(campaignId: $c) { status isKey keyReason keySince } } }"""
SUBMIT = """mutation($b: ID!, $r: [RatingInput!]!) { submitSelfCheck(input: {branchId: $b,
  ratings: $r}) { selfCheck { id } rectification { status } userErrors { code } } }"""
REVIEW = """mutation($s: ID!, $d: ReviewDecision!) { reviewSelfCheck(input: {selfCheckId: $s,
  decision: $d}) { rectification { status } userErrors { code } } }"""


def campaign_input(year: int = 2026, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "year": year,
        "name": f"{year}年团支部整理整顿",
        "startsOn": f"{year}-09-01",
        "selfCheckDeadline": f"{year}-10-31",
        "reviewDeadline": f"{year}-11-30",
        "endsOn": f"{year}-12-31",
    }
    fields.update(overrides)
    return fields


async def create(api: Api, token: str, **overrides: Any) -> dict[str, Any]:
    year = overrides.pop("year", 2026)
    data = await api.data(CREATE, {"input": campaign_input(year, **overrides)}, token)
    return data["createCampaign"]


async def close(api: Api, token: str, campaign_id: str) -> dict[str, Any]:
    return (await api.data(CLOSE, {"id": campaign_id}, token))["closeCampaign"]


async def root_token(api: Api, tree) -> str:
    await admin(tree.root, "root", "张主任")
    return await api.login("root")


async def state(api: Api, token: str, branch: Organization, campaign_id: str | None = None):
    data = await api.data(STATE, {"id": gid(branch), "c": campaign_id}, token)
    return data["organization"]["rectification"]


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def test_root_admin_creates_a_campaign(api: Api, clock: FixedClock) -> None:
    tree = await build_tree()
    token = await root_token(api, tree)
    clock.set(china_datetime(2026, 8, 1))

    payload = await create(api, token, name="  2026年整顿  ", bottomRatio=0.25, poorThreshold=8)
    assert payload["userErrors"] == []
    made = payload["campaign"]
    assert made["name"] == "2026年整顿"
    assert (made["startsOn"], made["endsOn"]) == ("2026-09-01", "2026-12-31")
    assert (made["bottomRatio"], made["poorThreshold"]) == (0.25, 8)
    assert made["status"] == "UPCOMING" and made["closedAt"] is None
    assert made["template"] == {
        "id": encode_id("ChecklistTemplate", "2019"),
        "name": made["template"]["name"],
    }

    row = await Campaign.get(year=2026)
    assert str(row.bottom_ratio) == "0.2500"
    assert row.created_by_name == "张主任"
    assert await AuditEntry.filter(action="createCampaign", target_id=str(row.id)).count() == 1

    defaults = await create(
        api,
        token,
        year=2027,
        startsOn="2027-09-01",
        endsOn="2027-12-31",
        selfCheckDeadline="2027-10-31",
        reviewDeadline="2027-11-30",
        bottomRatio=None,
        poorThreshold=None,
    )
    assert defaults["campaign"]["bottomRatio"] == 0.2
    assert defaults["campaign"]["poorThreshold"] == 10

    # Any logged-in admin reads the list, newest year first, and a campaign by node(id).
    await admin(tree.branches[0], "branch")
    branch_token = await api.login("branch")
    listed = await api.data(CAMPAIGNS, token=branch_token)
    assert listed == {
        "campaigns": [{"year": 2027, "status": "UPCOMING"}, {"year": 2026, "status": "UPCOMING"}],
        "currentCampaign": None,
    }
    node = await api.data(
        "query($id:ID!){node(id:$id){... on Campaign{year}}}", {"id": made["id"]}, branch_token
    )
    assert node == {"node": {"year": 2026}}


async def test_only_the_root_admin_creates_or_closes(api: Api) -> None:
    tree = await build_tree()
    await admin(tree.province, "province")
    province = await api.login("province")
    existing = await campaign(2025, starts_on=date(2025, 9, 1), ends_on=date(2025, 12, 31))
    audits = await AuditEntry.all().count()

    body = await api.post(CREATE, {"input": campaign_input()}, province)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert await api.error_codes(CREATE, {"input": campaign_input()}) == ["UNAUTHENTICATED"]
    existing_id = encode_id("Campaign", existing.id)
    assert await api.error_codes(CLOSE, {"id": existing_id}, province) == ["FORBIDDEN"]
    assert await api.error_codes(CLOSE, {"id": existing_id}) == ["UNAUTHENTICATED"]
    assert await api.error_codes(CAMPAIGNS) == ["UNAUTHENTICATED", "UNAUTHENTICATED"]

    assert await Campaign.all().count() == 1
    assert (await Campaign.get(id=existing.id)).closed_at is None
    assert await AuditEntry.all().count() == audits


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"name": "   "}, "INVALID_INPUT", "name"),
        ({"name": "整" * 101}, "INVALID_INPUT", "name"),
        ({"year": 1999}, "INVALID_INPUT", "year"),
        ({"year": 2024}, "ALREADY_EXISTS", "year"),
        ({"selfCheckDeadline": "2026-08-31"}, "INVALID_INPUT", "selfCheckDeadline"),
        ({"reviewDeadline": "2026-10-30"}, "INVALID_INPUT", "reviewDeadline"),
        ({"endsOn": "2026-11-29"}, "INVALID_INPUT", "endsOn"),
        ({"bottomRatio": 0}, "INVALID_INPUT", "bottomRatio"),
        ({"bottomRatio": -0.2}, "INVALID_INPUT", "bottomRatio"),
        ({"bottomRatio": 1.01}, "INVALID_INPUT", "bottomRatio"),
        ({"bottomRatio": 0.123456}, "INVALID_INPUT", "bottomRatio"),
        ({"poorThreshold": 0}, "INVALID_INPUT", "poorThreshold"),
        ({"poorThreshold": 31}, "INVALID_INPUT", "poorThreshold"),
        ({"templateId": "not an id"}, "INVALID_INPUT", "templateId"),
        ({"templateId": encode_id("Organization", 1)}, "INVALID_INPUT", "templateId"),
        ({"templateId": encode_id("ChecklistTemplate", "1999")}, "NOT_FOUND", "templateId"),
        # Overlaps the 2025 campaign (which runs into January 2026).
        ({"startsOn": "2026-01-10"}, "INVALID_INPUT", "startsOn"),
    ],
)
async def test_create_refusals_write_nothing(
    api: Api, overrides: dict[str, Any], code: str, field: str
) -> None:
    tree = await build_tree()
    token = await root_token(api, tree)
    await campaign(2024, starts_on=date(2024, 9, 1), ends_on=date(2024, 12, 31))
    await campaign(2025, starts_on=date(2025, 9, 1), ends_on=date(2026, 1, 15))
    audits = await AuditEntry.all().count()
    year = overrides.pop("year", 2026)

    payload = await create(api, token, year=year, **overrides)
    assert payload["campaign"] is None
    assert codes(payload) == [code]
    assert payload["userErrors"][0]["field"] == ["input", field]
    assert payload["userErrors"][0]["message"]
    assert await Campaign.all().count() == 2
    assert await AuditEntry.all().count() == audits


async def test_the_edges_of_the_allowed_values_are_accepted(api: Api) -> None:
    tree = await build_tree()
    token = await root_token(api, tree)
    one_day = await create(
        api,
        token,
        startsOn="2026-09-01",
        selfCheckDeadline="2026-09-01",
        reviewDeadline="2026-09-01",
        endsOn="2026-09-01",
        bottomRatio=1,
        poorThreshold=30,
        templateId=encode_id("ChecklistTemplate", "2019"),
    )
    assert one_day["userErrors"] == []
    # The next day is free again: campaigns may follow each other without a gap.
    next_day = await create(api, token, year=2027, startsOn="2026-09-02")
    assert next_day["userErrors"] == []


async def test_status_follows_the_beijing_calendar(api: Api, clock: FixedClock) -> None:
    tree = await build_tree()
    token = await root_token(api, tree)
    clock.set(china_datetime(2026, 7, 1))
    await create(api, token)

    async def seen() -> tuple[str, int | None]:
        data = await api.data(CAMPAIGNS, token=await api.login("root"))  # sessions last 12 h
        current = data["currentCampaign"]
        return data["campaigns"][0]["status"], current["year"] if current else None

    clock.set(datetime(2026, 8, 31, 15, 59, tzinfo=UTC))  # 23:59 on 31 Aug in Beijing
    assert await seen() == ("UPCOMING", None)
    clock.set(datetime(2026, 8, 31, 16, 30, tzinfo=UTC))  # 00:30 on 1 Sept in Beijing
    assert await seen() == ("OPEN", 2026)
    clock.set(datetime(2026, 12, 31, 15, 59, tzinfo=UTC))  # 23:59 on 31 Dec in Beijing
    assert await seen() == ("OPEN", 2026)
    clock.set(datetime(2026, 12, 31, 16, 0, tzinfo=UTC))  # midnight, 1 Jan in Beijing
    assert await seen() == ("CLOSED", None)


async def test_closing(api: Api, clock: FixedClock) -> None:
    tree = await build_tree()
    token = await root_token(api, tree)
    clock.set(china_datetime(2026, 8, 1))
    made = (await create(api, token))["campaign"]

    early = await close(api, token, made["id"])
    assert codes(early) == ["INVALID_STATE"] and early["campaign"] is None
    assert (await Campaign.get(year=2026)).closed_at is None
    assert codes(await close(api, token, "garbage")) == ["INVALID_INPUT"]
    assert codes(await close(api, token, encode_id("Campaign", 999))) == ["NOT_FOUND"]

    clock.set(china_datetime(2026, 11, 20))
    token = await api.login("root")
    closed = await close(api, token, made["id"])
    assert closed["userErrors"] == []
    assert closed["campaign"]["status"] == "CLOSED"
    assert closed["campaign"]["closedAt"].startswith("2026-11-20T04:00:00")
    assert closed["campaign"]["closedByName"] == "张主任"
    assert (await api.data(CAMPAIGNS, token=token))["currentCampaign"] is None

    again = await close(api, token, made["id"])
    assert codes(again) == ["CAMPAIGN_CLOSED"]
    assert await AuditEntry.filter(action="closeCampaign", target_type="Campaign").count() == 1


async def _key_branch(api: Api, branch_token: str, superior_token: str, branch) -> str:
    """Puts a branch under key rectification with the workflow's own mutations."""
    form = await api.data(SUBMIT, {"b": gid(branch), "r": ratings(poor=12)}, branch_token)
    form_id = form["submitSelfCheck"]["selfCheck"]["id"]
    started = await api.data(REVIEW, {"s": form_id, "d": "START_RECTIFICATION"}, superior_token)
    assert started["reviewSelfCheck"]["rectification"]["status"] == "KEY_RECTIFYING"
    return form_id


async def test_unfinished_key_branches_are_carried_into_the_next_campaign(
    api: Api, clock: FixedClock
) -> None:
    tree = await build_tree()
    token = await root_token(api, tree)
    rectifying, pending, rectified, passed, untouched = tree.branches[:5]
    await admin(tree.committees[0], "superior")
    await admin(tree.committees[1], "superior2")
    clock.set(china_datetime(2026, 8, 1))
    first = (await create(api, token))["campaign"]
    clock.set(china_datetime(2026, 9, 10))

    tokens = {}
    for i, branch in enumerate((rectifying, pending, rectified, passed)):
        await admin(branch, f"b{i}")
        tokens[branch.id] = await api.login(f"b{i}")
    superior = await api.login("superior")
    superior2 = await api.login("superior2")
    await _key_branch(api, tokens[rectifying.id], superior, rectifying)
    await _key_branch(api, tokens[pending.id], superior, pending)
    await api.data(SUBMIT, {"b": gid(pending), "r": ratings(poor=3)}, tokens[pending.id])
    await _key_branch(api, tokens[rectified.id], superior, rectified)
    fixed = await api.data(SUBMIT, {"b": gid(rectified), "r": ratings()}, tokens[rectified.id])
    await api.data(
        REVIEW, {"s": fixed["submitSelfCheck"]["selfCheck"]["id"], "d": "PASS"}, superior
    )
    ok = await api.data(SUBMIT, {"b": gid(passed), "r": ratings(poor=1)}, tokens[passed.id])
    await api.data(REVIEW, {"s": ok["submitSelfCheck"]["selfCheck"]["id"], "d": "PASS"}, superior2)
    assert (await state(api, token, pending))["status"] == "KEY_PENDING_REVIEW"
    before = await Notification.all().count()

    clock.set(china_datetime(2026, 12, 20))
    token = await api.login("root")
    assert (await close(api, token, first["id"]))["userErrors"] == []
    statuses = [
        (await state(api, token, b, first["id"]))["status"]
        for b in (rectifying, pending, rectified, passed, untouched)
    ]
    assert statuses == ["CARRIED_OVER", "CARRIED_OVER", "RECTIFIED", "PASSED", "NOT_SUBMITTED"]
    carried = await state(api, token, rectifying, first["id"])
    assert carried["isKey"] is True and carried["keyReason"] == "POOR_THRESHOLD"
    notes = await Notification.filter(kind="CARRIED_OVER").order_by("organization_id")
    assert [n.organization_id for n in notes] == [rectifying.id, pending.id]
    assert await Notification.all().count() == before + 2
    first_row = await Campaign.get(year=2026)
    assert all(n.campaign_id == first_row.id for n in notes)
    assert await AuditEntry.filter(action="closeCampaign", target_type="Organization").count() == 2

    # A closed campaign refuses the workflow.
    late = await api.data(SUBMIT, {"b": gid(rectifying), "r": ratings()}, await api.login("b0"))
    assert [e["code"] for e in late["submitSelfCheck"]["userErrors"]] == ["CAMPAIGN_CLOSED"]

    # The next campaign starts them under key rectification, reason CARRIED_OVER.
    clock.set(china_datetime(2027, 8, 15))
    token = await api.login("root")
    second = (
        await create(
            api,
            token,
            year=2027,
            startsOn="2027-09-01",
            selfCheckDeadline="2027-10-31",
            reviewDeadline="2027-11-30",
            endsOn="2027-12-31",
        )
    )["campaign"]
    for branch in (rectifying, pending):
        row = await state(api, token, branch, second["id"])
        assert (row["status"], row["isKey"], row["keyReason"]) == (
            "KEY_RECTIFYING",
            True,
            "CARRIED_OVER",
        )
        assert row["keySince"].startswith("2027-08-15T04:00:00")
    for branch in (rectified, passed, untouched):
        assert (await state(api, token, branch, second["id"]))["status"] == "NOT_SUBMITTED"
    copied = await BranchState.get(campaign__year=2027, branch_id=rectifying.id)
    assert (copied.branch_path, copied.sector) == (rectifying.path, rectifying.sector)
    assert copied.baseline_self_check_id is not None  # last year's last form
    assert copied.latest_self_check_id is None

    # In the new campaign the carried-over branch rectifies as usual.
    clock.set(china_datetime(2027, 9, 5))
    tokens[rectifying.id] = await api.login("b0")
    again = await api.data(
        SUBMIT, {"b": gid(rectifying), "r": ratings(poor=2)}, tokens[rectifying.id]
    )
    assert again["submitSelfCheck"]["rectification"]["status"] == "KEY_PENDING_REVIEW"


async def test_closing_after_the_next_campaign_exists_fills_it(api: Api, clock: FixedClock) -> None:
    tree = await build_tree()
    token = await root_token(api, tree)
    old = await campaign(2026)
    new = await campaign(
        2027,
        starts_on=date(2027, 1, 10),
        self_check_deadline=date(2027, 2, 1),
        review_deadline=date(2027, 3, 1),
        ends_on=date(2027, 6, 30),
    )
    now = datetime(2026, 10, 1, tzinfo=UTC)
    a, b, c = tree.branches[:3]
    for branch, status in (
        (a, RectificationStatus.KEY_RECTIFYING),
        (b, RectificationStatus.KEY_PENDING_REVIEW),
        (c, RectificationStatus.PASSED),
    ):
        await BranchState.create(
            campaign=old,
            branch=branch,
            branch_path=branch.path,
            sector=branch.sector,
            status=status,
            is_key=status != RectificationStatus.PASSED,
            key_reason=KeyReason.REVIEW_DECISION if status != RectificationStatus.PASSED else None,
            key_since=now,
            updated_at=now,
        )
    # b already has a row in the later campaign: it is left as it is.
    await BranchState.create(
        campaign=new,
        branch=b,
        branch_path=b.path,
        sector=b.sector,
        status=RectificationStatus.PENDING_REVIEW,
        updated_at=now,
    )

    # Closing after the end date is still allowed: that is when the carry-over happens.
    clock.set(china_datetime(2027, 1, 5))
    token = await api.login("root")
    assert (await close(api, token, encode_id("Campaign", old.id)))["userErrors"] == []
    rows = {r.branch_id: r for r in await BranchState.filter(campaign=new)}
    assert set(rows) == {a.id, b.id}
    assert (rows[a.id].status, rows[a.id].is_key, rows[a.id].key_reason) == (
        RectificationStatus.KEY_RECTIFYING,
        True,
        KeyReason.CARRIED_OVER,
    )
    assert rows[b.id].status == RectificationStatus.PENDING_REVIEW


async def test_closing_carries_over_in_batches(
    api: Api, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import resolvers.carry_over

    monkeypatch.setattr(resolvers.carry_over, "BATCH_SIZE", 2)
    tree = await build_tree(committees=2, branches_per_committee=4)
    token = await root_token(api, tree)
    running = await campaign(2026)
    now = datetime(2026, 10, 1, tzinfo=UTC)
    for i, branch in enumerate(tree.branches):
        status = RectificationStatus.KEY_RECTIFYING if i % 4 else RectificationStatus.RECTIFIED
        await BranchState.create(
            campaign=running,
            branch=branch,
            branch_path=branch.path,
            sector=branch.sector,
            status=status,
            is_key=True,
            key_reason=KeyReason.BOTTOM_SELECTION,
            key_since=now,
            updated_at=now,
        )
    clock.set(china_datetime(2026, 12, 1))
    token = await api.login("root")
    assert (await close(api, token, encode_id("Campaign", running.id)))["userErrors"] == []
    counts = {
        status: await BranchState.filter(campaign=running, status=status).count()
        for status in (
            RectificationStatus.CARRIED_OVER,
            RectificationStatus.RECTIFIED,
            RectificationStatus.KEY_RECTIFYING,
        )
    }
    assert counts == {
        RectificationStatus.CARRIED_OVER: 6,
        RectificationStatus.RECTIFIED: 2,
        RectificationStatus.KEY_RECTIFYING: 0,
    }
    assert await Notification.filter(kind="CARRIED_OVER").count() == 6

    clock.set(china_datetime(2027, 8, 1))
    token = await api.login("root")
    following = await create(
        api,
        token,
        year=2027,
        startsOn="2027-09-01",
        selfCheckDeadline="2027-10-31",
        reviewDeadline="2027-11-30",
        endsOn="2027-12-31",
    )
    assert following["userErrors"] == []
    started = await BranchState.filter(campaign__year=2027).order_by("branch_id")
    assert [r.branch_id for r in started] == [b.id for i, b in enumerate(tree.branches) if i % 4]
    assert all(
        (r.status, r.is_key, r.key_reason)
        == (RectificationStatus.KEY_RECTIFYING, True, KeyReason.CARRIED_OVER)
        for r in started
    )


async def test_checklist_template(api: Api) -> None:
    tree = await build_tree()
    await admin(tree.branches[0], "branch")
    token = await api.login("branch")
    query = (
        "query($id: ID) { checklistTemplate(id: $id) { id name items { code category title } } }"
    )

    default = (await api.data(query, {}, token))["checklistTemplate"]
    assert default["id"] == encode_id("ChecklistTemplate", "2019")
    assert len(default["items"]) == 30
    assert all(item["code"] and item["category"] and item["title"] for item in default["items"])
    named = (await api.data(query, {"id": default["id"]}, token))["checklistTemplate"]
    assert named == default
    node = await api.data(
        "query($id:ID!){node(id:$id){... on ChecklistTemplate{name}}}", {"id": default["id"]}, token
    )
    assert node["node"]["name"] == default["name"]

    unknown = encode_id("ChecklistTemplate", "1999")
    assert (await api.data(query, {"id": unknown}, token))["checklistTemplate"] is None
    assert await api.error_codes(query, {"id": "%%%"}, token) == ["INVALID_INPUT"]
    assert await api.error_codes(query, {}) == ["UNAUTHENTICATED"]
