"""The level executor and the direct field resolvers answer exactly as graphql-core does.

Every document below is sent through HTTP to two apps over the same database: the
served one (``executor="level"``) and one running strawberry's and graphql-core's own
field-by-field path (``executor="graphql-core"``). Data must be equal. Errors: each of
ours is one of graphql-core's, and there are errors on both sides or on neither. Once a
null has propagated over a position, the level executor drops the work still queued
below it, so it may report fewer errors than graphql-core, which lets subtrees already
in flight finish and report theirs (graphql-core's ``CollectedErrors`` notes that an
executor able to cancel that work need not report them).
"""

from __future__ import annotations

import enum
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import strawberry
from graphql import GraphQLInt, get_introspection_query

from models.organization import OrgType, Sector
from permissions import CanSeeOrganization, allow
from permissions.organization import CanSeeBreadcrumb
from schema import executor, fast_fields, flat
from schema.build import build_schema
from schema.executor import DIRECT, LevelExecutor
from tests.api import Api, admin, build_tree, campaign, gid, org, serving
from tests.test_views import submit_and_review
from zhengdun.clock import FixedClock
from zhengdun.config import Settings
from zhengdun.context import Viewer

TREE = """query($id: ID!) { organization(id: $id) { ...O children(first: 3) { totalCount
  pageInfo { hasNextPage endCursor } edges { cursor node { ...O __typename
  rectification { status latestPoorCount isKey selectedAsBottom canReview keyReason keySince
    selectedAt selectedByName
    latestSelfCheck { version poorCount review { decision } } }
  children(first: 2) { edges { node { id name rectification { status } } } } } } } } }
fragment O on Organization { id name type sector depth branchCount }"""
ALIASED = """query($id: ID!, $yes: Boolean!) { a: organization(id: $id) { n: name
  kids: children(first: 1) { edges { node { name } } } skipped: sector @skip(if: $yes)
  kept: sector @include(if: $yes) } b: organization(id: $id) { id } }"""
BREADCRUMB = """query($id: ID!) { organization(id: $id) { name
  ancestors { __typename id name type } } }"""
ANCESTOR_SECTOR = """query($id: ID!) { organization(id: $id) { name
  ancestors { name sector } parent { name depth } } }"""
NODE = """query($id: ID!) { node(id: $id) { id __typename ... on Organization { name
  children(first: 5) { edges { node { name } } } } } }"""
ROOTS = "{ campaigns { year status } currentCampaign { year status } }"
VIEWS = """query($id: ID!) { organization(id: $id) {
  progress { rows { organization { name } totalBranches submittedBranches keyBranches
    bySector { __typename sector totalBranches } } }
  bottomSelection { totalBranches requiredCount keyCount satisfied
    ranking { branch { name } status latestPoorCount } }
  subordinateBranches(first: 4) { totalCount edges { node { branch { name } status
    canReview } } }
  keyRectificationList { rectification { branch { name } status } initialPoorCount
    currentPoorCount } } }"""
BAD_ARGUMENT = """query($id: ID!) { organization(id: $id) { children(first: 0) {
  totalCount } name } }"""


@pytest.fixture
async def reference(settings: Settings, clock: FixedClock) -> AsyncIterator[Api]:
    """The same app, answering field by field through graphql-core."""
    reference_settings = Settings(database_url=settings.database_url, executor="graphql-core")
    async with serving(reference_settings, clock) as api:
        yield api


def normalised(body: dict[str, Any]) -> tuple[str, set[str]]:
    errors = {
        json.dumps(
            {k: e.get(k) for k in ("message", "path", "extensions", "locations")},
            ensure_ascii=False,
            sort_keys=True,
        )
        for e in body.get("errors", [])
    }
    return json.dumps(body.get("data"), ensure_ascii=False), errors


async def same_answer(
    api: Api, reference: Api, query: str, variables: dict[str, Any], token: str | None
) -> dict[str, Any]:
    ours = await api.post(query, variables, token)
    theirs = await reference.post(query, variables, token)
    (our_data, our_errors), (their_data, their_errors) = normalised(ours), normalised(theirs)
    assert our_data == their_data
    assert our_errors <= their_errors
    assert bool(our_errors) == bool(their_errors)
    return ours


