"""``zhengdun generate``: the generated data is what the API would have written.

About 2,000 branches are generated into the test database, then: every count is
recounted by brute force and every branch's history is replayed through the rules; the
API, logged in as a generated county admin, agrees with the recount; writes through the
API still work on top (sequences) and keep the counts exact; the same seed gives the same
data.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from models import workflow
from models.account import Account
from models.campaign import Campaign, shipped_template
from models.notification import Notification
from models.organization import Organization, OrgType, child_path
from models.progress import (
    METRICS,
    SECTOR_KEYS,
    TOTAL_COLUMNS,
    BranchFacts,
    BranchTally,
    ProgressDelta,
    ProgressTotal,
)
from models.rectification import BranchState, Review, SelfCheck
from resolvers.notification import notification_message
from resolvers.progress import Folded, fold_deltas
from schema.ids import decode_int_id, encode_id
from tests.api import Api, gid, ratings
from tests.test_rectification_flow import REVIEW, SUBMIT
from zhengdun.clock import FixedClock, china_datetime
from zhengdun.generate import GENERATED_PASSWORD, GenerateError, generate

BRANCHES = 2000
NOW = china_datetime(2026, 11, 20, 18)
S = workflow.RectificationStatus


async def make(clock: FixedClock, seed: int = 7, branches: int = BRANCHES, **options: Any):
    clock.set(NOW)
    options.setdefault("log", lambda _: None)
    return await generate(branches, seed, now=NOW, **options)


# --- the brute-force recount ---------------------------------------------------------


async def recount() -> dict[str, Any]:
    """Every count, from organisation and state rows alone (no tallies, no deltas)."""
    campaign = await Campaign.get()
    orgs = {o.id: o for o in await Organization.all()}
    states = {s.branch_id: s for s in await BranchState.filter(campaign_id=campaign.id)}
    children: dict[int, list[Organization]] = defaultdict(list)
    for o in orgs.values():
        if o.parent_id is not None:
            children[o.parent_id].append(o)
    tally: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    deltas: dict[tuple[int, str, bool], list[int]] = defaultdict(lambda: [0] * len(METRICS))
    branch_count: Counter[int] = Counter()
    for o in orgs.values():
        ancestors = o.ancestor_ids
        if o.type == OrgType.BRANCH:
            state = states.get(o.id)
            facts = BranchFacts()
            if state is not None:
                facts = BranchFacts(
                    state.status,
                    state.latest_self_check_id is not None,
                    state.is_key,
                    state.selected_as_bottom,
                )
            vector = facts.vector()
            for a in ancestors:
                branch_count[a] += 1
                tally[(a, o.sector.value)][0] += 1
                tally[(a, o.sector.value)][1] += a == o.parent_id
                if any(vector.values()):
                    group = deltas[(a, o.sector.value, a == o.parent_id)]
                    for i, m in enumerate(METRICS):
                        group[i] += vector[m]
            continue
        direct = [c for c in children[o.id] if c.type == OrgType.BRANCH]
        if not direct:
            continue
        for a in [*ancestors, o.id]:
            tally[(a, o.sector.value)][2] += 1
        ticked = sum(1 for b in direct if b.id in states and states[b.id].selected_as_bottom)
        if ticked >= workflow.bottom_quota(len(direct), campaign.bottom_ratio):
            for a in [*ancestors, o.id]:
                deltas[(a, o.sector.value, False)][METRICS.index("quota_met")] += 1
    return {
        "campaign": campaign,
        "orgs": orgs,
        "states": states,
        "tally": {k: v for k, v in tally.items()},
        "deltas": {k: v for k, v in deltas.items() if any(v)},
        "branch_count": branch_count,
    }


async def stored_deltas(folded: bool) -> dict[tuple[int, str, bool], list[int]]:
    rows = await ProgressDelta.all()
    sums: dict[tuple[int, str, bool], list[int]] = defaultdict(lambda: [0] * len(METRICS))
    seen: Counter[tuple[int, str, bool]] = Counter()
    for row in rows:
        key = (row.org_id, row.sector.value, row.direct)
        seen[key] += 1
        for i, m in enumerate(METRICS):
            sums[key][i] += getattr(row, m)
    if folded:  # one row per group, each counted into the totals, as fold_deltas leaves them
        assert max(seen.values()) == 1
        assert all(row.in_totals for row in rows)
    return {k: v for k, v in sums.items() if any(v)}


def as_totals(deltas: dict[tuple[int, str, bool], list[int]]) -> dict[int, list[int]]:
    """Per organisation, what its ProgressTotal row holds once every delta is counted."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0] * len(TOTAL_COLUMNS))
    for (org_id, sector, _direct), vector in deltas.items():
        total = totals[org_id]
        for i, value in enumerate(vector):
            total[i] += value
        total[TOTAL_COLUMNS.index(SECTOR_KEYS[sector])] += vector[METRICS.index("key")]
    return {k: v for k, v in totals.items() if any(v)}


