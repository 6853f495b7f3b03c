"""``zhengdun generate``: the orchestration (tree, accounts, campaign, counts, summary)."""

from __future__ import annotations

import asyncio
import functools
import random
import resource
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from models.campaign import DEFAULT_TEMPLATE_ID, Campaign, ChecklistTemplate
from models.organization import OrgType, Sector, child_path
from models.progress import METRICS
from models.workflow import RectificationStatus
from resolvers.account import hash_password
from zhengdun.clock import CHINA, china_datetime
from zhengdun.db import connection, is_postgres
from zhengdun.generate.history import VALUES, Branch, Ids, UnitHistory
from zhengdun.generate.load import Writer, finish, truncate
from zhengdun.generate.names import (
    NEIGHBOURS,
    city_name,
    county_name,
    grassroots_unit,
    neighbour_branch_name,
    person_name,
)
from zhengdun.generate.shape import plan, unit_plan

GENERATED_PASSWORD = "load-test-password"
DEFAULT_SEED = 2019
FLUSH_ROWS = 50_000
MAX_BRANCHES = 50_000_000  # organisation ids must stay within nine digits (paths)
NEIGHBOUR_SHARE = 0.08  # branches of another sector than their unit's
QUOTA = METRICS.index("quota_met")
VALUES.update({m: m.value for e in (OrgType, Sector) for m in e})
DEPTHS = {0: "root", 1: "provinces", 2: "cities", 3: "counties", 4: "units", 5: "branches"}


@functools.cache
def _password_hash() -> str:
    """The one argon2 hash every generated account shares (made once per process)."""
    return hash_password(GENERATED_PASSWORD)


class GenerateError(Exception):
    """The database is not ready for generated data (message in Chinese and English)."""


@dataclass
class Summary:
    branches: int
    seed: int
    campaign_year: int
    levels: Counter[str] = field(default_factory=Counter)
    unit_types: Counter[str] = field(default_factory=Counter)
    sectors: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    key: int = 0
    selected: int = 0
    units_selected: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    county_ids: tuple[int, int] = (0, 0)
    sample_unit: tuple[int, int] | None = None  # (unit id, branches) with about 20
    elapsed: float = 0.0
    peak_rss_mb: float = 0.0
    client_cpu: float = 0.0  # seconds of this process
    server_cpu: float | None = None  # seconds of the PostgreSQL backend that loaded
    foreign_keys_checked: bool = True

    def text(self) -> str:
        n = max(self.branches, 1)
        lines = [
            f"已生成 / generated: seed {self.seed}, campaign {self.campaign_year}, "
            f"{self.elapsed:.1f} s, peak RSS {self.peak_rss_mb:.0f} MB, CPU: generator "
            f"{self.client_cpu:.1f} s"
            + (f", PostgreSQL {self.server_cpu:.1f} s" if self.server_cpu is not None else "")
            + ("" if self.foreign_keys_checked else " (foreign-key triggers skipped)"),
            "层级 / levels: "
            + ", ".join(f"{name} {self.levels[name]:,}" for name in DEPTHS.values()),
            "基层组织 / grassroots units: "
            + ", ".join(f"{t} {c:,}" for t, c in sorted(self.unit_types.items())),
            "行业 / sectors (share of branches):",
        ]
        lines += [f"  {s:<24} {c:>9,}  {100 * c / n:5.1f}%" for s, c in self.sectors.most_common()]
        lines.append("状态 / statuses:")
        lines += [
            f"  {s.value:<24} {self.statuses[s.value]:>9,}  {100 * self.statuses[s.value] / n:5.1f}%"
            for s in RectificationStatus
        ]
        lines += [
            f"  key (isKey) {self.key:,} ({100 * self.key / n:.1f}%), "
            f"selected as bottom {self.selected:,}, units with a confirmed selection "
            f"{self.units_selected:,} of {self.levels['units']:,}",
            "行数 / rows: " + ", ".join(f"{t} {c:,}" for t, c in self.rows.items()),
            f"账号 / accounts: username u<organisation id>, password {GENERATED_PASSWORD} "
            f"(root: u1; counties: u{self.county_ids[0]}…u{self.county_ids[1]})",
        ]
        if self.sample_unit:
            lines.append(
                f"  e.g. grassroots unit u{self.sample_unit[0]} with {self.sample_unit[1]} "
                f"branches u{self.sample_unit[0] + 1}…u{self.sample_unit[0] + self.sample_unit[1]}"
            )
        return "\n".join(lines)


@dataclass
class Org:
    id: int
    name: str
    type: OrgType
    sector: Sector
    depth: int
    path: str
    parent_id: int | None
    place: str = ""
    kind: str = ""
    branches: int = 0
    admin: str = ""  # the display name of its admin account


