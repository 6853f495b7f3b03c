"""End to end through HTTP: one branch along every path of the transition table."""

from __future__ import annotations

from tests.api import Api, admin, build_tree, campaign, gid, ratings

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