async def stored_totals() -> dict[int, list[int]]:
    """The totals rows plus the deltas not yet counted into them."""
    totals = {t.org_id: [getattr(t, c) for c in TOTAL_COLUMNS] for t in await ProgressTotal.all()}
    fresh: dict[tuple[int, str, bool], list[int]] = defaultdict(lambda: [0] * len(METRICS))
    for d in await ProgressDelta.filter(in_totals=False):
        group = fresh[(d.org_id, d.sector.value, d.direct)]
        for i, m in enumerate(METRICS):
            group[i] += getattr(d, m)
    for org_id, vector in as_totals(fresh).items():
        total = totals.setdefault(org_id, [0] * len(TOTAL_COLUMNS))
        for i, value in enumerate(vector):
            total[i] += value
    return {k: v for k, v in totals.items() if any(v)}


async def check_counts(expected: dict[str, Any], folded: bool = True) -> None:
    orgs = expected["orgs"]
    for o in orgs.values():
        assert o.branch_count == expected["branch_count"][o.id], o.name
    tallies = {
        (t.org_id, t.sector.value): [t.branches, t.direct_branches, t.units]
        for t in await BranchTally.all()
    }
    assert tallies == expected["tally"]
    assert await stored_deltas(folded) == expected["deltas"]
    assert await stored_totals() == as_totals(expected["deltas"])


# --- replaying every branch's history through the rules ------------------------------