def test_the_served_schema_runs_level_by_level(settings: Settings) -> None:
    schema = build_schema(settings)
    assert schema.execution_context_class is LevelExecutor
    direct = fast_fields.install(schema)
    # Permission-guarded fields take the direct path, and keep their permission.
    assert {"Organization.sector", "Organization.rectification", "Organization.name"} <= set(direct)
    # Asynchronous ones too (checked when awaited); input objects keep strawberry's chain.
    assert {"Organization.children", "Query.campaigns"} <= set(direct)
    assert "Mutation.submitSelfCheck" not in direct
    with pytest.raises(ValueError, match="ZHENGDUN_EXECUTOR"):
        build_schema(Settings(database_url=settings.database_url, executor="fast"))


class Stricter(CanSeeOrganization):
    """A subclass deciding in ``has_permission`` itself: ``allows`` alone would be wrong."""

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Thing:
    seen: str = strawberry.field(extensions=allow(CanSeeOrganization()))
    stricter: str = strawberry.field(extensions=allow(Stricter()))


@strawberry.type(name="Query")
class SmallQuery:
    thing: Thing


@strawberry.type
class Pair:
    left: int
    right: int | None


SEEN_INFO: list[str] = []


@strawberry.type
class Box:
    @strawberry.field
    @fast_fields.context_only
    def pair(self, info: strawberry.Info, shift: int = 0) -> Pair:
        SEEN_INFO.append(type(info).__name__)
        return Pair(left=info.context["n"] + shift, right=None)

    @strawberry.field
    @fast_fields.context_only
    def misdeclared(self, info: strawberry.Info) -> Pair:
        SEEN_INFO.append(type(info).__name__)
        return Pair(left=len(info.field_name), right=1)  # reads more than the context

    @strawberry.field
    def pairs(self) -> list[Pair | None]:
        return [Pair(left=1, right=2), None]

    @strawberry.field
    def broken(self) -> list[Pair]:
        return [Pair(left=1, right=2), None]  # type: ignore[list-item]


@strawberry.type(name="Query")
class BoxQuery:
    @strawberry.field
    def box(self) -> Box:
        return Box()


async def test_objects_of_direct_fields_complete_at_once_or_as_graphql_core_does() -> None:
    schema = strawberry.Schema(BoxQuery, execution_context_class=LevelExecutor)
    assert {"Box.pair", "Box.misdeclared", "Box.pairs"} <= set(fast_fields.install(schema))
    SEEN_INFO.clear()
    result = await schema.execute(
        "{ box { pair { left right } shifted: pair(shift: 2) { left } misdeclared { left }"
        " pairs { left right } } }",
        context_value={"n": 40},
    )
    assert result.errors is None
    assert result.data == {
        "box": {
            "pair": {"left": 40, "right": None},
            "shifted": {"left": 42},
            "misdeclared": {"left": len("misdeclared")},
            "pairs": [{"left": 1, "right": 2}, None],
        }
    }
    # Direct without arguments; with them, or when the direct call failed, a real info.
    assert SEEN_INFO == ["ContextInfo", "Info", "ContextInfo", "Info"]
    result = await schema.execute("{ box { broken { left } } }", context_value={"n": 0})
    assert result.data is None
    assert result.errors is not None
    assert [e.path for e in result.errors] == [["box", "broken", 1]]


def direct_entry(schema: strawberry.Schema, type_name: str, field: str) -> Any:
    resolve = schema._schema.type_map[type_name].fields[field].resolve  # type: ignore[union-attr]
    return getattr(resolve, DIRECT, None)


def test_direct_entries_only_where_nothing_reads_the_info(settings: Settings) -> None:
    schema = build_schema(settings)
    # No arguments, guarded by rules that decide from the viewer and the source alone.
    for name in ("id", "name", "type", "sector", "depth", "branchCount"):
        assert direct_entry(schema, "Organization", name) is not None, name
    assert direct_entry(schema, "SectorCount", "totalBranches") is not None
    # Called as asked without its argument (campaignId); its resolver reads only the
    # context from its info.
    assert direct_entry(schema, "Organization", "rectification") is not None
    # Asynchronous, or a resolver that reads the info: strawberry's path.
    for name in ("children", "parent", "progress"):
        assert direct_entry(schema, "Organization", name) is None, name
    assert direct_entry(schema, "BranchRectification", "canReview") is None

    small = strawberry.Schema(SmallQuery)
    assert set(fast_fields.install(small)) == {"Thing.seen", "Thing.stricter", "Query.thing"}
    assert direct_entry(small, "Thing", "seen") is not None
    assert direct_entry(small, "Thing", "stricter") is None


