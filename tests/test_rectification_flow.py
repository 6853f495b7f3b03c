"""End to end through HTTP: one branch along every path of the transition table."""

from __future__ import annotations

from models.rectification import BranchState, Review, SelfCheck
from models.workflow import ReviewDecision
from schema.ids import decode_int_id
from tests.api import Api, admin, build_tree, campaign, gid, ratings
from tests.test_tree_api import count_statements
from zhengdun.db import is_postgres

SUBMIT = """mutation($b:ID!,$r:[RatingInput!]!,$k:String){submitSelfCheck(input:{branchId:$b,ratings:$r,clientMutationId:$k}){
  selfCheck{id version source poorCount filledByName} rectification{status isKey keyReason}
  userErrors{code message field}}}"""
ASSESS = """mutation($b:ID!,$r:[RatingInput!]!){assessBranch(input:{branchId:$b,ratings:$r}){
  selfCheck{id version source poorCount} rectification{status isKey keyReason}
  userErrors{code message field}}}"""
REVIEW = """mutation($s:ID!,$d:ReviewDecision!,$c:String){reviewSelfCheck(input:{selfCheckId:$s,decision:$d,comment:$c}){
  rectification{status isKey keyReason} userErrors{code message field}}}"""
STATE = """query($id:ID!){organization(id:$id){rectification{status isKey keyReason keySince canReview
  latestSelfCheck{id version} selfChecks{version source filledByName poorCount
  review{decision reviewerName comment} ratings{item{code title} rating note}}}}}"""


async def submit(api: Api, token: str, branch, **kw) -> dict:
    data = await api.data(SUBMIT, {"b": gid(branch), "r": ratings(**kw)}, token)
    return data["submitSelfCheck"]


async def review(api: Api, token: str, form_id: str, decision: str, comment=None) -> dict:
    data = await api.data(REVIEW, {"s": form_id, "d": decision, "c": comment}, token)
    return data["reviewSelfCheck"]


async def state(api: Api, token: str, branch) -> dict:
    return (await api.data(STATE, {"id": gid(branch)}, token))["organization"]["rectification"]


async def test_submit_reject_resubmit_pass(api: Api) -> None:
    tree = await build_tree()
    await campaign()
    branch = tree.branches[0]
    await admin(branch, "branch", "李支书")
    await admin(tree.committees[0], "superior", "王书记")
    b = await api.login("branch")
    s = await api.login("superior")

    first = await submit(api, b, branch, poor=2)
    assert first["userErrors"] == []
    assert first["selfCheck"]["source"] == "SELF"
    assert first["selfCheck"]["filledByName"] == "李支书"
    assert first["rectification"] == {"status": "PENDING_REVIEW", "isKey": False, "keyReason": None}

    refused = await review(api, s, first["selfCheck"]["id"], "REJECT")
    assert [e["code"] for e in refused["userErrors"]] == ["REASON_REQUIRED"]
    rejected = await review(api, s, first["selfCheck"]["id"], "REJECT", "团员人数与实际不符")
    assert rejected["rectification"]["status"] == "REJECTED"

    second = await submit(api, b, branch, poor=1)
    assert second["selfCheck"]["version"] == 2
    assert second["rectification"]["status"] == "PENDING_REVIEW"
    stale = await review(api, s, first["selfCheck"]["id"], "PASS")
    assert [e["code"] for e in stale["userErrors"]] == ["STALE_SELF_CHECK"]
    passed = await review(api, s, second["selfCheck"]["id"], "PASS")
    assert passed["rectification"] == {"status": "PASSED", "isKey": False, "keyReason": None}

    view = await state(api, b, branch)
    assert [f["version"] for f in view["selfChecks"]] == [2, 1]
    assert view["selfChecks"][1]["review"] == {
        "decision": "REJECT",
        "reviewerName": "王书记",
        "comment": "团员人数与实际不符",
    }
    assert view["selfChecks"][0]["review"]["decision"] == "PASS"
    assert view["canReview"] is False
    assert (await state(api, s, branch))["canReview"] is True
    after_pass = await submit(api, b, branch)
    assert [e["code"] for e in after_pass["userErrors"]] == ["INVALID_STATE"]