async def replay_all(expected: dict[str, Any]) -> Counter[str]:
    """Replays forms, reviews and selections in time order; the state rows and
    notifications must be exactly what the rules give. Returns the statuses."""
    campaign = expected["campaign"]
    orgs, states = expected["orgs"], expected["states"]
    codes = [item["code"] for item in shipped_template()["items"]]
    forms: dict[int, list[SelfCheck]] = defaultdict(list)
    for form in await SelfCheck.all().order_by("id"):
        forms[form.branch_id].append(form)
    reviews = {r.self_check_id: r for r in await Review.all()}
    notes: dict[int, list[tuple[str, str, datetime]]] = defaultdict(list)
    for n in await Notification.all().order_by("id"):
        notes[n.organization_id].append((n.kind.value, n.message, n.created_at))
    names = {a.organization_id: a.display_name for a in await Account.all()}
    statuses: Counter[str] = Counter()
    for branch in (o for o in orgs.values() if o.type == OrgType.BRANCH):
        mine = forms.get(branch.id, [])
        state = states.get(branch.id)
        statuses[state.status.value if state else "NOT_SUBMITTED"] += 1
        if state is None:
            assert not mine and branch.id not in notes
            continue
        events: list[tuple[datetime, int, str, Any]] = []
        for form in mine:
            events.append((form.submitted_at, 0, "form", form))
            if form.id in reviews:
                events.append((reviews[form.id].reviewed_at, 1, "review", reviews[form.id]))
        if state.selected_as_bottom:
            assert state.selected_at is not None
            events.append((state.selected_at, 2, "select", None))
        events.sort(key=lambda e: (e[0], e[1]))
        rules = workflow.BranchState(S.NOT_SUBMITTED)
        latest: SelfCheck | None = None
        key_since = baseline = None
        sent: list[tuple[str, str, datetime]] = []
        superior = names[branch.parent_id]
        for when, _, kind, item in events:
            source = latest.source if latest else None
            now_rules = workflow.BranchState(rules.status, rules.is_key, rules.key_reason, source)
            accepted = None
            actor = comment = None
            if kind == "form":
                assert item.version == (latest.version if latest else 0) + 1
                assert [r["itemCode"] for r in item.ratings] == codes
                assert all(r["note"] is None for r in item.ratings)
                count = Counter(r["rating"] for r in item.ratings)
                assert (count["POOR"], count["FAIR"], count["GOOD"]) == (
                    item.poor_count,
                    item.fair_count,
                    item.good_count,
                )
                if item.source == workflow.SelfCheckSource.SELF:
                    assert (item.filled_by_id, item.filled_by_name) == (branch.id, names[branch.id])
                    outcome = workflow.submit(now_rules)
                else:
                    assert (item.filled_by_id, item.filled_by_name) == (branch.parent_id, superior)
                    outcome = workflow.assess(now_rules, item.poor_count, campaign.poor_threshold)
                    accepted, actor = item.id, superior
                latest = item
            elif kind == "review":
                assert latest is not None and item.self_check_id == latest.id  # never stale
                assert (item.reviewer_id, item.reviewer_name) == (branch.parent_id, superior)
                outcome = workflow.review(
                    now_rules,
                    item.decision,
                    latest.poor_count,
                    campaign.poor_threshold,
                    item.comment,
                )
                accepted, actor, comment = latest.id, superior, item.comment
            else:
                # The API judges a selection without the form's source.
                outcome = workflow.select_as_bottom(
                    workflow.BranchState(rules.status, rules.is_key, rules.key_reason)
                )
                assert latest is not None
                accepted, actor = latest.id, superior
                assert state.selected_by_name == superior
            if outcome.becomes_key_now:
                key_since, baseline = when, accepted
            rules = workflow.BranchState(outcome.status, outcome.is_key, outcome.key_reason)
            sent += [
                (k.value, notification_message(k, actor, comment), when)
                for k in outcome.notifications
            ]
        assert latest is not None
        assert (
            state.status,
            state.is_key,
            state.key_reason,
            state.key_since,
            state.baseline_self_check_id,
        ) == (rules.status, rules.is_key, rules.key_reason, key_since, baseline), branch.name
        assert (state.latest_self_check_id, state.latest_poor, state.latest_fair) == (
            latest.id,
            latest.poor_count,
            latest.fair_count,
        )
        assert state.updated_at == events[-1][0]
        assert (state.branch_path, state.sector) == (branch.path, branch.sector)
        assert notes.get(branch.id, []) == sent, branch.name
    return statuses


async def check_references(expected: dict[str, Any]) -> None:
    """Every reference resolves (PostgreSQL may have skipped its foreign-key triggers)."""
    orgs = expected["orgs"]
    for o in orgs.values():
        parent = orgs.get(o.parent_id) if o.parent_id else None
        assert o.path == child_path(parent.path if parent else None, o.id)
        assert o.depth == (parent.depth + 1 if parent else 0)
        assert parent is None or parent.type != OrgType.BRANCH
    accounts = await Account.all()
    assert sorted(a.organization_id for a in accounts) == sorted(orgs)
    assert all(a.username == f"u{a.organization_id}" for a in accounts)
    branches = {o.id for o in orgs.values() if o.type == OrgType.BRANCH}
    forms = {f.id: f.branch_id for f in await SelfCheck.all()}
    assert set(forms.values()) <= branches
    assert {r.self_check_id for r in await Review.all()} <= set(forms)
    assert {n.organization_id for n in await Notification.all()} <= branches
    for state in expected["states"].values():
        assert state.branch_id in branches
        assert forms[state.latest_self_check_id] == state.branch_id
        if state.baseline_self_check_id is not None:
            assert forms[state.baseline_self_check_id] == state.branch_id


