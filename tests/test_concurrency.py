"""Real concurrent requests: one review wins, a burst of repeated submits files one form,
concurrent submits are numbered one by one; and a campaign closed mid-change stops it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import pytest
from tortoise.transactions import in_transaction

from models.errors import RuleError, UserErrorCode
from models.organization import Organization
from models.progress import ProgressDelta, ProgressTotal
from models.rectification import BranchState, Review, SelfCheck
from resolvers.progress import FOLD_LOCK, Folded, fold_deltas, fold_new_deltas
from resolvers.rectification import lock_state
from tests.api import Api, admin, build_tree, campaign, gid, ratings
from tests.test_rectification_flow import REVIEW, SUBMIT
from zhengdun.config import Settings
from zhengdun.db import connection, is_postgres

STATE = """query($b: ID!) { organization(id: $b) { rectification { status
  latestSelfCheck { version } selfChecks { version } } } }"""


async def test_twenty_concurrent_reviews_record_exactly_one(api: Api) -> None:
    tree = await build_tree()
    await campaign()
    branch = tree.branches[0]
    await admin(branch, "branch")
    await admin(tree.committees[0], "superior-a")
    await admin(tree.committees[0], "superior-b")
    b = await api.login("branch")
    tokens = [await api.login("superior-a"), await api.login("superior-b")]
    form = (await api.data(SUBMIT, {"b": gid(branch), "r": ratings(poor=2)}, b))["submitSelfCheck"]
    form_id = form["selfCheck"]["id"]

    decisions = ["PASS", "START_RECTIFICATION", "REJECT"]
    results = await asyncio.gather(
        *(
            api.data(REVIEW, {"s": form_id, "d": decisions[i % 3], "c": f"意见{i}"}, tokens[i % 2])
            for i in range(20)
        )
    )
    payloads = [r["reviewSelfCheck"] for r in results]
    winners = [p for p in payloads if not p["userErrors"]]
    losers = [p for p in payloads if p["userErrors"]]
    assert len(winners) == 1
    assert {e["code"] for p in losers for e in p["userErrors"]} <= {
        "STALE_SELF_CHECK",
        "INVALID_STATE",
    }
    assert await Review.filter(self_check__branch_id=branch.id).count() == 1


async def test_a_burst_of_the_same_submit_files_one_form(api: Api) -> None:
    tree = await build_tree()
    await campaign()
    branch = tree.branches[0]
    await admin(branch, "branch")
    b = await api.login("branch")
    variables = {"b": gid(branch), "r": ratings(poor=1), "k": "burst-7"}
    results = await asyncio.gather(*(api.data(SUBMIT, variables, b) for _ in range(10)))
    ids = {r["submitSelfCheck"]["selfCheck"]["id"] for r in results}
    assert len(ids) == 1
    assert all(r["submitSelfCheck"]["userErrors"] == [] for r in results)
    assert await SelfCheck.filter(branch_id=branch.id).count() == 1


async def test_a_burst_of_different_submits_numbers_the_forms_one_by_one(api: Api) -> None:
    """Each submission reads the latest version under the state row's lock."""
    tree = await build_tree()
    await campaign()
    branch = tree.branches[0]
    await admin(branch, "branch")
    b = await api.login("branch")
    results = await asyncio.gather(
        *(api.data(SUBMIT, {"b": gid(branch), "r": ratings(poor=i % 3)}, b) for i in range(12))
    )
    assert all(r["submitSelfCheck"]["userErrors"] == [] for r in results)
    versions = sorted(r["submitSelfCheck"]["selfCheck"]["version"] for r in results)
    assert versions == list(range(1, 13))
    stored = await SelfCheck.filter(branch_id=branch.id).order_by("version")
    assert [f.version for f in stored] == list(range(1, 13))
    state = (await api.data(STATE, {"b": gid(branch)}, b))["organization"]["rectification"]
    assert state["latestSelfCheck"]["version"] == 12
    assert [f["version"] for f in state["selfChecks"]] == list(range(12, 0, -1))


