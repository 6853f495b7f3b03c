"""The progress counts equal a brute-force recount after any sequence of mutations.

Hypothesis drives random submits, assessments, reviews and bottom selections through
the GraphQL API (folding the insert-only deltas at random moments), then every
organisation's ``progress`` row, ``bottomSelection`` and ``subordinateBranches`` totals
are compared with a recount of the state rows.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.organization import Organization, OrgType, Sector, is_within
from models.progress import ProgressDelta
from models.rectification import BranchState, SelfCheck
from resolvers.progress import fold_deltas, fold_new_deltas
from schema.ids import encode_id
from tests.api import Api, admin, build_tree, campaign, gid, org, ratings, token_for
from tests.conftest import empty_database
from tests.test_rectification_flow import ASSESS, REVIEW, SUBMIT
from tests.test_tree_api import count_statements
from tests.test_views import SELECT

DECISIONS = ["PASS", "REJECT", "START_RECTIFICATION", "CONTINUE_RECTIFICATION"]
STATUSES = [
    "NOT_SUBMITTED",
    "PENDING_REVIEW",
    "REJECTED",
    "PASSED",
    "KEY_RECTIFYING",
    "KEY_PENDING_REVIEW",
    "RECTIFIED",
    "CARRIED_OVER",
]
# One request per organisation: its progress row, its quota, and a list per status.
ONE_ORG = (
    "query($id:ID!){organization(id:$id){"
    + (
        "progress{rows{totalBranches submittedBranches keyBranches rectifiedBranches "
        "selectedBranches bySector{sector totalBranches keyBranches}}} "
        "bottomSelection{selectedCount keyCount} "
        + " ".join(
            f"{s}: subordinateBranches(statuses:[{s}], first:100){{totalCount edges{{cursor}}}}"
            for s in STATUSES
        )
    )
    + "}}"
)

step = st.one_of(
    st.tuples(st.just("submit"), st.integers(0, 7), st.integers(0, 12)),
    st.tuples(st.just("assess"), st.integers(0, 7), st.integers(0, 12)),
    st.tuples(st.just("review"), st.integers(0, 7), st.integers(0, 3)),
    st.tuples(st.just("select"), st.integers(0, 7), st.integers(1, 3)),
    st.tuples(st.just("fold"), st.just(0), st.just(0)),
)


async def world():
    tree = await build_tree(committees=2, branches_per_committee=3)
    rural = await org(tree.sibling_county, "某镇团委", sector=Sector.RURAL)
    branches = list(tree.branches)
    for name in ("甲村团支部", "乙村团支部"):
        branches.append(await org(rural, name, OrgType.BRANCH, Sector.RURAL))
    tokens = {}
    for b in branches:
        tokens[b.id] = await token_for(await admin(b, f"b{b.id}"))
    superiors = {
        c.id: await token_for(await admin(c, f"s{c.id}")) for c in [*tree.committees, rural]
    }
    viewer = await token_for(await admin(tree.root, "root"))
    await campaign()
    return branches, tokens, superiors, viewer


async def act(api: Api, branches, tokens, superiors, move) -> None:
    kind, i, n = move
    branch = branches[i]
    superior = superiors[branch.parent_id]
    if kind == "submit":
        await api.data(SUBMIT, {"b": gid(branch), "r": ratings(poor=n, fair=1)}, tokens[branch.id])
    elif kind == "assess":
        await api.data(ASSESS, {"b": gid(branch), "r": ratings(poor=n)}, superior)
    elif kind == "review":
        latest = await SelfCheck.filter(branch_id=branch.id).order_by("-version").first()
        if latest is not None:
            await api.data(
                REVIEW,
                {"s": encode_id("SelfCheck", latest.id), "d": DECISIONS[n], "c": "意见"},
                superior,
            )
    elif kind == "select":
        siblings = [b for b in branches if b.parent_id == branch.parent_id]
        picks = [gid(b) for b in siblings[i % len(siblings) :][:n]]
        await api.data(
            SELECT, {"o": encode_id("Organization", branch.parent_id), "b": picks}, superior
        )
    else:
        await fold_deltas()


async def recount() -> dict[int, dict[str, object]]:
    """Counts for every non-branch organisation, straight from the state rows."""
    orgs = await Organization.all()
    states = {s.branch_id: s for s in await BranchState.all()}
    branches = [o for o in orgs if o.type == OrgType.BRANCH]
    result = {}
    for o in orgs:
        if o.type == OrgType.BRANCH:
            continue
        mine = [b for b in branches if is_within(b.path, o.path)]
        rows = [states.get(b.id) for b in mine]
        direct = [states.get(b.id) for b in mine if b.parent_id == o.id]
        result[o.id] = {
            "total": len(mine),
            "submitted": sum(1 for r in rows if r and r.latest_self_check_id),
            "key": sum(1 for r in rows if r and r.is_key),
            "rectified": sum(1 for r in rows if r and r.status == "RECTIFIED"),
            "selected": sum(1 for r in rows if r and r.selected_as_bottom),
            "by_sector": Counter(
                (b.sector.value, bool(states.get(b.id) and states[b.id].is_key)) for b in mine
            ),
            "statuses": Counter(r.status.value if r else "NOT_SUBMITTED" for r in rows),
            "direct_selected": sum(1 for r in direct if r and r.selected_as_bottom),
            "direct_key": sum(1 for r in direct if r and r.is_key),
        }
    return result


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(moves=st.lists(step, min_size=1, max_size=25))
async def test_counts_match_a_recount(api: Api, moves) -> None:
    await empty_database()
    branches, tokens, superiors, viewer = await world()
    for move in moves:
        await act(api, branches, tokens, superiors, move)
    expected = await recount()
    for org_id, want in expected.items():
        data = await api.data(ONE_ORG, {"id": encode_id("Organization", org_id)}, viewer)
        found = data["organization"]
        row = found["progress"]["rows"][0]
        assert (
            row["totalBranches"],
            row["submittedBranches"],
            row["keyBranches"],
            row["rectifiedBranches"],
            row["selectedBranches"],
        ) == (want["total"], want["submitted"], want["key"], want["rectified"], want["selected"])
        sectors: Counter = Counter()
        for s in row["bySector"]:
            sectors[(s["sector"], True)] += s["keyBranches"]
            sectors[(s["sector"], False)] += s["totalBranches"] - s["keyBranches"]
        assert +sectors == +want["by_sector"]
        selection = found["bottomSelection"]
        assert (selection["selectedCount"], selection["keyCount"]) == (
            want["direct_selected"],
            want["direct_key"],
        )
        for status in STATUSES:
            listed = found[status]
            assert listed["totalCount"] == want["statuses"][status] == len(listed["edges"]), status


async def test_the_background_fold_groups_the_deltas_only_after_new_ones(api: Api) -> None:
    """An idle service reads the newest delta id each interval, not the whole table."""
    tree = await build_tree(committees=1, branches_per_committee=3)
    await campaign()
    tokens = [await token_for(await admin(b, f"b{i}")) for i, b in enumerate(tree.branches)]

    async def submit(i: int) -> None:
        data = await api.data(SUBMIT, {"b": gid(tree.branches[i]), "r": ratings(poor=1)}, tokens[i])
        assert data["submitSelfCheck"]["userErrors"] == []

    async def fold(seen: int | None) -> tuple[int, list[str]]:
        with count_statements() as statements:
            seen = await fold_new_deltas(seen)
        return seen, [s for s in statements if "GROUP BY" in s]

    await submit(0)
    await submit(1)  # two deltas per ancestor group: something to fold
    before = await ProgressDelta.all().count()
    seen, grouped = await fold(None)
    assert grouped and await ProgressDelta.all().count() < before
    after_fold = await ProgressDelta.all().count()

    seen, grouped = await fold(seen)  # nothing new: no grouping
    assert grouped == [] and await ProgressDelta.all().count() == after_fold

    await submit(2)  # a third branch: its ancestors' groups have two rows each again
    seen, grouped = await fold(seen)
    assert grouped and await ProgressDelta.all().count() == after_fold