# --- the tests -----------------------------------------------------------------------


async def test_generated_counts_and_histories_are_what_the_api_would_write(
    clock: FixedClock,
) -> None:
    # On PostgreSQL, let the server check every foreign key as well.
    summary = await make(clock, check_foreign_keys=True)
    assert summary.levels["branches"] == BRANCHES
    assert summary.levels["root"] == 1 and summary.levels["units"] >= summary.levels["counties"]
    expected = await recount()
    await check_counts(expected)
    assert await fold_deltas() == Folded(counted=0, removed=0)  # already folded and counted
    await check_references(expected)
    statuses = await replay_all(expected)
    assert statuses == Counter(summary.statuses)
    shares = {s: n / BRANCHES for s, n in statuses.items()}
    assert 0.05 < shares["NOT_SUBMITTED"] < 0.15
    assert 0.15 < sum(1 for s in expected["states"].values() if s.is_key) / BRANCHES < 0.35
    assert {"PENDING_REVIEW", "PASSED", "KEY_RECTIFYING", "KEY_PENDING_REVIEW", "RECTIFIED"} <= set(
        statuses
    )
    # Selections: exactly the quota, all at one moment per organisation.
    by_unit: dict[int, list[BranchState]] = defaultdict(list)
    for state in expected["states"].values():
        if state.selected_as_bottom:
            by_unit[expected["orgs"][state.branch_id].parent_id].append(state)
    assert by_unit
    for unit_id, ticked in by_unit.items():
        n = expected["orgs"][unit_id].branch_count
        assert len(ticked) == workflow.bottom_quota(n, Decimal("0.2"))
        assert len({s.selected_at for s in ticked}) == 1


ORG_VIEW = (
    "query($id:ID!){organization(id:$id){"
    "progress{rows{organization{id} totalBranches submittedBranches keyBranches "
    "rectifiedBranches selectedBranches bySector{sector totalBranches keyBranches}}} "
    "bottomSelection{totalBranches requiredCount keyCount selectedCount satisfied "
    "ranking{branch{id}}} "
    "all: subordinateBranches(first:100){totalCount pageInfo{hasNextPage endCursor}} "
    + " ".join(
        f"{s.value}: subordinateBranches(statuses:[{s.value}], first:1){{totalCount}}" for s in S
    )
    + "}}"
)


def subtree_counts(expected: dict[str, Any], org: Organization) -> dict[str, Any]:
    orgs, states = expected["orgs"], expected["states"]
    mine = [o for o in orgs.values() if o.type == OrgType.BRANCH and o.path.startswith(org.path)]
    rows = [states.get(b.id) for b in mine]
    direct = [b for b in mine if b.parent_id == org.id]
    by_sector: Counter[tuple[str, str]] = Counter()
    for b, r in zip(mine, rows, strict=True):
        by_sector[(b.sector.value, "total")] += 1
        by_sector[(b.sector.value, "key")] += bool(r and r.is_key)
    return {
        "row": (
            len(mine),
            sum(1 for r in rows if r),
            sum(1 for r in rows if r and r.is_key),
            sum(1 for r in rows if r and r.status == S.RECTIFIED),
            sum(1 for r in rows if r and r.selected_as_bottom),
        ),
        "by_sector": +by_sector,
        "statuses": Counter(r.status.value if r else "NOT_SUBMITTED" for r in rows),
        "direct": (
            len(direct),
            workflow.bottom_quota(len(direct), Decimal("0.2")),
            sum(1 for b in direct if b.id in states and states[b.id].is_key),
            sum(1 for b in direct if b.id in states and states[b.id].selected_as_bottom),
            sum(1 for b in direct if b.id in states),  # ranked: every branch with a form
        ),
    }