async def test_twelve_poor_must_go_through_key_rectification(api: Api) -> None:
    tree = await build_tree()
    await campaign()
    branch = tree.branches[0]
    await admin(branch, "branch")
    await admin(tree.committees[0], "superior")
    b = await api.login("branch")
    s = await api.login("superior")

    form = await submit(api, b, branch, poor=12)
    refused = await review(api, s, form["selfCheck"]["id"], "PASS")
    assert [e["code"] for e in refused["userErrors"]] == ["POOR_THRESHOLD_REQUIRES_RECTIFICATION"]
    assert (await state(api, s, branch))["status"] == "PENDING_REVIEW"

    started = await review(api, s, form["selfCheck"]["id"], "START_RECTIFICATION", "限期整改")
    assert started["rectification"] == {
        "status": "KEY_RECTIFYING",
        "isKey": True,
        "keyReason": "POOR_THRESHOLD",
    }

    again = await submit(api, b, branch, poor=6)
    assert again["rectification"]["status"] == "KEY_PENDING_REVIEW"
    cont = await review(api, s, again["selfCheck"]["id"], "CONTINUE_RECTIFICATION", "仍需整改")
    assert cont["rectification"] == {
        "status": "KEY_RECTIFYING",
        "isKey": True,
        "keyReason": "POOR_THRESHOLD",
    }

    last = await submit(api, b, branch, poor=0, fair=4)
    assert last["rectification"]["status"] == "KEY_PENDING_REVIEW"
    wrong = await review(api, s, last["selfCheck"]["id"], "START_RECTIFICATION")
    assert [e["code"] for e in wrong["userErrors"]] == ["INVALID_STATE"]
    done = await review(api, s, last["selfCheck"]["id"], "PASS")
    assert done["rectification"] == {
        "status": "RECTIFIED",
        "isKey": True,
        "keyReason": "POOR_THRESHOLD",
    }

    view = await state(api, b, branch)
    assert [
        (f["version"], f["poorCount"], f["review"]["decision"]) for f in view["selfChecks"]
    ] == [(3, 0, "PASS"), (2, 6, "CONTINUE_RECTIFICATION"), (1, 12, "START_RECTIFICATION")]
    assert view["keySince"] is not None


async def test_superior_assessment_with_eleven_poor_is_key_at_once(api: Api) -> None:
    tree = await build_tree()
    await campaign()
    branch = tree.branches[1]
    await admin(branch, "branch")
    await admin(tree.committees[0], "superior", "王书记")
    b = await api.login("branch")
    s = await api.login("superior")

    data = await api.data(ASSESS, {"b": gid(branch), "r": ratings(poor=11)}, s)
    payload = data["assessBranch"]
    assert payload["userErrors"] == []
    assert payload["selfCheck"]["source"] == "SUPERIOR"
    assert payload["rectification"] == {
        "status": "KEY_RECTIFYING",
        "isKey": True,
        "keyReason": "POOR_THRESHOLD",
    }
    view = await state(api, b, branch)
    assert view["selfChecks"][0]["filledByName"] == "王书记"
    again = await api.data(ASSESS, {"b": gid(branch), "r": ratings(poor=1)}, s)
    assert [e["code"] for e in again["assessBranch"]["userErrors"]] == ["INVALID_STATE"]
    resubmit = await submit(api, b, branch, poor=3)
    assert resubmit["rectification"]["status"] == "KEY_PENDING_REVIEW"


async def test_assessment_below_threshold_then_the_superior_decides(api: Api) -> None:
    tree = await build_tree()
    await campaign()
    branch = tree.branches[2]
    await admin(tree.committees[0], "superior")
    s = await api.login("superior")
    data = await api.data(ASSESS, {"b": gid(branch), "r": ratings(poor=4)}, s)
    form = data["assessBranch"]
    assert form["rectification"]["status"] == "PENDING_REVIEW"
    reject = await review(api, s, form["selfCheck"]["id"], "REJECT", "自己评的")
    assert [e["code"] for e in reject["userErrors"]] == ["INVALID_STATE"]
    started = await review(api, s, form["selfCheck"]["id"], "START_RECTIFICATION")
    assert started["rectification"]["keyReason"] == "REVIEW_DECISION"