async def _check(replace: bool) -> None:
    conn = connection()
    try:
        found = await conn.execute_query_dict(
            "SELECT COUNT(*) AS n FROM checklist_template WHERE id = "
            + ("$1" if is_postgres(conn) else "?"),
            [DEFAULT_TEMPLATE_ID],
        )
    except Exception as error:
        raise GenerateError(
            "数据库尚未迁移，请先运行 zhengdun migrate / the database is not migrated: "
            f"run `zhengdun migrate` first ({error})"
        ) from error
    if not found[0]["n"]:
        raise GenerateError(
            f"缺少自检表模板 {DEFAULT_TEMPLATE_ID} / template {DEFAULT_TEMPLATE_ID} missing: "
            "run `zhengdun migrate`"
        )
    if replace:
        return
    for table, what in (("organization", "组织 organisations"), ("campaign", "整顿工作 campaigns")):
        rows = await conn.execute_query_dict(f"SELECT COUNT(*) AS n FROM {table}")
        if rows[0]["n"]:
            raise GenerateError(
                f"数据库中已有 {rows[0]['n']} 个{what}，未做任何修改；使用 --replace 清空本项目的"
                f"表后重新生成 / the database already has {what.split()[-1]}; nothing changed. "
                "Use --replace to empty the project's tables first."
            )


