"""Per-request DataLoaders: every relation reached from GraphQL is fetched in batches.

A new :class:`Loaders` is made for every request, so nothing cached here outlives it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.models import Model

from models.campaign import Campaign, ChecklistTemplate
from models.organization import Organization
from models.rectification import BranchState, BriefState, Review, SelfCheck, Shown, ShownState
from resolvers.state_cache import StateView
from resolvers.tree_cache import TreeView
from zhengdun.db import any_of, connection, is_postgres, placeholder, read_models, read_tuples

K = TypeVar("K")
T = TypeVar("T", bound=tuple)  # type: ignore[type-arg]
V = TypeVar("V")
M = TypeVar("M", bound=Model)

ChildrenKey = tuple[int, int, str | None]  # (parent id, page size, after path)
# (campaign id, parent id, the branch ids of one page of the parent's children)
PageKey = tuple[int, int, tuple[int, ...]]


def _loader(load: Callable[[list[Any]], Any]) -> DataLoader[Any, Any]:
    return DataLoader(load_fn=load)


_MISSING = object()


class KnownFirst(DataLoader[K, V]):
    """A DataLoader that answers first from rows the request already read another way.

    Pages of organisations and of branch states are read whole, one query per page;
    :meth:`put_many` keeps their rows, a ``load`` of one of them needs no query, and
    nothing is spent on the many that are never loaded one by one (``prime`` makes a
    future for each). As with ``prime``, a value already known is not replaced.
    """

    def __init__(self, load: Callable[[list[K]], Awaitable[list[V]]]) -> None:
        known: dict[K, V] = {}

        async def known_or_loaded(keys: list[K]) -> list[V]:
            missing = [key for key in keys if key not in known]
            if missing:
                for key, value in zip(missing, await load(missing), strict=True):
                    known.setdefault(key, value)
            return [known[key] for key in keys]

        # A closure, not a bound method: the loader holding its own method would be a
        # reference cycle, and the request's rows would wait for the cyclic collector.
        self.known = known
        super().__init__(load_fn=known_or_loaded)

    def put_many(self, data: Iterable[tuple[K, V]]) -> None:
        known = self.known
        for key, value in data:
            known.setdefault(key, value)

    def prime_many(self, data: Mapping[K, V], force: bool = False) -> None:
        """Futures as ``DataLoader.prime_many`` makes them, and the values known."""
        super().prime_many(data, force)
        if force:
            self.known.update(data)
        else:
            self.put_many(data.items())


def peek(loader: DataLoader[Any, Any], key: Any) -> Any:
    """The value already loaded for ``key`` in this request, or ``MISSING``.

    Lets a resolver answer synchronously when its data came with its parent's, which
    spares graphql-core an awaitable per field (the dominant cost of big responses).
    """
    if isinstance(loader, KnownFirst):
        value = loader.known.get(key, _MISSING)
        if value is not _MISSING:
            return value
    future = loader.cache_map.get(key)
    if future is None or not future.done() or future.cancelled() or future.exception():
        return _MISSING
    return future.result()


MISSING = _MISSING


async def _by_id(model: type[M], table: str, ids: list[int]) -> dict[int, M]:
    conn = connection()
    among, params = any_of(conn, 1, ids)
    _, rows = await conn.execute_query(f"SELECT * FROM {table} WHERE id{among}", params)
    return {row.pk: row for row in read_models(model, rows)}


async def _orgs_by_id(ids: list[int]) -> list[Organization | None]:
    found = await _by_id(Organization, "organization", ids)
    return [found.get(i) for i in ids]


async def _child_counts(parent_ids: list[int]) -> list[int]:
    conn = connection()
    among, params = any_of(conn, 1, parent_ids)
    rows = await conn.execute_query_dict(
        f"SELECT parent_id, COUNT(*) AS n FROM organization WHERE parent_id{among} "
        "GROUP BY parent_id",
        params,
    )
    counts = {row["parent_id"]: row["n"] for row in rows}
    return [counts.get(i, 0) for i in parent_ids]


async def _children_pages(keys: list[ChildrenKey]) -> list[list[Organization]]:
    """Up to ``size + 1`` children per parent after the cursor, one query per page shape."""
    groups: dict[tuple[int, str | None], list[int]] = defaultdict(list)
    for parent_id, size, after in keys:
        groups[(size, after)].append(parent_id)
    pages: dict[ChildrenKey, list[Organization]] = {}
    conn = connection()
    for (size, after), parent_ids in groups.items():
        among, params = any_of(conn, 1, parent_ids)
        where = f"parent_id{among}"
        if after is not None:
            params.append(after)
            where += f" AND path > {placeholder(conn, len(params))}"
        params.append(size + 1)
        _, rows = await conn.execute_query(
            "SELECT * FROM (SELECT o.*, ROW_NUMBER() OVER "
            f"(PARTITION BY parent_id ORDER BY path) AS rn FROM organization o WHERE {where}) "
            f"AS page WHERE rn <= {placeholder(conn, len(params))} ORDER BY path",
            params,
        )
        by_parent: dict[int, list[Organization]] = defaultdict(list)
        for org in read_models(Organization, rows):
            by_parent[org.parent_id].append(org)  # type: ignore[index]
        for parent_id in parent_ids:
            pages[(parent_id, size, after)] = by_parent.get(parent_id, [])
    return [pages[key] for key in keys]


class Loaders:
    """The loaders of one request."""

    def __init__(self) -> None:
        self.organization: KnownFirst[int, Organization | None] = KnownFirst(_orgs_by_id)
        self.child_count: DataLoader[int, int] = _loader(_child_counts)
        # Children pages come from the worker's tree cache when the request may use it.
        tree = self.tree = TreeView()

        async def children_pages(keys: list[ChildrenKey]) -> list[list[Organization]]:
            return await tree.pages(keys, _children_pages)  # a closure: no reference cycle

        self.children_page: DataLoader[ChildrenKey, list[Organization]] = _loader(children_pages)
        # The brief states of listed branches come from the worker's state cache, too.
        self.states = StateView()
        self.workflow = WorkflowLoaders(self.states)

    def prime_organizations(self, orgs: Sequence[Organization]) -> None:
        """``organization.put_many`` of the rows by id (a page's hundreds: no pairs)."""
        setdefault = self.organization.known.setdefault
        for org in orgs:
            setdefault(org.id, org)


async def _campaigns_by_id(ids: list[int]) -> list[Campaign | None]:
    found = await _by_id(Campaign, "campaign", ids)
    return [found.get(i) for i in ids]


def open_on(conn: BaseDBAsyncClient, first: int) -> str:
    """The id of the campaign open on a day: the day bound at marks ``first`` and
    ``first + 1`` (twice: SQLite binds by position). Campaign dates never overlap
    (campaigns are made one after another), so there is at most one."""
    return (
        f"SELECT id FROM campaign WHERE starts_on <= {placeholder(conn, first)} "
        f"AND ends_on >= {placeholder(conn, first + 1)} AND closed_at IS NULL "
        "ORDER BY id LIMIT 1"
    )


def day_value(conn: BaseDBAsyncClient, day: date) -> date | str:
    return day if is_postgres(conn) else day.isoformat()  # SQLite keeps dates as ISO text


async def _campaigns_open_on(days: list[date]) -> list[Campaign | None]:
    """The campaign open on each (Beijing) date; asked once per request, whatever the
    fields (usually answered with the bearer token's statement instead)."""
    conn = connection()
    sql = f"SELECT * FROM campaign WHERE id = ({open_on(conn, 1)})"
    found = []
    for day in days:
        on = day_value(conn, day)
        _, rows = await conn.execute_query(sql, [on, on])
        campaigns = read_models(Campaign, rows)
        found.append(campaigns[0] if campaigns else None)
    return found


async def _templates_by_id(ids: list[str]) -> list[ChecklistTemplate | None]:
    found = {t.id: t for t in await ChecklistTemplate.filter(id__in=ids)}
    return [found.get(i) for i in ids]


async def states_by_key(keys: list[tuple[int, int]]) -> list[Shown | None]:
    """What the views show of the state rows, by (campaign id, branch id); None where the
    branch has not submitted."""
    found: dict[tuple[int, int], Shown] = {}
    by_campaign: dict[int, list[int]] = defaultdict(list)
    for campaign_id, branch_id in keys:
        by_campaign[campaign_id].append(branch_id)
    for campaign_id, branch_ids in by_campaign.items():
        for row in await _state_rows(ShownState, campaign_id, branch_ids):
            found[(campaign_id, row.branch_id)] = row
    return [found.get(key) for key in keys]


async def _state_rows(into: type[T], campaign_id: int, branch_ids: list[int]) -> list[T]:
    """``into``'s columns of the state rows of some branches in one campaign."""
    conn = connection()
    among, params = any_of(conn, 2, branch_ids)
    _, rows = await conn.execute_query(
        f"SELECT {', '.join(into._fields)} FROM branch_state "  # type: ignore[attr-defined]
        f"WHERE campaign_id = {placeholder(conn, 1)} AND branch_id{among}",
        [campaign_id, *params],
    )
    return read_tuples(BranchState, into, rows)


async def _state_versions(conn: BaseDBAsyncClient, parent_ids: set[int]) -> dict[int, int]:
    """The versions of the states of some parents' branches (migration 0008); a parent
    missing from the result has version 0."""
    among, params = any_of(conn, 1, sorted(parent_ids))
    _, rows = await conn.execute_query(
        f"SELECT organization_id, version FROM state_version WHERE organization_id{among}",
        params,
    )
    return {row[0]: row[1] for row in rows}


async def _self_checks_of(keys: list[tuple[int, int]]) -> list[list[SelfCheck]]:
    """Every form of (campaign id, branch id), newest first."""
    forms: dict[tuple[int, int], list[SelfCheck]] = defaultdict(list)
    by_campaign: dict[int, list[int]] = defaultdict(list)
    for campaign_id, branch_id in keys:
        by_campaign[campaign_id].append(branch_id)
    for campaign_id, branch_ids in by_campaign.items():
        rows = await SelfCheck.filter(campaign_id=campaign_id, branch_id__in=branch_ids).order_by(
            "-version"
        )
        for row in rows:
            forms[(campaign_id, row.branch_id)].append(row)
    return [forms.get(key, []) for key in keys]


async def _self_checks_by_id(ids: list[int]) -> list[SelfCheck | None]:
    found = {s.id: s for s in await SelfCheck.filter(id__in=ids)}
    return [found.get(i) for i in ids]


async def _reviews_of(self_check_ids: list[int]) -> list[Review | None]:
    found = {r.self_check_id: r for r in await Review.filter(self_check_id__in=self_check_ids)}
    return [found.get(i) for i in self_check_ids]


class WorkflowLoaders:
    """The loaders of the rectification workflow, per request."""

    def __init__(self, states: StateView) -> None:
        self.campaign: DataLoader[int, Campaign | None] = _loader(_campaigns_by_id)
        # Primed with the bearer token's row (zhengdun/context.py) and peeked at for every
        # branch shown (schema/organization.py): known first.
        self.open_campaign: KnownFirst[date, Campaign | None] = KnownFirst(_campaigns_open_on)
        self.template: DataLoader[str, ChecklistTemplate | None] = _loader(_templates_by_id)
        # Shown states, or whole rows where a view read them anyway (the key list).
        self.state: KnownFirst[tuple[int, int], Shown | None] = KnownFirst(states_by_key)
        # The brief states of the branches listed in pages of the tree, by (campaign id,
        # branch id): filled by ``page_states`` only, read by ``Organization.rectification``.
        self.brief: dict[tuple[int, int], BriefState | None] = {}
        self.self_checks: DataLoader[tuple[int, int], list[SelfCheck]] = _loader(_self_checks_of)
        self.self_check: DataLoader[int, SelfCheck | None] = _loader(_self_checks_by_id)
        self.review: DataLoader[int, Review | None] = _loader(_reviews_of)
        brief = self.brief

        async def page_states(keys: list[PageKey]) -> list[None]:
            """The brief states of whole pages of branches, put into ``brief`` (not
            returned).

            Pages listed on one level come in one batch, with one future per page
            instead of one per branch (a county's page holds hundreds). Where the worker
            keeps states (``resolvers/state_cache.py``) the parents' versions are read
            first and only the pages of parents whose version moved are read again; the
            rest are read in one query per campaign. ``brief`` keeps the first read of
            each branch. A closure over ``brief`` rather than a method, so that no
            reference cycle keeps the request's rows for the cyclic collector.
            """
            conn = connection()
            if states.cache is None or isinstance(conn, TransactionalDBClient):
                versions = None  # read each time; inside a transaction, its own writes
            else:
                versions = await _state_versions(conn, {parent for _, parent, _ in keys})
            setdefault = brief.setdefault
            unread: list[PageKey] = []
            for key in keys:
                campaign_id, parent_id, ids = key
                held = (
                    None
                    if versions is None
                    else states.get((campaign_id, parent_id), versions.get(parent_id, 0))
                )
                if held is None or not all(map(held.__contains__, ids)):
                    unread.append(key)
                    continue
                for branch_id in ids:
                    setdefault((campaign_id, branch_id), held[branch_id])
            by_campaign: dict[int, list[int]] = defaultdict(list)
            for campaign_id, _, ids in unread:
                by_campaign[campaign_id] += ids
            read: dict[tuple[int, int], BriefState] = {}
            for campaign_id, branch_ids in by_campaign.items():
                for row in await _state_rows(BriefState, campaign_id, branch_ids):
                    read[(campaign_id, row.branch_id)] = row
            for campaign_id, parent_id, ids in unread:
                page = {branch_id: read.get((campaign_id, branch_id)) for branch_id in ids}
                for branch_id, state in page.items():
                    setdefault((campaign_id, branch_id), state)
                if versions is not None:
                    states.put((campaign_id, parent_id), versions.get(parent_id, 0), page)
            return [None] * len(keys)

        self.page_states: DataLoader[PageKey, None] = _loader(page_states)