async def check_view(api: Api, token: str, expected: dict[str, Any], org: Organization) -> None:
    data = (await api.data(ORG_VIEW, {"id": gid(org)}, token))["organization"]
    rows = data["progress"]["rows"]
    children = sorted(
        (o for o in expected["orgs"].values() if o.parent_id == org.id), key=lambda o: o.path
    )
    assert [decode_int_id(r["organization"]["id"], "Organization", []) for r in rows] == [
        org.id,
        *(c.id for c in children),
    ]
    for row, who in zip(rows, [org, *children], strict=True):
        want = subtree_counts(expected, who)
        got = (
            row["totalBranches"],
            row["submittedBranches"],
            row["keyBranches"],
            row["rectifiedBranches"],
            row["selectedBranches"],
        )
        assert got == want["row"], who.name
        sectors: Counter[tuple[str, str]] = Counter()
        for s in row["bySector"]:
            sectors[(s["sector"], "total")] += s["totalBranches"]
            sectors[(s["sector"], "key")] += s["keyBranches"]
        assert +sectors == want["by_sector"]
    want = subtree_counts(expected, org)
    selection = data["bottomSelection"]
    assert (
        selection["totalBranches"],
        selection["requiredCount"],
        selection["keyCount"],
        selection["selectedCount"],
        len(selection["ranking"]),
    ) == want["direct"]
    assert data["all"]["totalCount"] == want["row"][0]
    for s in S:
        assert data[s.value]["totalCount"] == want["statuses"][s.value], s


