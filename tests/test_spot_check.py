"""Spot checks (抽查核查) through HTTP: a reproducible sample of the branches below a leading
body, filtered by sector or status, recorded, and listed with each branch's current state."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from models.audit import AuditEntry
from models.organization import Organization, OrgType, Sector
from models.spot_check import SpotCheck, sample_size
from schema.ids import decode_int_id, encode_id
from tests.api import Api, admin, build_tree, campaign, gid, org, ratings
from tests.test_rectification_flow import REVIEW, SUBMIT
from tests.test_tree_api import count_statements

DRAW = """mutation($o:ID!,$r:Float!,$s:Sector,$st:[RectificationStatus!],$seed:Int,$c:ID){
  drawSpotCheck(input:{organizationId:$o,ratio:$r,sector:$s,statuses:$st,seed:$seed,campaignId:$c}){
    spotCheck{id ratio sector statuses seed createdAt createdByName eligibleCount
      organization{name} campaign{year}
      branches{branch{id name} status}}
    userErrors{code message field}}}"""
NODE = """query($id:ID!){node(id:$id){... on SpotCheck{id seed eligibleCount
  branches{branch{id name} status isKey}}}}"""
LIST = """query($id:ID!,$c:ID){organization(id:$id){spotChecks(campaignId:$c){id seed ratio
  eligibleCount branches{branch{name} status}}}}"""


async def draw(api: Api, token: str, organization: Organization, ratio: float, **kw) -> dict:
    variables = {
        "o": gid(organization),
        "r": ratio,
        "s": kw.get("sector"),
        "st": kw.get("statuses"),
        "seed": kw.get("seed"),
        "c": kw.get("campaign"),
    }
    return (await api.data(DRAW, variables, token))["drawSpotCheck"]


def drawn(payload: dict) -> list[str]:
    assert payload["userErrors"] == [], payload
    return [b["branch"]["id"] for b in payload["spotCheck"]["branches"]]


def expected_sample(branches: list[Organization], k: int, seed: int) -> list[str]:
    """The documented draw: ``random.Random(seed).sample`` of the ids in id order."""
    by_id = {b.id: b for b in branches}
    picked = random.Random(seed).sample(sorted(by_id), k)
    return [gid(by_id[i]) for i in sorted(picked, key=lambda i: by_id[i].path)]


async def written() -> tuple[int, int]:
    return await SpotCheck.all().count(), await AuditEntry.exclude(action="login").count()


async def test_the_same_seed_draws_the_same_sample_and_the_draw_is_recorded(api: Api) -> None:
    tree = await build_tree(committees=2, branches_per_committee=5)
    await campaign()
    await admin(tree.county, "county", "赵书记")
    token = await api.login("county")

    first = await draw(api, token, tree.county, 0.25, seed=42)
    assert drawn(first) == expected_sample(tree.branches, 3, 42)  # ⌈0.25 × 10⌉ = 3
    record = first["spotCheck"]
    assert record["ratio"] == 0.25
    assert (record["seed"], record["eligibleCount"], record["createdByName"]) == (42, 10, "赵书记")
    assert (record["sector"], record["statuses"]) == (None, None)
    assert record["organization"] == {"name": "甲县团委"}
    assert record["campaign"] == {"year": 2026}
    assert all(b["status"] == "NOT_SUBMITTED" for b in record["branches"])

    again = await draw(api, token, tree.county, 0.25, seed=42)
    assert drawn(again) == drawn(first)
    assert again["spotCheck"]["id"] != record["id"]  # every draw is its own record

    row = await SpotCheck.get(id=decode_int_id(record["id"], "SpotCheck"))
    assert row.ratio == Decimal("0.25") and row.eligible_count == 10
    audit = await AuditEntry.filter(action="drawSpotCheck").order_by("id")
    assert [a.details["seed"] for a in audit] == [42, 42]
    assert audit[0].account_name == "赵书记"


async def test_different_seeds_draw_different_samples_and_a_missing_seed_is_recorded(
    api: Api,
) -> None:
    tree = await build_tree(committees=2, branches_per_committee=5)
    await campaign()
    await admin(tree.county, "county")
    token = await api.login("county")

    samples = {tuple(drawn(await draw(api, token, tree.county, 0.3, seed=s))) for s in range(8)}
    assert len(samples) > 1
    for seed in range(8):
        assert expected_sample(tree.branches, 3, seed) in [list(s) for s in samples]

    unseeded = (await draw(api, token, tree.county, 0.3))["spotCheck"]
    assert 0 <= unseeded["seed"] < 2**31
    replay = await draw(api, token, tree.county, 0.3, seed=unseeded["seed"])
    assert drawn(replay) == [b["branch"]["id"] for b in unseeded["branches"]]


@pytest.mark.parametrize(
    ("eligible", "ratio", "k"),
    [
        (10, "0.25", 3),
        (15, "0.2", 3),
        (10, "0.7", 7),
        (10, "0.0001", 1),
        (10, "1", 10),
        (5, "0.3", 2),
        (1, "0.01", 1),
        (0, "0.5", 0),
    ],
)
def test_sample_size_is_exact_and_at_least_one(eligible: int, ratio: str, k: int) -> None:
    assert sample_size(eligible, Decimal(ratio)) == k


async def test_sample_size_through_the_api(api: Api) -> None:
    tree = await build_tree(committees=2, branches_per_committee=5)  # 10 below the county
    fifteen = await org(tree.sibling_county, "乙县某中学团委", sector=Sector.HIGH_SCHOOL)
    for i in range(15):
        await org(fifteen, f"乙县第{i + 1}团支部", OrgType.BRANCH, Sector.HIGH_SCHOOL)
    await campaign()
    await admin(tree.county, "county")
    await admin(fifteen, "fifteen")
    county, committee = await api.login("county"), await api.login("fifteen")

    for ratio, k in [(0.25, 3), (0.7, 7), (0.2, 2), (0.0001, 1), (1.0, 10)]:
        assert len(drawn(await draw(api, county, tree.county, ratio, seed=7))) == k, ratio
    for ratio, k in [(0.2, 3), (0.1, 2), (1.0, 15)]:
        payload = await draw(api, committee, fifteen, ratio, seed=7)
        assert len(drawn(payload)) == k, ratio
        assert payload["spotCheck"]["eligibleCount"] == 15
    everything = drawn(await draw(api, committee, fifteen, 1.0))
    branches = await Organization.filter(parent_id=fifteen.id).order_by("path")
    assert everything == [gid(b) for b in branches]  # shown in tree order


async def test_sector_and_status_filters(api: Api) -> None:
    tree = await build_tree(committees=2, branches_per_committee=3)  # 6 high-school branches
    university = await org(tree.county, "甲县职业大学团委", sector=Sector.UNIVERSITY)
    uni = [
        await org(university, f"大学第{i}团支部", OrgType.BRANCH, Sector.UNIVERSITY) for i in (1, 2)
    ]
    await campaign()
    await admin(tree.county, "county")
    await admin(tree.committees[0], "superior")
    for i, branch in enumerate(tree.branches[:3]):
        await admin(branch, f"branch{i}")
    county, superior = await api.login("county"), await api.login("superior")
    forms = []
    for i, branch in enumerate(tree.branches[:3]):
        data = await api.data(
            SUBMIT, {"b": gid(branch), "r": ratings(poor=1)}, await api.login(f"branch{i}")
        )
        forms.append(data["submitSelfCheck"]["selfCheck"]["id"])
    passed = await api.data(REVIEW, {"s": forms[0], "d": "PASS"}, superior)
    assert passed["reviewSelfCheck"]["rectification"]["status"] == "PASSED"
    # Now: branches[0] PASSED, [1] and [2] PENDING_REVIEW, the rest (5) NOT_SUBMITTED.

    by_sector = await draw(api, county, tree.county, 1.0, sector="UNIVERSITY")
    assert drawn(by_sector) == [gid(b) for b in uni]
    assert by_sector["spotCheck"]["sector"] == "UNIVERSITY"

    pending = await draw(api, county, tree.county, 1.0, statuses=["PENDING_REVIEW"])
    assert drawn(pending) == [gid(b) for b in tree.branches[1:3]]
    assert {b["status"] for b in pending["spotCheck"]["branches"]} == {"PENDING_REVIEW"}

    unsubmitted = await draw(api, county, tree.county, 1.0, statuses=["NOT_SUBMITTED"])
    assert drawn(unsubmitted) == [gid(b) for b in tree.branches[3:]] + [gid(b) for b in uni]

    mixed = await draw(
        api,
        county,
        tree.county,
        1.0,
        statuses=["PENDING_REVIEW", "PASSED", "PASSED"],
        sector="HIGH_SCHOOL",
    )
    assert drawn(mixed) == [gid(b) for b in tree.branches[:3]]
    assert mixed["spotCheck"]["statuses"] == ["PENDING_REVIEW", "PASSED"]  # workflow order

    no_statuses = await draw(api, county, tree.county, 1.0, statuses=[])
    assert no_statuses["spotCheck"]["eligibleCount"] == 8
    assert no_statuses["spotCheck"]["statuses"] is None

    half = await draw(api, county, tree.county, 0.5, statuses=["NOT_SUBMITTED"], seed=3)
    assert half["spotCheck"]["eligibleCount"] == 5
    assert drawn(half) == expected_sample([*tree.branches[3:], *uni], 3, 3)  # ⌈2.5⌉


async def test_no_eligible_branch_draws_none_and_is_still_recorded(api: Api) -> None:
    tree = await build_tree()
    empty = await org(tree.sibling_county, "乙县空团委")
    await campaign()
    await admin(tree.county, "county")
    await admin(empty, "empty")
    before = await written()

    rectified = await draw(
        api, await api.login("county"), tree.county, 0.5, statuses=["RECTIFIED"], seed=1
    )
    assert drawn(rectified) == [] and rectified["spotCheck"]["eligibleCount"] == 0
    nothing_below = await draw(api, await api.login("empty"), empty, 1.0)
    assert drawn(nothing_below) == []
    assert await written() == (before[0] + 2, before[1] + 2)


async def test_only_the_organisations_own_admins_draw_and_refusals_write_nothing(
    api: Api,
) -> None:
    tree = await build_tree()
    await campaign()
    await admin(tree.county, "county")
    await admin(tree.root, "root")
    await admin(tree.sibling_county, "sibling")
    await admin(tree.committees[0], "committee")
    await admin(tree.branches[0], "branch")
    variables = {"o": gid(tree.county), "r": 0.5}
    before = await written()

    assert await api.error_codes(DRAW, variables) == ["UNAUTHENTICATED"]
    for refused in ("root", "sibling", "committee", "branch"):
        codes = await api.error_codes(DRAW, variables, await api.login(refused))
        assert codes == ["FORBIDDEN"], refused
    own_branch = await api.data(
        DRAW, {"o": gid(tree.branches[0]), "r": 1.0}, await api.login("branch")
    )
    errors = own_branch["drawSpotCheck"]["userErrors"]
    assert [(e["code"], e["field"]) for e in errors] == [
        ("INVALID_INPUT", ["input", "organizationId"])
    ]
    assert await written() == before

    assert drawn(await draw(api, await api.login("county"), tree.county, 0.5)) != []
    assert (await written())[0] == before[0] + 1


@pytest.mark.parametrize("ratio", [0.0, -0.2, 1.01, 2.0, 0.12345])
async def test_a_bad_ratio_is_refused_and_writes_nothing(api: Api, ratio: float) -> None:
    tree = await build_tree()
    await campaign()
    await admin(tree.county, "county")
    token = await api.login("county")
    before = await written()
    payload = (await api.data(DRAW, {"o": gid(tree.county), "r": ratio}, token))["drawSpotCheck"]
    assert payload["spotCheck"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
        ("INVALID_INPUT", ["input", "ratio"])
    ]
    assert await written() == before


async def test_drawing_needs_an_open_campaign(api: Api) -> None:
    tree = await build_tree()
    await admin(tree.county, "county")
    token = await api.login("county")
    before = await written()

    none_open = await draw(api, token, tree.county, 0.5)
    assert [e["code"] for e in none_open["userErrors"]] == ["CAMPAIGN_CLOSED"]
    last_year = await campaign(2025)
    named = await draw(api, token, tree.county, 0.5, campaign=encode_id("Campaign", last_year.id))
    assert [e["code"] for e in named["userErrors"]] == ["CAMPAIGN_CLOSED"]
    await campaign(2026, closed_at=datetime.now(UTC), closed_by_name="团中央")
    closed = await draw(api, token, tree.county, 0.5)
    assert [e["code"] for e in closed["userErrors"]] == ["CAMPAIGN_CLOSED"]
    assert await written() == before


async def test_the_listed_states_are_current(api: Api) -> None:
    tree = await build_tree()
    await campaign()
    await admin(tree.committees[0], "committee")
    await admin(tree.branches[0], "branch")
    token = await api.login("committee")

    record = (await draw(api, token, tree.committees[0], 1.0, seed=5))["spotCheck"]
    assert [b["status"] for b in record["branches"]] == ["NOT_SUBMITTED"] * 3
    await api.data(
        SUBMIT, {"b": gid(tree.branches[0]), "r": ratings(poor=11)}, await api.login("branch")
    )

    seen = (await api.data(NODE, {"id": record["id"]}, token))["node"]
    assert [b["status"] for b in seen["branches"]] == [
        "PENDING_REVIEW",
        "NOT_SUBMITTED",
        "NOT_SUBMITTED",
    ]
    assert seen["seed"] == 5 and seen["eligibleCount"] == 3


async def test_a_draw_is_seen_by_those_who_see_the_organisation_that_drew(api: Api) -> None:
    tree = await build_tree()
    await campaign()
    await admin(tree.county, "county")
    await admin(tree.province, "province")
    await admin(tree.other_province, "other")
    await admin(tree.committees[0], "committee")
    record = (await draw(api, await api.login("county"), tree.county, 0.5))["spotCheck"]

    for viewer, sees in [
        ("county", True),
        ("province", True),
        ("other", False),
        ("committee", False),
    ]:
        node = (await api.data(NODE, {"id": record["id"]}, await api.login(viewer)))["node"]
        assert (node is not None) == sees, viewer
    assert await api.error_codes(NODE, {"id": record["id"]}) == ["UNAUTHENTICATED"]
    missing = encode_id("SpotCheck", 999999)
    assert (await api.data(NODE, {"id": missing}, await api.login("county")))["node"] is None


async def test_organization_lists_its_draws_newest_first(api: Api, clock) -> None:
    from datetime import timedelta

    tree = await build_tree()
    await campaign()
    await admin(tree.county, "county")
    await admin(tree.committees[0], "committee")
    county = await api.login("county")
    ids = []
    for seed in (1, 2, 3):
        ids.append((await draw(api, county, tree.county, 0.5, seed=seed))["spotCheck"]["id"])
        clock.advance(timedelta(minutes=1))
    await draw(api, await api.login("committee"), tree.committees[0], 1.0)

    listed = (await api.data(LIST, {"id": gid(tree.county)}, county))["organization"]
    assert [s["id"] for s in listed["spotChecks"]] == ids[::-1]
    assert [s["seed"] for s in listed["spotChecks"]] == [3, 2, 1]
    old = await campaign(2025)
    named = await api.data(
        LIST, {"id": gid(tree.county), "c": encode_id("Campaign", old.id)}, county
    )
    assert named["organization"]["spotChecks"] == []
    bad = await api.error_codes(LIST, {"id": gid(tree.county), "c": "nonsense"}, county)
    assert bad == ["INVALID_INPUT"]


async def test_statement_count_does_not_grow_with_draws_or_branches(api: Api) -> None:
    tree = await build_tree(committees=2, branches_per_committee=5)
    await campaign()
    await admin(tree.county, "county")
    token = await api.login("county")
    await draw(api, token, tree.county, 0.1, seed=1)
    counts = []
    for more in (0, 4):
        for seed in range(more):
            await draw(api, token, tree.county, 1.0, seed=seed)
        with count_statements() as statements:
            data = await api.data(LIST, {"id": gid(tree.county)}, token)
        assert len(data["organization"]["spotChecks"]) == 1 + more
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