async def test_same_answers_with_states_errors_and_null_propagation(
    api: Api, reference: Api
) -> None:
    tree = await build_tree(committees=3, branches_per_committee=4)
    committee = tree.committees[0]
    await admin(tree.county, "county")
    await admin(committee, "sup")
    for i, branch in enumerate(tree.branches[:4]):
        await admin(branch, f"b{i}")
    await campaign()
    sup = await api.login("sup")
    for i, branch in enumerate(tree.branches[:2]):
        await submit_and_review(api, sup, branch, i, poor=i * 4, decision="PASS")
    await submit_and_review(api, sup, tree.branches[2], 2, poor=12, decision="START_RECTIFICATION")
    county = await api.login("county")
    county_id = gid(tree.county)

    body = await same_answer(api, reference, TREE, {"id": county_id}, county)
    assert "errors" not in body
    committees = body["data"]["organization"]["children"]["edges"]
    assert [e["node"]["rectification"] for e in committees] == [None, None, None]
    assert body["data"]["organization"]["children"]["pageInfo"]["hasNextPage"] is False

    listed = await same_answer(api, reference, TREE, {"id": gid(committee)}, county)
    children = listed["data"]["organization"]["children"]
    statuses = [e["node"]["rectification"]["status"] for e in children["edges"]]
    assert statuses == ["PASSED", "PASSED", "KEY_RECTIFYING"]
    assert children["pageInfo"]["hasNextPage"] is True

    body = await same_answer(api, reference, ALIASED, {"id": county_id, "yes": True}, county)
    assert "kept" in body["data"]["a"] and "skipped" not in body["data"]["a"]
    body = await same_answer(api, reference, ALIASED, {"id": county_id, "yes": False}, county)
    assert "skipped" in body["data"]["a"] and "kept" not in body["data"]["a"]

    # Ancestors: the breadcrumb is visible, their sector is not (non-null: the error
    # nulls the whole organisation, as graphql-core does).
    await same_answer(api, reference, BREADCRUMB, {"id": county_id}, county)
    body = await same_answer(api, reference, ANCESTOR_SECTOR, {"id": county_id}, county)
    assert body["data"]["organization"] is None
    assert {e["extensions"]["code"] for e in body["errors"]} == {"FORBIDDEN"}

    # Outside the viewer's subtree, anonymous callers, several failing root fields.
    await same_answer(api, reference, TREE, {"id": gid(tree.other_province)}, county)
    await same_answer(api, reference, TREE, {"id": county_id}, None)
    await same_answer(api, reference, ROOTS, {}, None)
    body = await same_answer(api, reference, get_introspection_query(), {}, None)
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
    await same_answer(api, reference, ROOTS, {}, county)
    await same_answer(api, reference, NODE, {"id": gid(committee)}, county)
    await same_answer(api, reference, NODE, {"id": "not-an-id"}, county)
    await same_answer(api, reference, BAD_ARGUMENT, {"id": county_id}, county)

    body = await same_answer(api, reference, VIEWS, {"id": gid(committee)}, sup)
    view = body["data"]["organization"]
    assert (view["bottomSelection"]["totalBranches"], view["bottomSelection"]["keyCount"]) == (4, 1)
    assert [r["initialPoorCount"] for r in view["keyRectificationList"]] == [12]
    await same_answer(api, reference, VIEWS, {"id": county_id}, county)


async def test_same_answers_for_a_branch_admin_and_a_mixed_level(api: Api, reference: Api) -> None:
    tree = await build_tree(committees=2, branches_per_committee=2)
    # A committee holding both a branch and a sub-committee: mixed types on one level.
    await org(tree.committees[0], "混合团总支", OrgType.COMMITTEE, Sector.HIGH_SCHOOL)
    await admin(tree.branches[0], "b0")
    await campaign()
    branch_admin = await api.login("b0")
    for target in (tree.branches[0], tree.committees[0], tree.county):
        await same_answer(api, reference, TREE, {"id": gid(target)}, branch_admin)
        await same_answer(api, reference, ANCESTOR_SECTOR, {"id": gid(target)}, branch_admin)
    await admin(tree.county, "county")
    county = await api.login("county")
    await same_answer(api, reference, TREE, {"id": gid(tree.committees[0])}, county)


