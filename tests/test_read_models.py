"""Rows read by hand-written SQL become the same models Tortoise builds (zhengdun.db)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from tortoise.exceptions import OperationalError

from models.campaign import Campaign
from models.organization import Organization
from models.rectification import BranchState, SelfCheck, ShownState
from tests.api import Api, Tree, admin, build_tree, campaign
from tests.test_views import submit_and_review
from zhengdun.db import any_of, connection, is_postgres, placeholder, read_models, read_tuples


def described(instance: Any) -> dict[str, Any]:
    """Its attributes; datetimes also by their offset, zone name and text."""
    return {
        k: (v, v.utcoffset(), v.tzname(), v.isoformat()) if isinstance(v, datetime.datetime) else v
        for k, v in vars(instance).items()
    }


async def rows(sql: str, params: list[Any] | None = None) -> list[Any]:
    _, found = await connection().execute_query(sql, params or [])
    return list(found)


async def reviewed_branches(api: Api) -> Tree:
    """A committee's three branches: one passed, one key (rectifying), one without a form."""
    tree = await build_tree(committees=1, branches_per_committee=3)
    await admin(tree.committees[0], "sup")
    for i, branch in enumerate(tree.branches):
        await admin(branch, f"b{i}")
    await campaign()
    sup = await api.login("sup")
    await submit_and_review(api, sup, tree.branches[0], 0, poor=0, decision="PASS")
    await submit_and_review(api, sup, tree.branches[1], 1, poor=12, decision="START_RECTIFICATION")
    return tree


async def test_the_same_instances_as_init_from_db(api: Api) -> None:
    tree = await reviewed_branches(api)

    for model, table in (
        (Organization, "organization"),
        (BranchState, "branch_state"),
        (SelfCheck, "self_check"),
        (Campaign, "campaign"),
    ):
        found = await rows(f"SELECT * FROM {table} ORDER BY id")
        assert found, table
        ours = read_models(model, found)
        theirs = [model._init_from_db(**dict(row)) for row in found]
        assert [type(o) for o in ours] == [model] * len(found)
        assert [described(o) for o in ours] == [described(t) for t in theirs], table
        # The same from dicts (read by name), and with a column the model does not have.
        as_dicts = read_models(model, [dict(row) for row in found])
        assert [described(o) for o in as_dicts] == [described(t) for t in theirs], table
        ranked = await rows(f"SELECT t.*, 7 AS rn FROM {table} t ORDER BY id")
        assert [described(o) for o in read_models(model, ranked)] == [
            described(t) for t in theirs
        ], table
    # Enum columns are members, datetimes aware: what the schema reads.
    states = read_models(BranchState, await rows("SELECT * FROM branch_state ORDER BY id"))
    assert {s.status.value for s in states} == {"PASSED", "KEY_RECTIFYING"}
    assert all(s.updated_at.tzinfo is not None for s in states)

    # A value the inline look-up does not know: converted as Tortoise converts it, which
    # here means its error; the rows before it in the same result are unaffected.
    [good, bad] = [dict(row) for row in await rows("SELECT * FROM branch_state ORDER BY id")]
    bad["status"] = "NO_SUCH_STATUS"
    with pytest.raises(ValueError) as ours_error:
        read_models(BranchState, [good, bad])
    with pytest.raises(ValueError) as theirs_error:
        BranchState._init_from_db(**bad)
    assert str(ours_error.value) == str(theirs_error.value)
    bad["status"] = "PASSED"
    assert [s.status.value for s in read_models(BranchState, [good, bad])] == [
        good["status"],
        "PASSED",
    ]

    # A row without every column: a partial model, as Tortoise makes it.
    [partial] = read_models(
        Organization, await rows("SELECT id, name FROM organization WHERE depth = 0")
    )
    assert partial._partial and partial.name == tree.root.name


async def test_any_of_matches_the_listed_values(api: Api) -> None:
    tree = await build_tree(committees=2, branches_per_committee=2)
    conn = connection()
    wanted = [tree.branches[0].id, tree.branches[3].id, 10**9]
    among, params = any_of(conn, 1, wanted)
    found = await rows(f"SELECT id FROM organization WHERE id{among} ORDER BY id", params)
    assert [row["id"] for row in found] == [tree.branches[0].id, tree.branches[3].id]
    among, params = any_of(conn, 2, [tree.county.id])
    found = await rows(
        f"SELECT id FROM organization WHERE depth = {placeholder(conn, 1)} AND parent_id{among}",
        [tree.committees[0].depth, *params],
    )
    assert {row["id"] for row in found} == {c.id for c in tree.committees}
    among, params = any_of(conn, 1, [])
    assert await rows(f"SELECT id FROM organization WHERE id{among}", params) == []
    if is_postgres(conn):  # the ids travel as an array's text, which PostgreSQL checks
        among, params = any_of(conn, 1, ["x"])  # type: ignore[list-item]
        with pytest.raises(OperationalError):
            await rows(f"SELECT id FROM organization WHERE id{among}", params)


async def test_shown_states_hold_the_models_values(api: Api) -> None:
    await reviewed_branches(api)

    whole = read_models(BranchState, await rows("SELECT * FROM branch_state ORDER BY id"))
    expected = [ShownState(*(getattr(state, f) for f in ShownState._fields)) for state in whole]
    assert any(s.key_since is not None and s.key_reason is not None for s in expected)
    # By position, by name, the columns in another order, among others.
    reversed_columns = ", ".join(reversed(ShownState._fields))
    for sql in (
        f"SELECT {', '.join(ShownState._fields)} FROM branch_state ORDER BY id",
        f"SELECT {reversed_columns} FROM branch_state ORDER BY id",
        "SELECT * FROM branch_state ORDER BY id",
    ):
        found = await rows(sql)
        for given in (found, [dict(row) for row in found]):
            shown = read_tuples(BranchState, ShownState, given)
            assert [type(s) for s in shown] == [ShownState] * len(whole)
            assert [described_tuple(s) for s in shown] == [described_tuple(e) for e in expected]

    # A value the look-up does not know: Tortoise's conversion, with its error.
    [good, bad] = [dict(row) for row in await rows("SELECT * FROM branch_state ORDER BY id")]
    bad["key_reason"] = "NO_SUCH_REASON"
    with pytest.raises(ValueError, match="NO_SUCH_REASON"):
        read_tuples(BranchState, ShownState, [good, bad])
    # Rows without a field's column: refused, not half read.
    with pytest.raises(ValueError, match="latest_poor"):
        read_tuples(BranchState, ShownState, await rows("SELECT branch_id FROM branch_state"))


def described_tuple(shown: ShownState) -> list[Any]:
    return [
        (v, v.utcoffset(), v.tzname()) if isinstance(v, datetime.datetime) else v for v in shown
    ]