class Generator:
    def __init__(
        self,
        branches: int,
        seed: int,
        now: datetime,
        writer: Writer,
        password_hash: str,
        log: Callable[[str], None],
        campaign_id: int,
    ) -> None:
        self.campaign_id = campaign_id
        self.branches = branches
        self.seed = seed
        self.now = now
        self.writer = writer
        self.password_hash = password_hash
        self.log = log
        self.year = now.astimezone(CHINA).year
        self.created = china_datetime(self.year, 8, 1, 9)
        self.next_org = 1
        self.next_state = 1
        self.next_tally = 1
        self.next_delta = 1
        self.summary = Summary(branches, seed, self.year)
        # Counts of the organisations above the grassroots (the only ones kept in memory).
        self.tally: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        self.deltas: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0] * len(METRICS))
        self.repeats: Counter[tuple[int, Sector]] = Counter()  # units of a sector per county
        self.vectors: dict[tuple[RectificationStatus, bool, bool], list[int]] = {}
        self.levels = [0] * len(DEPTHS)  # organisations per depth

    def org(
        self,
        parent: Org | None,
        name: str,
        org_type: OrgType,
        sector: Sector,
        branches: int,
    ) -> Org:
        org_id = self.next_org
        self.next_org += 1
        org = Org(
            org_id,
            name,
            org_type,
            sector,
            parent.depth + 1 if parent else 0,
            child_path(parent.path if parent else None, org_id),
            parent.id if parent else None,
            branches=branches,
            admin=person_name(org_id),
        )
        self.writer.emit(
            "organization",
            (
                org.id,
                org.name,
                VALUES[org.type],
                VALUES[org.sector],
                org.depth,
                org.path,
                branches,
                self.created,
                org.parent_id,
            ),
        )
        self.writer.emit(
            "account",
            (
                org.id,
                f"u{org.id}",
                org.admin,
                self.password_hash,
                True,
                self.created,
                org.id,
            ),
        )
        self.levels[org.depth] += 1
        return org

    def skeleton(self) -> list[tuple[Org, list[Org], int]]:
        """团中央, provinces, cities and counties (ids in that order); returns the counties
        with their lineage (root → county) and how many grassroots units each has."""
        rng = random.Random(self.seed)
        shape = plan(self.branches, rng)
        gov = Sector.PARTY_GOVERNMENT_ORGAN
        root = self.org(None, "团中央", OrgType.COMMITTEE, gov, self.branches)
        budgets: dict[tuple[int, ...], int] = defaultdict(int)
        for c in shape.counties:
            budgets[(c.province_index,)] += c.branches
            budgets[(c.province_index, c.city_index)] += c.branches
        provinces = []
        for p, province in enumerate(shape.provinces):
            org_type = (
                OrgType.WORKING_COMMITTEE if province.name.endswith("工委") else OrgType.COMMITTEE
            )
            sector = (
                Sector.STATE_OWNED_ENTERPRISE if province.kind == "CENTRAL_ENTERPRISES" else gov
            )
            org = self.org(root, province.name, org_type, sector, budgets[(p,)])
            org.kind = province.kind
            provinces.append(org)
        cities: list[list[Org]] = []
        for p, province_org in enumerate(provinces):
            used: set[str] = set()
            row = []
            for k in range(len(shape.cities[p])):
                named = city_name(province_org.kind, k, rng, used)
                org = self.org(
                    province_org, named.name, named.type, province_org.sector, budgets[(p, k)]
                )
                org.place, org.kind = named.place, province_org.kind
                row.append(org)
            cities.append(row)
        counties = []
        used_by_city: dict[int, set[str]] = defaultdict(set)
        for plan_ in shape.counties:
            city = cities[plan_.province_index][plan_.city_index]
            named = county_name(city.kind, city.place, plan_.index, rng, used_by_city[city.id])
            org = self.org(city, named.name, named.type, city.sector, plan_.branches)
            org.place, org.kind = named.place, city.kind
            counties.append((org, [root, provinces[plan_.province_index], city, org], plan_.units))
        if counties:
            self.summary.county_ids = (counties[0][0].id, counties[-1][0].id)
        return counties

    async def run(self, campaign: Campaign, item_codes: tuple[str, ...]) -> Summary:
        started = time.perf_counter()
        counties = self.skeleton()
        await self.writer.flush()
        await self.writer.wait()  # the tree down to the counties first
        today = self.now.astimezone(CHINA).date()
        active = campaign.starts_on <= today
        if not active:
            self.log(
                f"整顿工作 {campaign.starts_on} 开始，尚无填报 / campaign not started: no forms"
            )
        history = UnitHistory(
            rng=random.Random(self.seed),
            ids=Ids(),
            emit=self.writer.emit,
            campaign_id=campaign.id,
            threshold=campaign.poor_threshold,
            ratio=Decimal(campaign.bottom_ratio),
            start=china_datetime(self.year, 9, 1, 0),
            now=self.now,
            item_codes=item_codes,
        )
        done = 0
        for n, (county, lineage, units) in enumerate(counties):
            history.rng = random.Random(f"{self.seed}/{county.id}")
            for sector, size in unit_plan(county.kind, county.branches, units, history.rng):
                self.unit(county, lineage, sector, size, history, active)
                done += size
                await self.writer.maybe_flush()
                await asyncio.sleep(0)  # let the previous batch's COPY stream meanwhile
            last = n + 1 == len(counties) or counties[n + 1][1][1] is not lineage[1]
            if last:  # a province done
                self.log(
                    f"  {lineage[1].name}: {done:,}/{self.branches:,} 个团支部 branches, "
                    f"{time.perf_counter() - started:.1f} s"
                )
        self.totals()
        await self.writer.flush()
        await self.writer.wait()
        self.summary.rows = dict(self.writer.written)
        self.summary.levels.update({DEPTHS[d]: n for d, n in enumerate(self.levels)})
        return self.summary

    def unit(
        self,
        county: Org,
        lineage: list[Org],
        sector: Sector,
        size: int,
        history: UnitHistory,
        active: bool,
    ) -> None:
        rng = history.rng
        k = self.repeats[(county.id, sector)]
        self.repeats[(county.id, sector)] += 1
        spec = grassroots_unit(sector, county.place, k, size, rng)
        unit = self.org(county, spec.name, spec.type, sector, size)
        self.summary.unit_types[spec.type.value] += 1
        if self.summary.sample_unit is None and 18 <= size <= 22:
            self.summary.sample_unit = (unit.id, size)
        stem = county.place
        branches = []
        for i in range(size):
            b_sector = sector
            name = spec.branch_name(i)
            neighbours = NEIGHBOURS.get(sector)
            if i and neighbours and rng.random() < NEIGHBOUR_SHARE:
                b_sector = rng.choice(neighbours)
                name = neighbour_branch_name(b_sector, stem, i)
            org = self.org(unit, name, OrgType.BRANCH, b_sector, 0)
            branches.append(Branch(org.id, name, VALUES[b_sector], org.path, org.admin))
        met = active and history.run(branches, (unit.id, unit.admin))
        self.states(branches)
        self.counts(unit, lineage, branches, met)

    def states(self, branches: list[Branch]) -> None:
        emit = self.writer.emit
        summary = self.summary
        for b in branches:
            summary.sectors[b.sector] += 1
            summary.statuses[VALUES[b.status]] += 1
            if b.latest_id is None:
                continue  # never acted on: no state row (NOT_SUBMITTED)
            summary.key += b.is_key
            summary.selected += b.selected
            emit(
                "branch_state",
                (
                    self.next_state,
                    b.path,
                    b.sector,
                    VALUES[b.status],
                    b.is_key,
                    VALUES[b.key_reason] if b.key_reason else None,
                    b.key_since,
                    b.baseline,
                    b.latest_id,
                    b.latest_poor,
                    b.latest_fair,
                    b.selected,
                    b.selected_at,
                    b.selected_by,
                    b.updated_at,
                    b.id,
                    self.campaign_id,
                ),
            )
            self.next_state += 1

    def counts(self, unit: Org, lineage: list[Org], branches: list[Branch], met: bool) -> None:
        """The unit's tallies and folded deltas (written now), its ancestors' (summed)."""
        per_sector: dict[str, int] = Counter(b.sector for b in branches)
        vectors: dict[str, list[int]] = {}
        for b in branches:
            if b.latest_id is None:
                continue
            key = (b.status, b.is_key, b.selected)
            vector = self.vectors.get(key)
            if vector is None:  # BranchFacts.vector(), as a list in METRICS order
                facts = b.facts().vector()
                vector = self.vectors[key] = [facts[m] for m in METRICS]
            total = vectors.setdefault(b.sector, [0] * len(METRICS))
            for i, value in enumerate(vector):
                total[i] += value
        own = unit.sector.value
        for sector, n in per_sector.items():
            self._tally(unit.id, sector, n, n, int(sector == own))
        if own not in per_sector:
            self._tally(unit.id, own, 0, 0, 1)
        for ancestor in lineage:
            for sector, n in per_sector.items():
                self.tally[(ancestor.id, sector)][0] += n
            self.tally[(ancestor.id, own)][2] += 1
        for sector, vector in vectors.items():
            self._delta(unit.id, sector, True, vector)
            for ancestor in lineage:
                mine = self.deltas[(ancestor.id, sector)]
                for i, value in enumerate(vector):
                    mine[i] += value
        if met:
            self.summary.units_selected += 1
            quota = [0] * len(METRICS)
            quota[QUOTA] = 1
            self._delta(unit.id, own, False, quota)
            for ancestor in lineage:
                self.deltas[(ancestor.id, own)][QUOTA] += 1

    def _tally(self, org_id: int, sector: str, branches: int, direct: int, units: int) -> None:
        self.writer.emit("branch_tally", (self.next_tally, org_id, sector, branches, direct, units))
        self.next_tally += 1

    def _delta(self, org_id: int, sector: str, direct: bool, vector: list[int]) -> None:
        self.writer.emit(
            "progress_delta",
            (self.next_delta, self.campaign_id, org_id, sector, direct, *vector, True),
        )
        self.next_delta += 1

    def totals(self) -> None:
        """The tallies and deltas of 团中央, provinces, cities and counties."""
        for (org_id, sector), (branches, direct, units) in sorted(self.tally.items()):
            self._tally(org_id, sector, branches, direct, units)
        for (org_id, sector), vector in sorted(self.deltas.items()):
            if any(vector):
                self._delta(org_id, sector, False, vector)