async def test_plans_are_shared_by_requests_of_a_document_without_directives(
    api: Api, reference: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document whose collected fields cannot depend on its variables is planned once;
    one with ``@skip``/``@include`` is planned per request (and still answers right)."""
    tree = await build_tree(committees=2, branches_per_committee=2)
    await admin(tree.county, "county")
    await campaign()
    county = await api.login("county")
    executor._SHARED_PLANS.clear()

    await same_answer(api, reference, TREE, {"id": gid(tree.county)}, county)
    planned = dict(executor._SHARED_PLANS)
    assert planned  # the root, the organisation, its connection, edges, nodes, ...
    await same_answer(api, reference, TREE, {"id": gid(tree.committees[0])}, county)
    assert executor._SHARED_PLANS.keys() == planned.keys()  # reused, none added
    assert all(executor._SHARED_PLANS[k][2] is planned[k][2] for k in planned)

    for yes in (True, False, True):
        body = await same_answer(
            api, reference, ALIASED, {"id": gid(tree.county), "yes": yes}, county
        )
        assert ("kept" in body["data"]["a"]) is yes and ("skipped" in body["data"]["a"]) is not yes
    assert executor._SHARED_PLANS.keys() == planned.keys()  # directives: not shared

    monkeypatch.setattr(executor, "SHARED_PLANS", 2)
    await same_answer(api, reference, VIEWS, {"id": gid(tree.county)}, county)
    assert len(executor._SHARED_PLANS) <= 2


PAGES = """query($id: ID!, $n: Int) { organization(id: $id) { children(first: 1) {
  edges { node { name children(first: $n) { edges { node { name } } } } } } } }"""


async def test_arguments_written_in_a_shared_plan_are_kept_and_variables_are_not(
    api: Api, reference: Api
) -> None:
    """``children(first: 1)`` is coerced once for every request of the document; the
    plan is shared, so ``first: $n`` must be coerced per request."""
    tree = await build_tree(committees=2, branches_per_committee=3)
    await admin(tree.root, "root")
    root = await api.login("root")
    executor._SHARED_PLANS.clear()
    seen = []
    for parent, n in ((tree.county, 1), (tree.county, 3), (tree.province, 2)):
        body = await same_answer(api, reference, PAGES, {"id": gid(parent), "n": n}, root)
        [child] = body["data"]["organization"]["children"]["edges"]
        seen.append(len(child["node"]["children"]["edges"]))
    assert seen == [1, 3, 2]  # the province's city has two counties
    fixed = [
        plan.fixed_args
        for _, _, type_plan in executor._SHARED_PLANS.values()
        for _, plan, _ in type_plan.fields
        if plan is not None and plan.fixed_args is not None
    ]
    assert fixed == [{"first": 1, "after": None}]


def test_positional_calls_only_where_they_bind_as_strawberry_binds() -> None:
    def fields_of(cls: type) -> dict[str, Any]:
        definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
        return {f.python_name: f.base_resolver for f in definition.fields}

    @strawberry.type
    class Shapes:
        @strawberry.field
        def root_only(root: Any) -> int:
            return root

        @strawberry.field
        def with_info(root: Any, info: strawberry.Info, shift: int = 1) -> int:
            return root + shift + (info is None)

        @strawberry.field
        def info_first(info: strawberry.Info, root: Any) -> int:
            return root

        @strawberry.field
        def keyword_root(*, root: Any) -> int:
            return root

        @strawberry.field
        def method(self) -> int:
            return 7

    resolvers = fields_of(Shapes)
    positional = {name: fast_fields._positional(r.wrapped_func, r) for name, r in resolvers.items()}
    assert positional["root_only"](5, "info") == 5
    assert positional["with_info"](5, None) == 7
    assert positional["method"]("self", None) == 7
    assert positional["info_first"] is None
    assert positional["keyword_root"] is None


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


strawberry.enum(Colour)


@strawberry.type
class Cell:
    """Every kind of leaf a flat object completes inline, and each way it can go wrong."""

    number: int
    maybe: int | None
    colour: Colour
    colour_name: Colour  # holds the value as a plain string, as the progress rows do
    ident: strawberry.ID
    ratio: float
    label: str


def cell(**changes: Any) -> Cell:
    values: dict[str, Any] = {
        "number": 1, "maybe": None, "colour": Colour.RED, "colour_name": "blue",
        "ident": strawberry.ID("x"), "ratio": 0.5, "label": "a",
    }  # fmt: skip
    return Cell(**{**values, **changes})


CELLS = [
    cell(),
    cell(maybe=7, colour=Colour.BLUE, colour_name="red"),
    cell(number=2**31),  # not a 32-bit Int
    cell(colour_name="green"),  # not a value of the enum
    cell(number=None),  # null where it may not be
    cell(number=True, ratio=2),  # coerced as graphql-core coerces them
]


@strawberry.type(name="Query")
class CellQuery:
    @strawberry.field
    def cells(self) -> list[Cell | None]:
        return [*CELLS, None]

    @strawberry.field
    def strict(self) -> list[Cell] | None:  # one bad cell nulls the list
        return [CELLS[0], CELLS[2]]

    @strawberry.field
    def first(self) -> Cell:
        return CELLS[1]


async def test_generated_flat_objects_answer_as_graphql_core_does() -> None:
    """The functions generated for flat objects (schema/flat.py) against graphql-core's
    own executor: same data, same errors at the same paths."""
    ours = strawberry.Schema(CellQuery, execution_context_class=LevelExecutor)
    fast_fields.install(ours)
    reference = strawberry.Schema(CellQuery)
    query = (
        "{ cells { number maybe colour colourName ident ratio label }"
        " strict { number colour } first { label colour } }"
    )
    for _ in range(2):  # the second time, from remembered functions and enum answers
        mine, theirs = await ours.execute(query), await reference.execute(query)
        assert mine.data == theirs.data
        assert mine.data is not None and mine.data["first"] == {"label": "a", "colour": "BLUE"}
        assert mine.data["strict"] is None and mine.data["cells"][2] is None
        assert mine.data["cells"][5] == {
            "number": 1, "maybe": None, "colour": "RED", "colourName": "BLUE",
            "ident": "x", "ratio": 2.0, "label": "a",
        }  # fmt: skip
        assert sorted((e.path, e.message) for e in mine.errors or []) == sorted(
            (e.path, e.message) for e in theirs.errors or []
        )
        assert {tuple(e.path or ()) for e in mine.errors or []} == {
            ("cells", 2, "number"),
            ("cells", 3, "colourName"),
            ("cells", 4, "number"),
            ("strict", 1, "number"),
        }
    # Asked again, a selection (``__typename`` included) reuses its generated function.
    typed = "{ first { __typename label } cells { __typename number } }"
    await ours.execute(typed)
    known = dict(flat._COMPILED)
    assert (await ours.execute(typed)).data == (await reference.execute(typed)).data
    assert known == flat._COMPILED


@strawberry.type
class Nest:
    level: int

    @strawberry.field
    def below(self) -> list[Nest | None]:
        return [Nest(level=self.level + 1), None] if self.level < 8 else []


@strawberry.type(name="Query")
class NestQuery:
    @strawberry.field
    def nest(self) -> Nest:
        return Nest(level=0)


async def test_nested_flat_objects_are_inlined_to_a_depth_then_called() -> None:
    """Objects below a flat object are completed in its own function, down to
    ``INLINE_DEPTH`` levels (Python allows only 20 nested blocks); deeper, each calls
    its own function. Eight levels answer as graphql-core does either way."""
    ours = strawberry.Schema(NestQuery, execution_context_class=LevelExecutor)
    fast_fields.install(ours)
    reference = strawberry.Schema(NestQuery)
    query = "{ nest { level " + "below { level " * 8 + "}" * 9 + " }"
    flat._COMPILED.clear()
    mine, theirs = await ours.execute(query), await reference.execute(query)
    assert mine.errors is None and mine.data == theirs.data
    level = mine.data["nest"]  # type: ignore[index]
    while level["level"] < 8:
        assert level["below"][1] is None
        level = level["below"][0]
    generated = [f.__doc__ or "" for f, _ in flat._COMPILED.values()]
    outermost = max(generated, key=len)
    assert outermost.count("for s") == flat.INLINE_DEPTH + 1  # inlined levels
    assert "= sub" in outermost  # then the next level's own function


async def test_a_rule_implied_by_another_of_the_object_is_not_checked_again() -> None:
    """Seeing an organisation implies seeing its breadcrumb, for every viewer and every
    organisation of a tree: an object guarded by both checks only the first; a subclass
    (which may decide otherwise) implies nothing."""
    tree = await build_tree(committees=2, branches_per_committee=2)
    orgs = [tree.root, tree.province, tree.county, tree.sibling_county, tree.other_province]
    orgs += tree.committees + tree.branches
    see, crumb = CanSeeOrganization(), CanSeeBreadcrumb()
    pairs = [(Viewer(None, mine, 0), other) for mine in orgs for other in orgs]  # type: ignore[arg-type]
    assert all(crumb.allows(v, o, None, {}) for v, o in pairs if see.allows(v, o, None, {}))
    assert not all(see.allows(v, o, None, {}) for v, o in pairs if crumb.allows(v, o, None, {}))
    assert executor._distinct([crumb, see, crumb]) == (see,)
    assert executor._distinct([crumb]) == (crumb,)
    stricter = Stricter()
    assert executor._distinct([crumb, stricter]) == (crumb, stricter)


def test_flat_functions_are_shared_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    def entries(name: str) -> tuple[flat.Entry, ...]:
        return ((name, flat.LEAF, None, "n", True, GraphQLInt, int, None, None, False),)

    first, again = flat.Flat((), entries("a")), flat.Flat((), entries("a"))
    assert first.complete is again.complete  # one function per selection, per process
    assert flat.Flat((), entries("b")).complete is not first.complete
    monkeypatch.setattr(flat, "CACHE_SIZE", 3)
    for name in "cdefg":
        flat.Flat((), entries(name))
    assert len(flat._COMPILED) <= 3


def test_fast_inputs_are_built_as_strawberry_builds_them(settings: Settings) -> None:
    """``schema/fast_inputs.py`` against strawberry's generic conversion, on every shape of
    a rating (note given, null, omitted; each rating), on the list a submission sends and
    on whole submissions (clientMutationId given, null, omitted; ratings empty)."""
    from strawberry.types.arguments import convert_argument
    from strawberry.types.base import StrawberryList, get_object_definition

    from models.workflow import Rating
    from schema.rectification import AssessBranchInput, RatingInput, SubmitSelfCheckInput

    schema = build_schema(settings)  # installs the hooks
    rating = get_object_definition(RatingInput, strict=True)
    submit = get_object_definition(SubmitSelfCheckInput, strict=True)
    assert rating.from_input is not None and submit.from_input is not None
    assert get_object_definition(AssessBranchInput, strict=True).from_input is not None
    lists = [
        [{"itemCode": "A1", "rating": rating, "note": note} for rating in Rating]
        for note in ("备注", None)
    ] + [[{"itemCode": "B2", "rating": Rating.POOR}], []]
    submissions = [
        {"branchId": "T3JnYW5pemF0aW9uOjE", "ratings": ratings, **key}
        for ratings in lists
        for key in ({"clientMutationId": "k-1"}, {"clientMutationId": None}, {})
    ]
    registry, config = schema.schema_converter.scalar_registry, schema.config
    cases = [(v, StrawberryList(RatingInput)) for v in lists] + [
        (v, SubmitSelfCheckInput) for v in submissions
    ]
    hooks = {d: d.from_input for d in (rating, submit)}
    for value, type_ in cases:
        ours = convert_argument(value, type_, registry, config)
        for definition in hooks:
            definition.from_input = None
        try:
            theirs = convert_argument(value, type_, registry, config)
        finally:
            for definition, hook in hooks.items():
                definition.from_input = hook
        assert ours == theirs
        items = ours if isinstance(ours, list) else ours.ratings  # type: ignore[attr-defined]
        assert all(type(item) is RatingInput for item in items)
        if not isinstance(ours, list):
            assert ours.ratings is not value["ratings"]  # a new list, as strawberry's