async def test_a_campaign_closed_after_it_was_read_stops_the_change(api: Api) -> None:
    """The lock statement rereads the campaign: a close that commits between reading the
    open campaign and locking (the race closeCampaign's FOR UPDATE guards) is refused,
    for a branch with a state row and for one without, and nothing is written."""
    tree = await build_tree()
    current = await campaign()
    with_row, without_row = tree.branches[0], tree.branches[1]
    await admin(with_row, "branch")
    b = await api.login("branch")
    await api.data(SUBMIT, {"b": gid(with_row), "r": ratings()}, b)
    read_while_open = await type(current).get(id=current.id)
    await type(current).filter(id=current.id).update(closed_at=datetime.now(UTC))
    states = await BranchState.all().count()
    for branch in (with_row, without_row):
        with pytest.raises(RuleError) as refused:
            async with in_transaction():
                await lock_state(read_while_open, branch, datetime(2026, 9, 15, 4, tzinfo=UTC))
        assert refused.value.code is UserErrorCode.CAMPAIGN_CLOSED
    assert await BranchState.all().count() == states


async def _wait_for_a_lock_wait(conn: asyncpg.Connection) -> None:
    """Until another session of this database waits for a lock (5 s at most)."""
    for _ in range(100):
        waiting = await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        if waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no session waited for a lock")


async def a_branch_that_submitted(api: Api) -> tuple[Organization, str]:
    """A tree and a campaign; a branch whose admin has submitted once, and that admin's token."""
    tree = await build_tree()
    await campaign()
    branch = tree.branches[0]
    await admin(branch, "branch")
    token = await api.login("branch")
    submitted = await api.data(SUBMIT, {"b": gid(branch), "r": ratings(poor=1)}, token)
    assert submitted["submitSelfCheck"]["userErrors"] == []
    return branch, token


async def test_a_submission_ended_by_a_deadlock_is_run_again(api: Api, settings: Settings) -> None:
    """A submission locks its state row, then raises its parent's version of states
    (migration 0008). Another session holding that version and then asking for the state
    row closes a cycle; PostgreSQL ends the submission's transaction (it waited first and
    detects first), which is run again and succeeds once the other session has gone."""
    if not is_postgres(connection()):
        pytest.skip("PostgreSQL's row locks and deadlock detection")
    branch, b = await a_branch_that_submitted(api)  # its state and version rows exist

    other = await asyncpg.connect(settings.database_url)
    try:
        held = other.transaction()
        await held.start()
        await other.execute("SET LOCAL deadlock_timeout = '30s'")  # this session never detects
        await other.execute(
            "SELECT 1 FROM state_version WHERE organization_id = $1 FOR UPDATE", branch.parent_id
        )
        submit = asyncio.create_task(api.data(SUBMIT, {"b": gid(branch), "r": ratings(poor=2)}, b))
        await _wait_for_a_lock_wait(other)  # the submission holds its row, waits for the version
        await other.execute("SELECT 1 FROM branch_state WHERE branch_id = $1 FOR UPDATE", branch.id)
        await held.rollback()  # the cycle was broken by ending the submission's transaction
        done = (await submit)["submitSelfCheck"]
    finally:
        await other.close()
    assert done["userErrors"] == [] and done["selfCheck"]["version"] == 2
    assert await SelfCheck.filter(branch_id=branch.id).count() == 2


async def test_one_fold_at_a_time(api: Api, settings: Settings) -> None:
    """Every worker folds in the background; a fold holds an advisory lock to the end of
    its transaction. While another session holds it, a background fold does nothing and
    tries again at its next interval (the deltas are still summed by every read); a
    waiting fold (``zhengdun compact``) proceeds once it is released."""
    if not is_postgres(connection()):
        pytest.skip("PostgreSQL's advisory locks")
    branch, _ = await a_branch_that_submitted(api)
    fresh = await ProgressDelta.filter(in_totals=False).count()
    assert fresh > 0

    other = await asyncpg.connect(settings.database_url)
    try:
        held = other.transaction()
        await held.start()
        await other.execute("SELECT pg_advisory_xact_lock($1)", FOLD_LOCK)
        assert await fold_deltas(wait=False) == Folded(0, 0, busy=True)
        assert await fold_new_deltas(None) is None  # not done: the next interval tries again
        waiting = asyncio.create_task(fold_deltas())
        await asyncio.sleep(0.2)
        assert not waiting.done()
        assert await ProgressDelta.filter(in_totals=False).count() == fresh
        await held.rollback()
        folded = await asyncio.wait_for(waiting, 10)
    finally:
        await other.close()
    assert folded.counted == fresh and not folded.busy
    assert await ProgressDelta.filter(in_totals=False).count() == 0
    assert await ProgressTotal.filter(org_id=branch.parent_id).count() == 1
