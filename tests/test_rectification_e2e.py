"""One branch along every path of the transition table, through HTTP, with the clock
moving through the campaign: each step checks status, key reason, the notifications the
branch's admin sees, and the history of forms and reviews. Then the carry-over."""

from __future__ import annotations

from tests.api import Api, admin, build_tree, gid, ratings, token_for
from tests.test_campaign import close, create
from tests.test_key_list import settings as settings  # noqa: F401  (long-lived sessions)
from tests.test_rectification_flow import ASSESS, REVIEW, STATE, SUBMIT
from zhengdun.clock import china_datetime

INBOX = """{me{unreadCount notifications(first:50){kind message branch{name}}}}"""


class Branch:
    """A branch, its admin, its direct superior's admin, and what the admin has seen."""

    def __init__(self, api: Api, branch, own: str, superior: str) -> None:
        self.api, self.branch, self.own, self.superior = api, branch, own, superior
        self.seen = 0

    async def submit(self, poor: int, fair: int = 0) -> dict:
        data = await self.api.data(
            SUBMIT, {"b": gid(self.branch), "r": ratings(poor=poor, fair=fair)}, self.own
        )
        assert data["submitSelfCheck"]["userErrors"] == [], data
        return data["submitSelfCheck"]

    async def review(self, form: dict, decision: str, comment: str | None = None) -> dict:
        data = await self.api.data(
            REVIEW, {"s": form["selfCheck"]["id"], "d": decision, "c": comment}, self.superior
        )
        return data["reviewSelfCheck"]

    async def state(self) -> dict:
        data = await self.api.data(STATE, {"id": gid(self.branch)}, self.own)
        return data["organization"]["rectification"]

    async def new_notifications(self) -> list[tuple[str, str]]:
        """(kind, message) of the notifications since the last look, oldest first."""
        me = (await self.api.data(INBOX, token=self.own))["me"]
        fresh = me["notifications"][: len(me["notifications"]) - self.seen]
        self.seen = len(me["notifications"])
        assert me["unreadCount"] == self.seen
        return [(n["kind"], n["message"]) for n in reversed(fresh)]

    async def expect(
        self,
        status: str,
        key_reason: str | None,
        kinds: list[str],
        history: list[tuple[int, str | None]],
    ) -> dict:
        state = await self.state()
        assert (state["status"], state["keyReason"]) == (status, key_reason)
        assert [k for k, _ in await self.new_notifications()] == kinds
        assert [
            (f["version"], (f["review"] or {}).get("decision")) for f in state["selfChecks"]
        ] == history
        return state