async def generate(
    branches: int,
    seed: int = DEFAULT_SEED,
    *,
    replace: bool = False,
    now: datetime | None = None,
    flush_rows: int = FLUSH_ROWS,
    check_foreign_keys: bool = False,
    connections: int = 2,
    log: Callable[[str], None] = print,
) -> Summary:
    """Generates a national-shaped tree with a campaign into the configured database.

    ``now`` (default: the current time) fixes the campaign year (Beijing date) and the
    end of the generated history; the same ``branches``, ``seed`` and ``now`` give the
    same rows. Tortoise must be initialised; the database migrated and, unless
    ``replace``, without organisations or campaigns. ``check_foreign_keys`` and
    ``connections`` (PostgreSQL connections copying at once): see ``zhengdun.generate.load``.
    """
    started = time.perf_counter()
    if not 1 <= branches <= MAX_BRANCHES:
        raise GenerateError(
            f"团支部数须在 1 到 {MAX_BRANCHES:,} 之间 / --branches: 1…{MAX_BRANCHES:,}"
        )
    await _check(replace)
    conn = connection()
    if replace:
        await truncate(conn)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    year = now.astimezone(CHINA).year
    template = await ChecklistTemplate.get(id=DEFAULT_TEMPLATE_ID)
    rules = template.rules()
    password_hash = await asyncio.to_thread(_password_hash)
    campaign = await Campaign.create(
        year=year,
        name=f"{year}年团支部整理整顿",
        starts_on=date(year, 9, 1),
        self_check_deadline=date(year, 10, 31),
        review_deadline=date(year, 11, 30),
        ends_on=date(year, 12, 31),
        bottom_ratio=Decimal("0.2"),
        poor_threshold=rules.poor_threshold,
        template_id=template.id,
        created_at=china_datetime(year, 8, 25, 10),
        created_by_name=person_name(1),
    )
    writer = Writer(conn, flush_rows, check_foreign_keys, lanes=connections)
    generator = Generator(branches, seed, now, writer, password_hash, log, campaign.id)
    log(f"生成 / generating {branches:,} branches (seed {seed}, campaign {year}) …")
    await writer.open()
    try:
        summary = await generator.run(campaign, rules.item_codes)
        summary.server_cpu = writer.server_cpu()
        summary.foreign_keys_checked = not writer.skip_fk_checks
    finally:
        await writer.close()
    await finish(conn)
    summary.rows["campaign"] = 1
    summary.elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    summary.peak_rss_mb = usage.ru_maxrss / 1024
    summary.client_cpu = usage.ru_utime + usage.ru_stime
    return summary
