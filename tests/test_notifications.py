"""Notifications (提示框): addressed to a branch, read state per admin account."""

from __future__ import annotations

from datetime import timedelta

from models.notification import Notification, NotificationRead
from models.workflow import NotificationKind
from resolvers.notification import notify
from schema.ids import encode_id
from tests.api import Api, admin, build_tree, campaign, gid, ratings
from tests.test_tree_api import count_statements
from zhengdun.clock import FixedClock

INBOX = """query($unread: Boolean, $first: Int) { me { unreadCount
  notifications(unreadOnly: $unread, first: $first) {
    id kind message createdAt readAt branch { id name } } } }"""
MARK = "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }"
NODE = """query($id: ID!) { node(id: $id) { ... on Notification { id kind readAt } } }"""
SUBMIT = """mutation($b: ID!, $r: [RatingInput!]!) { submitSelfCheck(input: {branchId: $b,
  ratings: $r}) { selfCheck { id } userErrors { code } } }"""
REVIEW = """mutation($s: ID!, $d: ReviewDecision!, $c: String) { reviewSelfCheck(input: {
  selfCheckId: $s, decision: $d, comment: $c}) { rectification { status } userErrors { code } } }"""


async def inbox(api: Api, token: str, unread: bool | None = None, first: int | None = None):
    return (await api.data(INBOX, {"unread": unread, "first": first}, token))["me"]


async def setup(api: Api, clock: FixedClock):
    """A branch with two admins; its superior rejects a form, then starts rectification."""
    tree = await build_tree()
    running = await campaign()
    branch, other = tree.branches[0], tree.branches[1]
    await admin(branch, "a1", "李支书")
    await admin(branch, "a2", "赵委员")
    await admin(other, "other")
    await admin(tree.committees[0], "superior", "王书记")
    a1, superior = await api.login("a1"), await api.login("superior")

    form = await api.data(SUBMIT, {"b": gid(branch), "r": ratings(poor=2)}, a1)
    clock.advance(timedelta(minutes=5))
    rejected = await api.data(
        REVIEW,
        {"s": form["submitSelfCheck"]["selfCheck"]["id"], "d": "REJECT", "c": "人数不符"},
        superior,
    )
    assert rejected["reviewSelfCheck"]["userErrors"] == []
    clock.advance(timedelta(minutes=5))
    again = await api.data(SUBMIT, {"b": gid(branch), "r": ratings(poor=3)}, a1)
    clock.advance(timedelta(minutes=5))
    started = await api.data(
        REVIEW,
        {"s": again["submitSelfCheck"]["selfCheck"]["id"], "d": "START_RECTIFICATION"},
        superior,
    )
    assert started["reviewSelfCheck"]["userErrors"] == []
    await notify(other.id, running.id, (NotificationKind.SELECTED_AS_BOTTOM,), clock.now())
    return tree, branch, other


async def test_every_admin_of_the_branch_reads_on_its_own(api: Api, clock: FixedClock) -> None:
    tree, branch, _ = await setup(api, clock)
    a1, a2 = await api.login("a1"), await api.login("a2")

    mine = await inbox(api, a1)
    assert mine["unreadCount"] == 2
    kinds = [n["kind"] for n in mine["notifications"]]
    assert kinds == ["KEY_RECTIFICATION_STARTED", "SELF_CHECK_REJECTED"]  # newest first
    rejected = mine["notifications"][1]
    assert "王书记" in rejected["message"] and "人数不符" in rejected["message"]
    assert rejected["branch"] == {"id": gid(branch), "name": branch.name}
    assert all(n["readAt"] is None for n in mine["notifications"])
    assert mine["notifications"][0]["createdAt"] > rejected["createdAt"]
    assert await inbox(api, a2) == mine

    clock.advance(timedelta(minutes=1))
    assert (await api.data(MARK, {"ids": [rejected["id"]]}, a1)) == {"markNotificationsRead": 1}
    assert (await api.data(MARK, {"ids": [rejected["id"]]}, a1)) == {"markNotificationsRead": 0}

    after = await inbox(api, a1)
    assert after["unreadCount"] == 1
    assert after["notifications"][1]["readAt"].startswith(clock.now().isoformat()[:19])
    unread = await inbox(api, a1, unread=True)
    assert [n["kind"] for n in unread["notifications"]] == ["KEY_RECTIFICATION_STARTED"]
    # The other admin of the same branch has read nothing yet.
    theirs = await inbox(api, a2)
    assert theirs["unreadCount"] == 2
    assert all(n["readAt"] is None for n in theirs["notifications"])

    ids = [n["id"] for n in theirs["notifications"]]
    assert (await api.data(MARK, {"ids": ids + ids}, a2)) == {"markNotificationsRead": 2}
    assert (await inbox(api, a2, unread=True)) == {"unreadCount": 0, "notifications": []}
    assert await NotificationRead.all().count() == 3
    assert (await inbox(api, a1, first=1))["notifications"][0]["kind"] == (
        "KEY_RECTIFICATION_STARTED"
    )
    assert (await api.data(MARK, {"ids": []}, a1)) == {"markNotificationsRead": 0}


