"""Every workflow mutation, tried by every kind of actor: it succeeds exactly where the
rules allow (the branch's own admin submits; only its direct superior assesses and
reviews; only the root admin runs campaigns) and writes nothing otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from models.audit import AuditEntry
from models.campaign import Campaign
from models.notification import Notification, NotificationRead
from models.rectification import BranchState, Review, SelfCheck
from tests.api import Api, admin, build_tree, campaign, gid, org, ratings
from tests.test_rectification_flow import ASSESS, REVIEW, SUBMIT

ACTORS = [
    "anonymous",
    "branch",
    "other_branch",
    "superior",
    "superiors_superior",
    "other_province",
    "root",
]


@dataclass
class World:
    api: Api
    tokens: dict[str, str | None]
    branch: object
    unsubmitted: object


async def world(api: Api) -> World:
    tree = await build_tree()
    other_province_branch_parent = await org(tree.other_province, "乙省某团委")
    await admin(tree.branches[0], "branch")
    await admin(tree.branches[1], "other_branch")
    await admin(tree.committees[0], "superior")
    await admin(tree.county, "superiors_superior")
    await admin(other_province_branch_parent, "other_province")
    await admin(tree.root, "root")
    tokens: dict[str, str | None] = {"anonymous": None}
    for actor in ACTORS[1:]:
        tokens[actor] = await api.login(actor)
    await campaign()
    return World(api, tokens, tree.branches[0], tree.branches[2])


async def written() -> tuple[int, ...]:
    return (
        await SelfCheck.all().count(),
        await Review.all().count(),
        await BranchState.all().count(),
        await Notification.all().count(),
        await NotificationRead.all().count(),
        await Campaign.all().count(),
        await AuditEntry.exclude(action="login").count(),
    )


async def try_everyone(
    w: World, query: str, variables: dict, field: str, allowed: set[str]
) -> None:
    """Refused actors first (each writes nothing), then the allowed ones succeed."""
    for actor in ACTORS:
        if actor in allowed:
            continue
        before = await written()
        codes = await w.api.error_codes(query, variables, w.tokens[actor])
        expected = "UNAUTHENTICATED" if actor == "anonymous" else "FORBIDDEN"
        assert codes == [expected], (field, actor, codes)
        assert await written() == before, (field, actor)
    for actor in sorted(allowed):
        data = await w.api.data(query, variables, w.tokens[actor])
        assert data[field]["userErrors"] == [], (field, actor, data)


async def test_assess_submit_review_matrix(api: Api) -> None:
    w = await world(api)
    await try_everyone(
        w, ASSESS, {"b": gid(w.unsubmitted), "r": ratings(poor=2)}, "assessBranch", {"superior"}
    )
    await try_everyone(
        w, SUBMIT, {"b": gid(w.branch), "r": ratings(poor=2)}, "submitSelfCheck", {"branch"}
    )
    form = await SelfCheck.get(branch_id=w.branch.id)
    from schema.ids import encode_id

    await try_everyone(
        w,
        REVIEW,
        {"s": encode_id("SelfCheck", form.id), "d": "PASS"},
        "reviewSelfCheck",
        {"superior"},
    )


CREATE = """mutation($y:Int!){createCampaign(input:{year:$y,name:"试点",startsOn:"2027-09-01",
  selfCheckDeadline:"2027-10-31",reviewDeadline:"2027-11-30",endsOn:"2027-12-31"}){
  campaign{id} userErrors{code}}}"""
CLOSE = "mutation($id:ID!){closeCampaign(campaignId:$id){campaign{id} userErrors{code}}}"
MARK_READ = "mutation($ids:[ID!]!){markNotificationsRead(ids:$ids)}"


async def test_campaign_mutations_are_the_root_admins(api: Api) -> None:
    w = await world(api)
    await try_everyone(w, CREATE, {"y": 2027}, "createCampaign", {"root"})
    from schema.ids import encode_id

    current = await Campaign.get(year=2026)
    await try_everyone(
        w, CLOSE, {"id": encode_id("Campaign", current.id)}, "closeCampaign", {"root"}
    )


async def test_notifications_are_marked_read_only_by_their_branch(api: Api) -> None:
    w = await world(api)
    await w.api.data(SUBMIT, {"b": gid(w.branch), "r": ratings(poor=1)}, w.tokens["branch"])
    form = await SelfCheck.get(branch_id=w.branch.id)
    from schema.ids import encode_id

    await w.api.data(
        REVIEW,
        {"s": encode_id("SelfCheck", form.id), "d": "REJECT", "c": "不实"},
        w.tokens["superior"],
    )
    note = await Notification.get(organization_id=w.branch.id)
    ids = {"ids": [encode_id("Notification", note.id)]}
    for actor in ACTORS:
        if actor == "branch":
            continue
        before = await written()
        codes = await w.api.error_codes(MARK_READ, ids, w.tokens[actor])
        assert codes == ["UNAUTHENTICATED" if actor == "anonymous" else "FORBIDDEN"], actor
        assert await written() == before
    assert await w.api.data(MARK_READ, ids, w.tokens["branch"]) == {"markNotificationsRead": 1}
