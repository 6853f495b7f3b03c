"""The shape of the generated tree: how many organisations per level, and where.

At 1,000,000 branches: 34 provincial units, 400 cities, 2,900 counties and 52,000
grassroots units (团委, 团工委, 团总支), about 19 branches each on average, skewed by
sector (a university has hundreds of class branches, a company a handful). Every level
scales with the number of branches, keeping at least one organisation per level.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from models.organization import Sector
from zhengdun.generate.names import PROVINCES, Province

S = Sector
AT_1M = {"cities": 400, "counties": 2900, "units": 52000}
MAX_UNIT_BRANCHES = 600

# Share of branches per sector, from the League's 2023 statistics: schools ~44%,
# enterprises ~21%, urban and rural grassroots ~22%, organs and institutions ~8%,
# social organisations and the rest ~5%.
SECTOR_SHARES: dict[Sector, float] = {
    S.UNIVERSITY: 13,
    S.VOCATIONAL_SCHOOL: 9,
    S.HIGH_SCHOOL: 10,
    S.MIDDLE_SCHOOL: 10,
    S.PRIMARY_SCHOOL: 2,
    S.STATE_OWNED_ENTERPRISE: 7,
    S.COLLECTIVE_ENTERPRISE: 1.5,
    S.NON_PUBLIC_ENTERPRISE: 12.5,
    S.URBAN_COMMUNITY: 8,
    S.RURAL: 14,
    S.PARTY_GOVERNMENT_ORGAN: 4.5,
    S.PUBLIC_INSTITUTION: 3.5,
    S.SOCIAL_ORGANIZATION: 4.2,
    S.MILITARY: 0.2,
    S.ARMED_POLICE: 0.2,
    S.OTHER: 0.4,
}
# Typical (median) branches of one grassroots unit of the sector, before scaling.
UNIT_MEDIANS: dict[Sector, float] = {
    S.UNIVERSITY: 150,
    S.VOCATIONAL_SCHOOL: 45,
    S.HIGH_SCHOOL: 30,
    S.MIDDLE_SCHOOL: 18,
    S.PRIMARY_SCHOOL: 3,
    S.STATE_OWNED_ENTERPRISE: 20,
    S.COLLECTIVE_ENTERPRISE: 4,
    S.NON_PUBLIC_ENTERPRISE: 5,
    S.URBAN_COMMUNITY: 10,
    S.RURAL: 14,
    S.PARTY_GOVERNMENT_ORGAN: 8,
    S.PUBLIC_INSTITUTION: 8,
    S.SOCIAL_ORGANIZATION: 4,
    S.MILITARY: 6,
    S.ARMED_POLICE: 6,
    S.OTHER: 4,
}
UNIT_SIGMA = 0.8  # lognormal spread of unit sizes
# Big units lose part of their share when a county's budget is split among its units;
# these factors (found by simulating many counties) bring the branch shares back.
DRAW_CORRECTION = {S.UNIVERSITY: 1.9, S.VOCATIONAL_SCHOOL: 1.2, S.HIGH_SCHOOL: 1.05}
# The two central working committees have units of their own kind only.
KIND_SECTORS: dict[str, dict[Sector, float]] = {
    "CENTRAL_ORGANS": {S.PARTY_GOVERNMENT_ORGAN: 6, S.PUBLIC_INSTITUTION: 4},
    "CENTRAL_ENTERPRISES": {S.STATE_OWNED_ENTERPRISE: 1},
}


def unit_sector_weights(kind: str) -> tuple[list[Sector], list[float]]:
    """Units of a sector are drawn ∝ share / median, so branches come out ∝ share."""
    shares = KIND_SECTORS.get(kind, SECTOR_SHARES)
    sectors = list(shares)
    return sectors, [shares[s] / UNIT_MEDIANS[s] * DRAW_CORRECTION.get(s, 1.0) for s in sectors]


def apportion(
    total: int,
    weights: Sequence[float],
    lo: Sequence[int] | int = 1,
    hi: Sequence[int] | int | None = None,
) -> list[int]:
    """``total`` split in integers ∝ ``weights``, each within [lo, hi] (largest remainder)."""
    n = len(weights)
    lows = [lo] * n if isinstance(lo, int) else list(lo)
    highs = [total] * n if hi is None else ([hi] * n if isinstance(hi, int) else list(hi))
    if sum(lows) > total or sum(highs) < total:
        raise ValueError(f"cannot split {total} within the bounds")
    result: list[int | None] = [None] * n
    remaining = total
    while True:
        free = [i for i in range(n) if result[i] is None]
        wsum = sum(weights[i] for i in free) or 1.0
        share = {i: remaining * (weights[i] or 0.0) / wsum for i in free}
        over = [i for i in free if share[i] > highs[i]]
        under = [] if over else [i for i in free if share[i] < lows[i]]
        if not over and not under:
            break
        for i in over:
            result[i] = highs[i]
        for i in under:
            result[i] = lows[i]
        remaining = total - sum(r for r in result if r is not None)
        if not [i for i in range(n) if result[i] is None]:
            break
    free = [i for i in range(n) if result[i] is None]
    for i in free:
        result[i] = math.floor(share[i])
    left = total - sum(r for r in result if r is not None)
    order = sorted(free, key=lambda i: (-(share[i] - math.floor(share[i])), i))
    while left > 0:
        progressed = False
        for i in order:
            value = result[i]
            assert value is not None
            if left and value < highs[i]:
                result[i] = value + 1
                left -= 1
                progressed = True
        if not progressed:
            raise ValueError("cannot place the remainder within the bounds")
    return [int(r or 0) for r in result]


@dataclass(frozen=True)
class LevelCounts:
    provinces: int
    cities: int
    counties: int
    units: int
    branches: int


def level_counts(branches: int) -> LevelCounts:
    if branches < 1:
        raise ValueError("at least one branch")
    scale = branches / 1_000_000
    units = min(branches, max(1, round(AT_1M["units"] * scale)))
    units = max(units, math.ceil(branches / MAX_UNIT_BRANCHES))
    counties = min(units, max(1, round(AT_1M["counties"] * scale)))
    cities = min(counties, max(1, round(AT_1M["cities"] * scale)))
    return LevelCounts(min(len(PROVINCES), cities), cities, counties, units, branches)


@dataclass
class CountyPlan:
    province_index: int
    city_index: int  # within the province
    index: int  # within the city
    branches: int
    units: int


@dataclass
class Skeleton:
    """Provinces, cities and counties with their branch and unit budgets (no ids yet)."""

    counts: LevelCounts
    provinces: list[Province]
    cities: list[list[int]] = field(default_factory=list)  # province → counties per city
    counties: list[CountyPlan] = field(default_factory=list)


def plan(branches: int, rng: random.Random) -> Skeleton:
    counts = level_counts(branches)
    provinces = list(PROVINCES[: counts.provinces])
    cities = apportion(counts.cities, [p.city_weight for p in provinces])
    per_province = apportion(counts.counties, [p.county_weight for p in provinces], lo=cities)
    skeleton = Skeleton(counts, provinces)
    plans: list[CountyPlan] = []
    weights: list[float] = []
    for p, (province, n_cities, n_counties) in enumerate(
        zip(provinces, cities, per_province, strict=True)
    ):
        jitter = [rng.lognormvariate(0, 0.4) for _ in range(n_cities)]
        per_city = apportion(n_counties, jitter)
        skeleton.cities.append(per_city)
        for c, n in enumerate(per_city):
            for k in range(n):
                plans.append(CountyPlan(p, c, k, 0, 0))
                weights.append(province.branch_weight / n_counties * rng.lognormvariate(0, 0.5))
    budgets = apportion(branches, weights)
    units = apportion(
        counts.units,
        budgets,
        lo=[math.ceil(b / MAX_UNIT_BRANCHES) for b in budgets],
        hi=budgets,
    )
    for county, b, u in zip(plans, budgets, units, strict=True):
        county.branches, county.units = b, u
    skeleton.counties = plans
    return skeleton


def unit_plan(kind: str, budget: int, units: int, rng: random.Random) -> list[tuple[Sector, int]]:
    """The sector and branch count of each grassroots unit of one county."""
    sectors, weights = unit_sector_weights(kind)
    drawn = rng.choices(sectors, weights, k=units)
    raw = [rng.lognormvariate(math.log(UNIT_MEDIANS[s]), UNIT_SIGMA) for s in drawn]
    sizes = apportion(budget, raw, lo=1, hi=MAX_UNIT_BRANCHES)
    return list(zip(drawn, sizes, strict=True))