async def test_a_generated_county_admin_sees_the_recount(api: Api, clock: FixedClock) -> None:
    await make(clock)
    expected = await recount()
    counties = [o for o in expected["orgs"].values() if o.depth == 3]
    county = max(counties, key=lambda o: o.branch_count)
    token = await api.login(f"u{county.id}", GENERATED_PASSWORD)
    await check_view(api, token, expected, county)
    units = [o for o in expected["orgs"].values() if o.parent_id == county.id]
    selected = [u for u in units if subtree_counts(expected, u)["direct"][3]]
    for unit in [max(units, key=lambda o: o.branch_count), *selected[:1]]:
        await check_view(api, token, expected, unit)
    # Paging the whole county through the subordinate list visits every branch once.
    seen, after = 0, None
    query = (
        "query($id:ID!,$a:String){organization(id:$id){subordinateBranches(first:100,after:$a)"
        "{pageInfo{hasNextPage endCursor} edges{node{branch{id} status}}}}}"
    )
    while True:
        page = (await api.data(query, {"id": gid(county), "a": after}, token))["organization"]
        seen += len(page["subordinateBranches"]["edges"])
        info = page["subordinateBranches"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == county.branch_count


CREATE_ORG = """mutation($p:ID!,$n:String!,$t:OrgType!,$s:Sector!){createOrganization(input:{
  parentId:$p,name:$n,type:$t,sector:$s}){organization{id branchCount} userErrors{code}}}"""


async def test_the_api_writes_on_top_of_generated_data(api: Api, clock: FixedClock) -> None:
    await make(clock)
    expected = await recount()
    orgs, states = expected["orgs"], expected["states"]
    fresh = next(o for o in orgs.values() if o.type == OrgType.BRANCH and o.id not in states)
    pending = next(s for s in states.values() if s.status == S.PENDING_REVIEW)
    top_form = max(f.id for f in await SelfCheck.all())
    top_state = max(s.id for s in states.values())

    token = await api.login(f"u{fresh.id}", GENERATED_PASSWORD)
    done = await api.data(SUBMIT, {"b": gid(fresh), "r": ratings(poor=3, fair=2)}, token)
    body = done["submitSelfCheck"]
    assert body["userErrors"] == [] and body["selfCheck"]["version"] == 1
    assert decode_int_id(body["selfCheck"]["id"], "SelfCheck", []) == top_form + 1
    assert (await BranchState.get(branch_id=fresh.id)).id == top_state + 1

    superior = await api.login(f"u{fresh.parent_id}", GENERATED_PASSWORD)
    for form_id, decision in (
        (top_form + 1, "PASS"),
        (pending.latest_self_check_id, "START_RECTIFICATION"),
    ):
        reviewed = await api.data(
            REVIEW, {"s": encode_id("SelfCheck", form_id), "d": decision}, superior
        )
        assert reviewed["reviewSelfCheck"]["userErrors"] == []
    county = orgs[orgs[fresh.parent_id].parent_id]
    county_token = await api.login(f"u{county.id}", GENERATED_PASSWORD)
    created = await api.data(
        CREATE_ORG,
        {"p": gid(orgs[fresh.parent_id]), "n": "新建团支部", "t": "BRANCH", "s": "RURAL"},
        county_token,
    )
    assert created["createOrganization"]["userErrors"] == []
    new_id = decode_int_id(created["createOrganization"]["organization"]["id"], "Organization", [])
    assert new_id == max(orgs) + 1

    after = await recount()  # the counts stay exact, unfolded and folded
    await check_counts(after, folded=False)
    await check_view(api, county_token, after, county)
    await fold_deltas()
    await check_counts(after)


def checksum(rows: list[tuple]) -> str:
    return hashlib.sha256(json.dumps(rows, default=str, ensure_ascii=False).encode()).hexdigest()


async def snapshot() -> dict[str, str]:
    return {
        "orgs": checksum(
            await Organization.all()
            .order_by("id")
            .values_list("id", "name", "type", "sector", "path", "branch_count")
        ),
        "accounts": checksum(
            await Account.all().order_by("id").values_list("username", "display_name")
        ),
        "states": checksum(
            await BranchState.all()
            .order_by("branch_id")
            .values_list("branch_id", "status", "is_key", "key_reason", "key_since", "selected_at")
        ),
        "forms": checksum(
            await SelfCheck.all()
            .order_by("id")
            .values_list("id", "branch_id", "version", "ratings", "submitted_at")
        ),
        "reviews": checksum(
            await Review.all().order_by("id").values_list("self_check_id", "decision", "comment")
        ),
        "notifications": checksum(
            await Notification.all()
            .order_by("id")
            .values_list("organization_id", "kind", "message", "created_at")
        ),
        "deltas": checksum(
            await ProgressDelta.all()
            .order_by("id")
            .values_list(*METRICS, "org_id", "sector", "direct")
        ),
    }


async def test_same_seed_same_data(clock: FixedClock) -> None:
    await make(clock, seed=7, branches=600)
    first = await snapshot()
    with pytest.raises(GenerateError, match="--replace"):
        await make(clock, seed=7, branches=600)  # refuses a database with organisations
    await make(clock, seed=7, branches=600, replace=True)
    assert await snapshot() == first
    await make(clock, seed=8, branches=600, replace=True)
    other = await snapshot()
    assert other["orgs"] != first["orgs"] and other["forms"] != first["forms"]


@pytest.mark.parametrize("branches", [1, 40])
async def test_tiny_trees_keep_one_organisation_per_level(clock: FixedClock, branches: int) -> None:
    summary = await make(clock, branches=branches)
    levels = [summary.levels[k] for k in ("root", "provinces", "cities", "counties", "units")]
    assert levels[:4] == [1, 1, 1, 1] and 1 <= levels[4] <= branches
    assert summary.levels["branches"] == branches
    expected = await recount()
    await check_counts(expected)
    await replay_all(expected)
