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
        "decision": "REJECT", "reviewerName": "王书记", "comment": "团员人数与实际不符"}
    assert view["selfChecks"][0]["review"]["decision"] == "PASS"
    assert view["canReview"] is False
    assert (await state(api, s, branch))["canReview"] is True
    after_pass = await submit(api, b, branch)
    assert [e["code"] for e in after_pass["userErrors"]] == ["INVALID_STATE"]
