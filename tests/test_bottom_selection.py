"""勾选排名后 20% through HTTP: quota sizes, refusals, irreversibility, ranking."""

from __future__ import annotations

import pytest

from models.organization import OrgType, Sector
from models.rectification import BranchState
from tests.api import Api, admin, build_tree, campaign, gid, org, ratings, token_for
from tests.test_rectification_flow import ASSESS, REVIEW, SUBMIT
from tests.test_views import SELECT, SELECTION


async def unit(n: int):
    tree = await build_tree(committees=1, branches_per_committee=0)
    committee = tree.committees[0]
    branches = [
        await org(committee, f"支部{i:02d}", OrgType.BRANCH, Sector.HIGH_SCHOOL) for i in range(n)
    ]
    sup = await token_for(await admin(committee, "sup"))
    tokens = [await token_for(await admin(b, f"b{i}")) for i, b in enumerate(branches)]
    await campaign()
    return committee, branches, sup, tokens


async def submitted(api: Api, branch, token: str, poor: int = 0, fair: int = 0) -> str:
    data = await api.data(SUBMIT, {"b": gid(branch), "r": ratings(poor=poor, fair=fair)}, token)
    return data["submitSelfCheck"]["selfCheck"]["id"]


async def reviewed(api: Api, sup: str, form_id: str, decision: str, comment: str | None = None):
    data = await api.data(REVIEW, {"s": form_id, "d": decision, "c": comment}, sup)
    assert data["reviewSelfCheck"]["userErrors"] == [], data
    return data["reviewSelfCheck"]["rectification"]


async def select(api: Api, committee, branches, sup: str) -> list[str]:
    data = await api.data(SELECT, {"o": gid(committee), "b": [gid(b) for b in branches]}, sup)
    return [e["code"] for e in data["selectBottomBranches"]["userErrors"]]


@pytest.mark.parametrize(
    ("n", "required"), [(1, 1), (4, 1), (5, 1), (6, 2), (10, 2), (11, 3), (15, 3)]
)
async def test_quota(api: Api, n: int, required: int) -> None:
    committee, _, sup, _ = await unit(n)
    sel = (await api.data(SELECTION, {"id": gid(committee)}, sup))["organization"][
        "bottomSelection"
    ]
    assert (sel["totalBranches"], sel["requiredCount"], sel["satisfied"]) == (n, required, False)


async def test_quota_without_branches_is_zero(api: Api) -> None:
    tree = await build_tree(committees=1, branches_per_committee=0)
    await campaign()
    token = await token_for(await admin(tree.county, "county"))
    sel = (await api.data(SELECTION, {"id": gid(tree.county)}, token))["organization"][
        "bottomSelection"
    ]
    assert (sel["totalBranches"], sel["requiredCount"], sel["satisfied"]) == (0, 0, True)


async def test_not_rankable_without_form_with_pending_or_rejected_form(api: Api) -> None:
    committee, b, sup, tokens = await unit(4)
    await submitted(api, b[1], tokens[1], poor=1)  # pending
    rejected = await submitted(api, b[2], tokens[2], poor=1)
    await reviewed(api, sup, rejected, "REJECT", "不实")  # rejected
    passed = await submitted(api, b[3], tokens[3])
    await reviewed(api, sup, passed, "PASS")
    for branch in b[:3]:
        assert await select(api, committee, [b[3], branch], sup) == ["NOT_RANKABLE"]
    assert await BranchState.filter(selected_as_bottom=True).count() == 0
    assert (await BranchState.get(branch_id=b[3].id)).status == "PASSED"


async def test_ticking_key_branches_keeps_status_and_reason_and_later_calls_only_add(
    api: Api,
) -> None:
    committee, b, sup, tokens = await unit(6)
    key = await submitted(api, b[0], tokens[0], poor=12)
    await reviewed(api, sup, key, "START_RECTIFICATION")
    await submitted(api, b[0], tokens[0], poor=3)  # KEY_PENDING_REVIEW
    assessed = await api.data(ASSESS, {"b": gid(b[1]), "r": ratings(poor=11)}, sup)
    assert assessed["assessBranch"]["rectification"]["status"] == "KEY_RECTIFYING"
    for i in (2, 3):
        await reviewed(api, sup, await submitted(api, b[i], tokens[i], poor=i), "PASS")

    assert await select(api, committee, [b[0], b[1]], sup) == []
    states = {s.branch_id: s for s in await BranchState.all()}
    assert (states[b[0].id].status, states[b[0].id].key_reason) == (
        "KEY_PENDING_REVIEW",
        "POOR_THRESHOLD",
    )
    assert (states[b[1].id].status, states[b[1].id].key_reason) == (
        "KEY_RECTIFYING",
        "POOR_THRESHOLD",
    )
    assert all(states[x.id].selected_as_bottom for x in b[:2])

    assert await select(api, committee, [b[3]], sup) == []  # a second call adds
    third = await BranchState.get(branch_id=b[3].id)
    assert (third.status, third.key_reason, third.selected_as_bottom) == (
        "KEY_RECTIFYING",
        "BOTTOM_SELECTION",
        True,
    )
    # Nothing removes a tick: selecting again without b[0] leaves it ticked.
    assert await select(api, committee, [b[2]], sup) == []
    sel = (await api.data(SELECTION, {"id": gid(committee)}, sup))["organization"][
        "bottomSelection"
    ]
    assert (sel["selectedCount"], sel["keyCount"]) == (4, 4)
    fields = await api.data("{__schema{mutationType{fields{name}}}}")
    names = {f["name"] for f in fields["__schema"]["mutationType"]["fields"]}
    assert not {n for n in names if "select" in n.lower() or "bottom" in n.lower()} - {
        "selectBottomBranches"
    }


async def test_ranking_worst_first(api: Api) -> None:
    committee, b, sup, tokens = await unit(5)
    await submitted(api, b[0], tokens[0], poor=2, fair=1)
    await submitted(api, b[1], tokens[1], poor=2, fair=5)
    await submitted(api, b[2], tokens[2], poor=7)
    await submitted(api, b[4], tokens[4], poor=2, fair=5)
    sel = (await api.data(SELECTION, {"id": gid(committee)}, sup))["organization"][
        "bottomSelection"
    ]
    assert [(r["branch"]["name"], r["latestPoorCount"]) for r in sel["ranking"]] == [
        ("支部02", 7),
        ("支部01", 2),
        ("支部04", 2),
        ("支部00", 2),
    ]