async def test_someone_elses_notification_is_forbidden_and_nothing_is_marked(
    api: Api, clock: FixedClock
) -> None:
    tree, branch, other = await setup(api, clock)
    a1 = await api.login("a1")
    own = [n["id"] for n in (await inbox(api, a1))["notifications"]]
    foreign = encode_id("Notification", (await Notification.get(organization_id=other.id)).id)
    superior = await api.login("superior")

    assert await api.error_codes(MARK, {"ids": [*own, foreign]}, a1) == ["FORBIDDEN"]
    # The superior sees the branch, but the notification is addressed to the branch.
    assert await api.error_codes(MARK, {"ids": own[:1]}, superior) == ["FORBIDDEN"]
    assert await api.error_codes(MARK, {"ids": [encode_id("Notification", 99999)]}, a1) == [
        "FORBIDDEN"
    ]
    assert await NotificationRead.all().count() == 0
    assert (await inbox(api, a1))["unreadCount"] == 2

    for garbage in ("nope", encode_id("Organization", branch.id), encode_id("Notification", "x")):
        assert await api.error_codes(MARK, {"ids": [*own, garbage]}, a1) == ["INVALID_INPUT"]
    too_many = [encode_id("Notification", i) for i in range(1, 102)]
    assert await api.error_codes(MARK, {"ids": too_many}, a1) == ["INVALID_INPUT"]
    assert await api.error_codes(MARK, {"ids": own}) == ["UNAUTHENTICATED"]
    assert await NotificationRead.all().count() == 0


async def test_first_is_bounded(api: Api, clock: FixedClock) -> None:
    await setup(api, clock)
    a1 = await api.login("a1")
    for first in (0, -1, 101):
        assert await api.error_codes(INBOX, {"first": first}, a1) == ["INVALID_INPUT"]
    assert len((await inbox(api, a1, first=100))["notifications"]) == 2
    assert len((await inbox(api, a1, first=None))["notifications"]) == 2  # null: the default


async def test_a_notification_node_is_only_for_the_admins_it_is_addressed_to(
    api: Api, clock: FixedClock
) -> None:
    tree, branch, _ = await setup(api, clock)
    a1 = await api.login("a1")
    first = (await inbox(api, a1))["notifications"][0]
    await api.data(MARK, {"ids": [first["id"]]}, a1)

    seen = (await api.data(NODE, {"id": first["id"]}, a1))["node"]
    assert seen["id"] == first["id"] and seen["kind"] == first["kind"]
    assert seen["readAt"] is not None
    assert (await api.data(NODE, {"id": first["id"]}, await api.login("a2")))["node"] == {
        "id": first["id"],
        "kind": first["kind"],
        "readAt": None,
    }
    for username in ("superior", "other"):
        token = await api.login(username)
        assert (await api.data(NODE, {"id": first["id"]}, token)) == {"node": None}
    await admin(tree.root, "root")
    assert (await api.data(NODE, {"id": first["id"]}, await api.login("root"))) == {"node": None}


async def test_the_inbox_comes_with_login(api: Api, clock: FixedClock) -> None:
    await setup(api, clock)
    login = """mutation { login(username: "a1", password: "password-123") {
      viewer { unreadCount notifications(first: 5) { kind readAt } } } }"""
    viewer = (await api.data(login))["login"]["viewer"]
    assert viewer["unreadCount"] == 2
    assert [n["readAt"] for n in viewer["notifications"]] == [None, None]
    assert await api.error_codes(INBOX) == []  # anonymous: me is null, no error
    assert (await api.data(INBOX)) == {"me": None}


async def test_reading_the_inbox_takes_a_fixed_number_of_statements(
    api: Api, clock: FixedClock
) -> None:
    tree = await build_tree()
    running = await campaign()
    branch = tree.branches[0]
    await admin(branch, "a1")
    token = await api.login("a1")
    counts = []
    for total in (3, 60):
        await Notification.all().delete()
        for i in range(total):
            kind = list(NotificationKind)[i % len(NotificationKind)]
            await notify(branch.id, running.id, (kind,), clock.now() + timedelta(seconds=i))
        with count_statements() as statements:
            data = await inbox(api, token, first=100)
        assert len(data["notifications"]) == total
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