async def test_incomplete_ratings_name_the_items(api: Api) -> None:
    tree = await build_tree()
    await campaign()
    branch = tree.branches[0]
    await admin(branch, "branch")
    b = await api.login("branch")
    form = ratings()
    missing = form[:-2]
    duplicated = form + [form[0]]
    unknown = form + [{"itemCode": "XX-99", "rating": "GOOD"}]
    for bad, named in (
        (missing, form[-1]["itemCode"]),
        (duplicated, form[0]["itemCode"]),
        (unknown, "XX-99"),
    ):
        data = await api.data(SUBMIT, {"b": gid(branch), "r": bad}, b)
        errors = data["submitSelfCheck"]["userErrors"]
        assert [e["code"] for e in errors] == ["INCOMPLETE_RATINGS"]
        assert named in errors[0]["message"]
    assert (await state(api, b, branch))["selfChecks"] == []


async def test_double_clicked_submit_files_one_form(api: Api) -> None:
    tree = await build_tree()
    await campaign()
    branch = tree.branches[0]
    await admin(branch, "branch")
    b = await api.login("branch")
    variables = {"b": gid(branch), "r": ratings(poor=1), "k": "click-1"}
    first = (await api.data(SUBMIT, variables, b))["submitSelfCheck"]
    second = (await api.data(SUBMIT, variables, b))["submitSelfCheck"]
    assert first["selfCheck"]["id"] == second["selfCheck"]["id"]
    assert len((await state(api, b, branch))["selfChecks"]) == 1


async def test_a_transition_is_written_in_one_statement_after_the_lock(api: Api) -> None:
    """The form, the state row naming it, the counts, the audit (and a review) are one
    statement on PostgreSQL (``zhengdun.db.write_together``), one by one on SQLite; the
    state row holds the new form's id either way, as latest and, for a branch made key
    by its superior's assessment, as baseline."""
    tree = await build_tree()
    await campaign()
    branch, assessed = tree.branches[0], tree.branches[1]
    await admin(branch, "branch")
    await admin(tree.committees[0], "superior")
    b = await api.login("branch")
    s = await api.login("superior")

    together = is_postgres()

    def writes(statements: list[str]) -> list[list[str]]:
        """The tables each writing statement writes (SQLite's in sorted order)."""
        tables = ("self_check", "branch_state", "progress_delta", "audit_entry", "review")
        written = [
            [t for t in tables if f"INSERT INTO {t} " in sql or f"UPDATE {t} " in sql]
            for sql in statements
        ]
        return [w for w in written if w] if together else sorted(w for w in written if w)

    first = await submit(api, b, branch, poor=2)  # creates the state row, reads the template
    with count_statements() as statements:
        rejected = await review(api, s, first["selfCheck"]["id"], "REJECT", "请补充材料")
    assert rejected["rectification"]["status"] == "REJECTED"
    reviewed = ["branch_state", "progress_delta", "audit_entry", "review"]
    assert writes(statements) == ([reviewed] if together else sorted([t] for t in reviewed))
    first_id = decode_int_id(first["selfCheck"]["id"], "SelfCheck")
    assert (await Review.get(self_check_id=first_id)).decision == ReviewDecision.REJECT

    with count_statements() as statements:
        second = await submit(api, b, branch, poor=1)
    assert second["userErrors"] == []
    filed = ["self_check", "branch_state", "progress_delta", "audit_entry"]
    assert writes(statements) == ([filed] if together else sorted([t] for t in filed))
    assert len(statements) == (3 if together else 6)  # the viewer, the lock, the writes
    row = await BranchState.get(branch_id=branch.id)
    form = await SelfCheck.get(branch_id=branch.id, version=2)
    assert decode_int_id(second["selfCheck"]["id"], "SelfCheck") == form.id
    assert form.id == row.latest_self_check_id and form.id != first_id
    assert (form.poor_count, row.latest_poor, row.status) == (1, 1, "PENDING_REVIEW")

    data = await api.data(ASSESS, {"b": gid(assessed), "r": ratings(poor=11)}, s)
    assert data["assessBranch"]["rectification"]["isKey"] is True
    row = await BranchState.get(branch_id=assessed.id)
    form = await SelfCheck.get(branch_id=assessed.id)
    assert row.latest_self_check_id == row.baseline_self_check_id == form.id