async def test_every_path_of_the_table_and_the_carry_over(api: Api, clock) -> None:
    tree = await build_tree(committees=1, branches_per_committee=4)
    committee = tree.committees[0]
    superior = await token_for(await admin(committee, "sup", "王书记"))
    root = await token_for(await admin(tree.root, "root"))
    clock.set(china_datetime(2026, 8, 20))
    this_year = (await create(api, root))["campaign"]
    clock.set(china_datetime(2026, 9, 3))

    # 1. submit → reject → resubmit → pass
    a = Branch(api, tree.branches[0], await token_for(await admin(tree.branches[0], "a")), superior)
    form = await a.submit(poor=2)
    await a.expect("PENDING_REVIEW", None, [], [(1, None)])
    refused = await a.review(form, "REJECT")
    assert [e["code"] for e in refused["userErrors"]] == ["REASON_REQUIRED"]
    assert (await a.review(form, "REJECT", "团员名册与实际不符"))["userErrors"] == []
    await a.expect("REJECTED", None, ["SELF_CHECK_REJECTED"], [(1, "REJECT")])
    form = await a.submit(poor=2)
    assert (await a.review(form, "PASS"))["userErrors"] == []
    state = await a.expect("PASSED", None, ["SELF_CHECK_PASSED"], [(2, "PASS"), (1, "REJECT")])
    assert state["isKey"] is False

    # 2. 12 POOR → PASS refused → start → resubmit → continue → resubmit → pass → RECTIFIED
    b = Branch(api, tree.branches[1], await token_for(await admin(tree.branches[1], "b")), superior)
    form = await b.submit(poor=12)
    refused = await b.review(form, "PASS")
    assert [e["code"] for e in refused["userErrors"]] == ["POOR_THRESHOLD_REQUIRES_RECTIFICATION"]
    await b.expect("PENDING_REVIEW", None, [], [(1, None)])
    assert (await b.review(form, "START_RECTIFICATION", "限期整改"))["userErrors"] == []
    await b.expect(
        "KEY_RECTIFYING",
        "POOR_THRESHOLD",
        ["KEY_RECTIFICATION_STARTED"],
        [(1, "START_RECTIFICATION")],
    )
    clock.set(china_datetime(2026, 10, 10))
    form = await b.submit(poor=6)
    await b.expect(
        "KEY_PENDING_REVIEW", "POOR_THRESHOLD", [], [(2, None), (1, "START_RECTIFICATION")]
    )
    assert (await b.review(form, "CONTINUE_RECTIFICATION", "仍有较差项"))["userErrors"] == []
    await b.expect(
        "KEY_RECTIFYING",
        "POOR_THRESHOLD",
        ["RECTIFICATION_CONTINUE"],
        [(2, "CONTINUE_RECTIFICATION"), (1, "START_RECTIFICATION")],
    )
    clock.set(china_datetime(2026, 11, 10))
    form = await b.submit(poor=0, fair=3)
    assert (await b.review(form, "PASS"))["userErrors"] == []
    state = await b.expect(
        "RECTIFIED",
        "POOR_THRESHOLD",
        ["RECTIFICATION_PASSED"],
        [(3, "PASS"), (2, "CONTINUE_RECTIFICATION"), (1, "START_RECTIFICATION")],
    )
    assert state["isKey"] is True
    notes = (await api.data(INBOX, token=b.own))["me"]["notifications"]
    assert any("限期整改" in n["message"] and "王书记" in n["message"] for n in notes)

    # 3. superior assessment of an unsubmitted branch with 11 POOR → key at once
    c = Branch(api, tree.branches[2], await token_for(await admin(tree.branches[2], "c")), superior)
    data = await api.data(ASSESS, {"b": gid(c.branch), "r": ratings(poor=11)}, superior)
    assert data["assessBranch"]["selfCheck"]["source"] == "SUPERIOR"
    await c.expect(
        "KEY_RECTIFYING",
        "POOR_THRESHOLD",
        ["ASSESSED_BY_SUPERIOR", "KEY_RECTIFICATION_STARTED"],
        [(1, None)],
    )
    form = await c.submit(poor=5)
    await c.expect("KEY_PENDING_REVIEW", "POOR_THRESHOLD", [], [(2, None), (1, None)])

    # 4. carry-over: the campaign closes with c unfinished; next year c starts as key.
    clock.set(china_datetime(2026, 12, 31, 20))
    closed = await close(api, root, this_year["id"])
    assert closed["userErrors"] == []
    await c.expect("CARRIED_OVER", "POOR_THRESHOLD", ["CARRIED_OVER"], [(2, None), (1, None)])
    late = await api.data(SUBMIT, {"b": gid(c.branch), "r": ratings(poor=1)}, c.own)
    assert [e["code"] for e in late["submitSelfCheck"]["userErrors"]] == ["CAMPAIGN_CLOSED"]
    assert (await b.state())["status"] == "RECTIFIED"  # finished ones stay as they are

    clock.set(china_datetime(2027, 8, 25))
    next_year = (await create(api, root, year=2027))["campaign"]
    assert next_year["status"] == "UPCOMING"
    clock.set(china_datetime(2027, 9, 2))
    state = await c.state()
    assert (state["status"], state["isKey"], state["keyReason"], state["selfChecks"]) == (
        "KEY_RECTIFYING",
        True,
        "CARRIED_OVER",
        [],
    )
    assert (await a.state())["status"] == "NOT_SUBMITTED"
    form = await c.submit(poor=2)
    await c.expect("KEY_PENDING_REVIEW", "CARRIED_OVER", [], [(1, None)])
    assert (await c.review(form, "PASS"))["userErrors"] == []
    await c.expect("RECTIFIED", "CARRIED_OVER", ["RECTIFICATION_PASSED"], [(1, "PASS")])
