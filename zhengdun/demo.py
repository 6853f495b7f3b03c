"""Demo data (演示数据): a small but realistic organisation tree with one admin per node.

``zhengdun seed-demo`` calls :func:`seed_demo`. The tree is fully reproducible (every
random choice comes from ``random.Random(2019)``)::

    团中央 (root)
    ├── 浙江省团委 (zj)                     ├── 四川省团委 (sc)
    │   ├── 杭州市团委 (zj-hz)              │   ├── 成都市团委 (sc-cd)
    │   │   ├── 西湖区团委 (zj-hz-xh)       │   │   ├── 武侯区团委 (sc-cd-wh)
    │   │   └── 淳安县团委 (zj-hz-ca)       │   │   └── 蒲江县团委 (sc-cd-pj)
    │   └── 宁波市团委 (zj-nb)              │   └── 绵阳市团委 (sc-my)
    │       ├── 鄞州区团委 (zj-nb-yz)       │       ├── 涪城区团委 (sc-my-fc)
    │       └── 象山县团委 (zj-nb-xs)       │       └── 三台县团委 (sc-my-st)

Every county has eight grassroots organisations (团委, 团工委 or 团总支 of schools,
enterprises, towns, streets, …; usernames ``<county>-c01`` … ``-c08``), and below them
300 branches (团支部; ``<committee>-b01`` …) covering all 16 sectors. Every account's
password is :data:`DEMO_PASSWORD`.

On that tree the demo then plays two campaigns (整顿工作) through the GraphQL API itself,
in-process, as the organisations' own admins, with a clock moved through the months (see
:func:`seed_campaigns`): last year's, a pilot in 西湖区 that was closed with its unfinished
key branches carried over, and the current one, open today, with every branch status, every
key reason, bottom selections made in some units and not in others, monthly resubmissions,
notifications and spot checks. Whatever the demo holds, the API could have reached.
"""

from __future__ import annotations

import asyncio
import enum
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from models.account import Account
from models.organization import Organization, OrgType, Sector, add_organization
from models.rectification import BranchState
from models.workflow import (
    KEY_REASON_LABELS,
    STATUS_LABELS,
    KeyReason,
    RectificationStatus,
    ReviewDecision,
    bottom_quota,
)
from resolvers.account import hash_password
from schema.build import build_schema
from schema.ids import decode_int_id, encode_id
from zhengdun.clock import CHINA, FixedClock, china_datetime
from zhengdun.config import Settings, load_settings
from zhengdun.context import Context, Viewer

DEMO_PASSWORD = "demo12345"
DEMO_SEED = 2019
DEMO_BRANCHES = 300
ROOT_USERNAME = "root"
BRANCHES_MIN, BRANCHES_MAX = 3, 8  # branches per grassroots organisation

DISPLAY_NAMES = (
    "张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴敏",
    "徐婷", "孙浩", "胡军", "朱琳", "高峰", "林燕", "何勇", "郭佳", "马超", "罗红",
)  # fmt: skip


@dataclass(frozen=True)
class CountySpec:
    code: str
    name: str  # 西湖区
    stem: str  # 西湖
    neighbourhood: str  # a 街道 (urban districts) or the first 镇 (rural counties)
    second_town: str  # a second 镇 (rural counties); unused in districts
    sectors: tuple[Sector, ...]  # one grassroots organisation for each, in order


@dataclass(frozen=True)
class CitySpec:
    code: str
    name: str  # 杭州市
    counties: tuple[CountySpec, CountySpec]


@dataclass(frozen=True)
class ProvinceSpec:
    code: str
    name: str  # 浙江省团委
    cities: tuple[CitySpec, CitySpec]


S = Sector
URBAN_CORE = (S.PARTY_GOVERNMENT_ORGAN, S.URBAN_COMMUNITY)
RURAL_CORE = (S.PARTY_GOVERNMENT_ORGAN, S.RURAL, S.RURAL)

PROVINCES = (
    ProvinceSpec("zj", "浙江省团委", (
        CitySpec("hz", "杭州市", (
            CountySpec("xh", "西湖区", "西湖", "北山街道", "", URBAN_CORE + (
                S.UNIVERSITY, S.HIGH_SCHOOL, S.MIDDLE_SCHOOL, S.NON_PUBLIC_ENTERPRISE,
                S.SOCIAL_ORGANIZATION, S.PUBLIC_INSTITUTION)),
            CountySpec("ca", "淳安县", "淳安", "千岛湖镇", "威坪镇", RURAL_CORE + (
                S.HIGH_SCHOOL, S.MIDDLE_SCHOOL, S.COLLECTIVE_ENTERPRISE,
                S.PUBLIC_INSTITUTION, S.OTHER)),
        )),
        CitySpec("nb", "宁波市", (
            CountySpec("yz", "鄞州区", "鄞州", "中河街道", "", URBAN_CORE + (
                S.VOCATIONAL_SCHOOL, S.HIGH_SCHOOL, S.PRIMARY_SCHOOL,
                S.NON_PUBLIC_ENTERPRISE, S.STATE_OWNED_ENTERPRISE, S.ARMED_POLICE)),
            CountySpec("xs", "象山县", "象山", "石浦镇", "西周镇", RURAL_CORE + (
                S.HIGH_SCHOOL, S.PRIMARY_SCHOOL, S.NON_PUBLIC_ENTERPRISE,
                S.COLLECTIVE_ENTERPRISE, S.MILITARY)),
        )),
    )),
    ProvinceSpec("sc", "四川省团委", (
        CitySpec("cd", "成都市", (
            CountySpec("wh", "武侯区", "武侯", "玉林街道", "", URBAN_CORE + (
                S.UNIVERSITY, S.HIGH_SCHOOL, S.MIDDLE_SCHOOL, S.NON_PUBLIC_ENTERPRISE,
                S.SOCIAL_ORGANIZATION, S.MILITARY)),
            CountySpec("pj", "蒲江县", "蒲江", "寿安镇", "西来镇", RURAL_CORE + (
                S.VOCATIONAL_SCHOOL, S.MIDDLE_SCHOOL, S.COLLECTIVE_ENTERPRISE,
                S.SOCIAL_ORGANIZATION, S.OTHER)),
        )),
        CitySpec("my", "绵阳市", (
            CountySpec("fc", "涪城区", "涪城", "城厢街道", "", URBAN_CORE + (
                S.VOCATIONAL_SCHOOL, S.HIGH_SCHOOL, S.PRIMARY_SCHOOL,
                S.STATE_OWNED_ENTERPRISE, S.PUBLIC_INSTITUTION, S.OTHER)),
            CountySpec("st", "三台县", "三台", "潼川镇", "芦溪镇", RURAL_CORE + (
                S.HIGH_SCHOOL, S.PRIMARY_SCHOOL, S.STATE_OWNED_ENTERPRISE,
                S.ARMED_POLICE, S.PUBLIC_INSTITUTION)),
        )),
    )),
)  # fmt: skip

CHINESE_NUMERALS = "一二三四五六七八九十"


def _listed(prefix: str, items: tuple[str, ...], suffix: str = "团支部") -> Callable[[int], str]:
    return lambda i: f"{prefix}{items[i]}{suffix}"


def _classes(
    groups: tuple[str, ...], per_group: int, pattern: str = "{group}{n}班团支部"
) -> Callable[[int], str]:
    """Class branches (班团支部): group by group, ``per_group`` classes each."""
    return lambda i: pattern.format(group=groups[i // per_group], n=i % per_group + 1)


@dataclass(frozen=True)
class Unit:
    """A grassroots organisation below a county, and how its branches are named."""

    name: str
    type: OrgType
    branch_name: Callable[[int], str]  # 0-based index → name (distinct for 0..7)


VILLAGES = ("东岙", "西坞", "南塘", "北港", "上杨", "下王", "中和", "三合",
            "五星", "太平", "永丰", "长乐", "新民", "红旗", "青山", "石桥")  # fmt: skip
COMMUNITIES = ("文新", "翠苑", "和平", "新华", "光明", "幸福", "建设", "朝阳")
OFFICES = ("发展和改革局", "财政局", "教育局", "人力资源和社会保障局",
           "市场监督管理局", "司法局", "民政局", "卫生健康局")  # fmt: skip
HOSPITAL_WARDS = ("内科", "外科", "妇产科", "儿科", "急诊科", "护理部", "医技科室", "行政后勤")
COLLEGES = ("机械工程学院", "信息工程学院", "经济管理学院", "外国语学院")
MAJORS = ("数控技术专业", "电子商务专业", "护理专业", "汽车运用与维修专业")
PRIMARY_SCHOOLS = ("实验", "第一", "第二", "城关", "育才", "新华", "东方", "光明")
POWER_DEPARTMENTS = ("运维检修部", "营销服务中心", "调度控制中心", "安全监察部",
                     "物资供应中心", "综合服务中心", "城区供电所", "客户服务中心")  # fmt: skip
CO_OPS = ("城关", "东门", "南溪", "北岭", "西塘", "新桥", "石门", "花园")
COMPANY_KINDS = ("智能", "新材料", "电子", "物流")
COMPANY_DEPARTMENTS = ("研发中心", "生产一部", "生产二部", "质量管理部",
                       "市场销售部", "客户服务中心", "供应链管理部", "行政人事部")  # fmt: skip
SOCIETIES = ("青年志愿者协会", "律师协会", "义工联合会", "社会工作者协会",
             "青年企业家协会", "慈善总会", "青年创业促进会", "网络文化协会")  # fmt: skip
MILITIA = ("人武部机关", "民兵应急连", "民兵通信排", "民兵卫生排",
           "民兵防化排", "民兵工兵排", "民兵侦察排", "民兵运输排")  # fmt: skip
DESTINATIONS = ("上海", "北京", "深圳", "广州", "苏州", "义乌", "重庆", "武汉")
UNIVERSITY_KINDS = ("理工学院", "师范学院", "财经学院", "医学院")


def _code_number(county: CountySpec) -> int:
    """A small number derived from the county's code, to vary names reproducibly."""
    return sum(map(ord, county.code))


def grassroots_unit(sector: Sector, city: CitySpec, county: CountySpec, k: int) -> Unit:
    """The grassroots organisation of ``sector`` in ``county``; ``k`` tells repeats apart."""
    c, stem = county.name, county.stem
    city_stem = city.name.removesuffix("市")
    committee, working = OrgType.COMMITTEE, OrgType.WORKING_COMMITTEE
    general = OrgType.GENERAL_BRANCH
    match sector:
        case S.PARTY_GOVERNMENT_ORGAN:
            return Unit(f"{c}直属机关团工委", working, _listed(c, OFFICES))
        case S.PUBLIC_INSTITUTION:
            return Unit(f"{c}人民医院团总支", general, _listed(f"{c}人民医院", HOSPITAL_WARDS))
        case S.UNIVERSITY:
            name = f"{city_stem}{UNIVERSITY_KINDS[_code_number(county) % 4]}"
            return Unit(
                f"{name}团委",
                committee,
                _classes(tuple(f"{college}2024级" for college in COLLEGES), 2),
            )
        case S.VOCATIONAL_SCHOOL:
            return Unit(
                f"{c}职业技术学校团委",
                committee,
                _classes(tuple(f"{major}2024级" for major in MAJORS), 2),
            )
        case S.HIGH_SCHOOL:
            return Unit(
                f"{stem}中学团委",
                committee,
                _classes(("高一", "高二", "高三"), 3, "{group}（{n}）班团支部"),
            )
        case S.MIDDLE_SCHOOL:
            return Unit(
                f"{stem}实验初级中学团委",
                committee,
                _classes(("初三", "初二"), 5, "{group}（{n}）班团支部"),
            )
        case S.PRIMARY_SCHOOL:
            return Unit(
                f"{c}小学青年教师团总支", general, _listed(stem, PRIMARY_SCHOOLS, "小学团支部")
            )
        case S.STATE_OWNED_ENTERPRISE:
            return Unit(
                f"国网{city_stem}{c}供电公司团委", committee, _listed("", POWER_DEPARTMENTS)
            )
        case S.COLLECTIVE_ENTERPRISE:
            return Unit(f"{c}供销合作社团总支", general, _listed("", CO_OPS, "供销社团支部"))
        case S.NON_PUBLIC_ENTERPRISE:
            kind = COMPANY_KINDS[(_code_number(county) + k) % 4]
            return Unit(
                f"{city_stem}{stem}{kind}科技有限公司团委",
                committee,
                _listed("", COMPANY_DEPARTMENTS),
            )
        case S.SOCIAL_ORGANIZATION:
            return Unit(f"{c}社会组织团工委", working, _listed(c, SOCIETIES))
        case S.MILITARY:
            return Unit(f"{c}人民武装部团总支", general, _listed("", MILITIA))
        case S.ARMED_POLICE:
            return Unit(
                f"武警{city_stem}支队团委",
                committee,
                _listed("", tuple(f"{n}中队" for n in CHINESE_NUMERALS)),
            )
        case S.URBAN_COMMUNITY:
            return Unit(
                f"{county.neighbourhood}团工委", working, _listed("", COMMUNITIES, "社区团支部")
            )
        case S.RURAL:
            town = county.neighbourhood if k == 0 else county.second_town
            villages = VILLAGES[8 * k : 8 * k + 8]
            return Unit(f"{town}团委", committee, _listed("", villages, "村团支部"))
        case _:
            return Unit(
                f"{c}流动团员团总支", general, _listed("驻", DESTINATIONS, "流动团员团支部")
            )


def branch_counts(units: int, total: int, rng: random.Random) -> list[int]:
    """``total`` branches over ``units`` organisations, each between the bounds."""
    counts = [BRANCHES_MIN] * units
    for _ in range(total - BRANCHES_MIN * units):
        counts[rng.choice([i for i, n in enumerate(counts) if n < BRANCHES_MAX])] += 1
    return counts


@dataclass
class DemoTree:
    """The organisations :func:`seed_tree` created, level by level, and their usernames."""

    root: Organization
    provinces: list[Organization] = field(default_factory=list)
    cities: list[Organization] = field(default_factory=list)
    counties: list[Organization] = field(default_factory=list)
    committees: list[Organization] = field(default_factory=list)  # the grassroots level
    branches: list[Organization] = field(default_factory=list)
    usernames: dict[int, str] = field(default_factory=dict)  # organisation id → admin

    @property
    def organizations(self) -> list[Organization]:
        return [
            self.root,
            *self.provinces,
            *self.cities,
            *self.counties,
            *self.committees,
            *self.branches,
        ]


async def seed_tree(rng: random.Random) -> DemoTree:
    """Creates the demo tree (run inside a transaction on an empty database).

    ``branch_count`` of the returned objects is current (refreshed at the end).
    """
    sectors = [s for p in PROVINCES for ci in p.cities for co in ci.counties for s in co.sectors]
    counts = iter(branch_counts(len(sectors), DEMO_BRANCHES, rng))

    async def add(
        parent: Organization | None, name: str, t: OrgType, sector: Sector, username: str
    ) -> Organization:
        org = await add_organization(parent, name, t, sector)
        tree.usernames[org.id] = username
        return org

    gov = S.PARTY_GOVERNMENT_ORGAN
    tree = DemoTree(root=await add_organization(None, "团中央", OrgType.COMMITTEE, gov))
    tree.usernames[tree.root.id] = ROOT_USERNAME
    for p in PROVINCES:
        province = await add(tree.root, p.name, OrgType.COMMITTEE, gov, p.code)
        tree.provinces.append(province)
        for ci in p.cities:
            city_user = f"{p.code}-{ci.code}"
            city = await add(province, f"{ci.name}团委", OrgType.COMMITTEE, gov, city_user)
            tree.cities.append(city)
            for co in ci.counties:
                county_user = f"{city_user}-{co.code}"
                county = await add(city, f"{co.name}团委", OrgType.COMMITTEE, gov, county_user)
                tree.counties.append(county)
                seen: dict[Sector, int] = {}
                for u, sector in enumerate(co.sectors, start=1):
                    k = seen[sector] = seen.get(sector, -1) + 1
                    unit = grassroots_unit(sector, ci, co, k)
                    unit_user = f"{county_user}-c{u:02d}"
                    committee = await add(county, unit.name, unit.type, sector, unit_user)
                    tree.committees.append(committee)
                    for b in range(next(counts)):
                        tree.branches.append(
                            await add(
                                committee,
                                unit.branch_name(b),
                                OrgType.BRANCH,
                                sector,
                                f"{unit_user}-b{b + 1:02d}",
                            )
                        )
    ids = [o.id for o in tree.organizations if not o.is_branch]
    current = dict(await Organization.filter(id__in=ids).values_list("id", "branch_count"))
    for org in tree.organizations:
        org.branch_count = current.get(org.id, 0)
    return tree


async def seed_accounts(tree: DemoTree, password_hash: str, rng: random.Random) -> int:
    """One admin account for every organisation of the tree; returns how many."""
    accounts = [
        Account(
            username=tree.usernames[org.id],
            display_name=rng.choice(DISPLAY_NAMES),
            organization_id=org.id,
            password_hash=password_hash,
        )
        for org in tree.organizations
    ]
    await Account.bulk_create(accounts, batch_size=500)
    return len(accounts)


def demo_logins(tree: DemoTree) -> str:
    """The text ``seed-demo`` prints: one login per level, in Chinese and English."""
    county = tree.counties[0]
    committee = next(c for c in tree.committees if c.parent_id == county.id)
    branch = next(b for b in tree.branches if b.parent_id == committee.id)
    rows = [
        ("团中央 / root", tree.root),
        ("省级 / province", tree.provinces[0]),
        ("市级 / city", tree.cities[0]),
        ("县级 / county", county),
        ("基层团委 / committee", committee),
        ("团支部 / branch", branch),
    ]
    lines = [
        f"演示数据已创建 / demo data created: {len(tree.organizations)} 个团组织 organisations, "
        f"其中 {len(tree.branches)} 个团支部 branches, 每个组织一名管理员 one admin each.",
        f"所有演示账号的密码 / password of every demo account: {DEMO_PASSWORD}",
        "",
        "层级 / level            用户名 / username        组织 / organisation",
    ]
    for label, org in rows:
        lines.append(f"{_pad(label, 24)}{_pad(tree.usernames[org.id], 25)}{org.name}")
    lines += [
        "",
        "用户名规则 / username pattern: 省 province zj, sc; 市 city zj-hz; 县 county zj-hz-xh;",
        "  基层 committee <county>-c01…c08; 团支部 branch <committee>-b01…",
    ]
    return "\n".join(lines)


def _pad(text: str, width: int) -> str:
    """Left-justifies to ``width`` terminal columns (CJK characters take two)."""
    columns = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return text + " " * max(1, width - columns)


# --- The campaigns, played through the API ----------------------------------------------
#
# Every change below is a GraphQL operation executed in-process by the schema the service
# serves (``build_schema``), as the admin whose organisation acts, with a FixedClock set to
# the moment of the step: the same resolvers, rules, locks, notifications and audit as a
# request over HTTP, without the HTTP and without the password check (the Viewer is built
# from the account directly). Every payload's ``userErrors`` must be empty and every
# resulting status must be the one planned, or seeding fails and nothing is written.

CAMPAIGN_SEED = DEMO_SEED + 1  # its own random stream: the tree above does not change
PILOT = "zj-hz-xh"  # last year's campaign was a pilot in one county, 西湖区
LAGGING = "sc"  # this year 四川 is behind: more branches without a form
SELECTING_SHARE = 0.55  # share of the other units that have ticked their bottom branches

S_ = RectificationStatus
D_ = ReviewDecision


class DemoSeedError(RuntimeError):
    """A demo step was refused: the plan asked for something the API does not allow."""


class Story(enum.Enum):
    """What happens to one branch in one campaign."""

    NOT_SUBMITTED = "no form"
    LATE = "submits late; awaits review"
    REJECTED = "rejected with a reason"
    REJECTED_RESUBMITTED = "rejected, resubmitted; awaits review"
    REJECTED_PASSED = "rejected, resubmitted, passed"
    PASSED = "passed"
    ASSESSED_PASSED = "assessed by the superior (POOR < 10), passed"
    THRESHOLD = "own form with >= 10 POOR; START_RECTIFICATION"
    DECISION = "own form with < 10 POOR; the superior's START_RECTIFICATION"
    ASSESSED_KEY = "assessed by the superior with >= 10 POOR: key at once"
    BOTTOM = "passed, then ticked as a bottom branch"
    CARRIED = "carried over from last year"


class Ending(enum.Enum):
    """Where a key branch's monthly resubmissions have got to."""

    JUST_STARTED = "no resubmission yet (KEY_RECTIFYING)"
    CONTINUED = "resubmitted, told to continue (KEY_RECTIFYING)"
    RESUBMITTED = "resubmitted, awaiting re-review (KEY_PENDING_REVIEW)"
    RECTIFIED = "continued at least once, then passed (RECTIFIED)"


KEY_STORIES = frozenset(
    {Story.THRESHOLD, Story.DECISION, Story.ASSESSED_KEY, Story.BOTTOM, Story.CARRIED}
)
CURRENT_WEIGHTS = {
    Story.NOT_SUBMITTED: 5,
    Story.LATE: 8,
    Story.REJECTED: 4,
    Story.REJECTED_RESUBMITTED: 2,
    Story.REJECTED_PASSED: 4,
    Story.PASSED: 50,
    Story.ASSESSED_PASSED: 3,
    Story.THRESHOLD: 7,
    Story.DECISION: 5,
    Story.ASSESSED_KEY: 3,
}
LAGGING_WEIGHTS = {
    Story.NOT_SUBMITTED: 30,
    Story.LATE: 14,
    Story.REJECTED: 5,
    Story.REJECTED_RESUBMITTED: 2,
    Story.REJECTED_PASSED: 2,
    Story.PASSED: 30,
    Story.ASSESSED_PASSED: 2,
    Story.THRESHOLD: 6,
    Story.DECISION: 5,
    Story.ASSESSED_KEY: 4,
}
PILOT_WEIGHTS = {
    Story.NOT_SUBMITTED: 3,
    Story.LATE: 3,
    Story.REJECTED: 3,
    Story.REJECTED_PASSED: 4,
    Story.PASSED: 87,
}
ENDING_WEIGHTS = {
    Ending.JUST_STARTED: 15,
    Ending.CONTINUED: 30,
    Ending.RESUBMITTED: 25,
    Ending.RECTIFIED: 30,
}

Casting = tuple[Story, Ending | None]
# The units the printed guide points at: their branches' stories, in branch order (the
# rest of a longer unit is drawn at random), and whether the unit has ticked its bottom
# branches. Last year's pilot carries zj-hz-xh-c02-b01 over and no other of these.
SHOWCASE: dict[str, tuple[bool, tuple[Casting, ...]]] = {
    # Pending reviews (a form, a key resubmission), a rejected branch, quota unmet.
    "zj-hz-xh-c01": (
        False,
        (
            (Story.REJECTED, None),
            (Story.LATE, None),
            (Story.THRESHOLD, Ending.RESUBMITTED),
            (Story.PASSED, None),
        ),
    ),
    # Key for three reasons, all still rectifying; quota met.
    "zj-hz-xh-c02": (
        True,
        (
            (Story.CARRIED, Ending.JUST_STARTED),
            (Story.ASSESSED_KEY, Ending.JUST_STARTED),
            (Story.DECISION, Ending.CONTINUED),
        ),
    ),
    # Quota met with a bottom pick; the key list's monthly counts; a rectified branch.
    "zj-hz-xh-c03": (
        True,
        (
            (Story.THRESHOLD, Ending.RECTIFIED),
            (Story.BOTTOM, Ending.CONTINUED),
            (Story.DECISION, Ending.RESUBMITTED),
            (Story.PASSED, None),
            (Story.PASSED, None),
            (Story.REJECTED_PASSED, None),
        ),
    ),
    "zj-hz-xh-c04": (
        True,
        (
            (Story.THRESHOLD, Ending.CONTINUED),
            (Story.PASSED, None),
            (Story.NOT_SUBMITTED, None),
            (Story.REJECTED_RESUBMITTED, None),
        ),
    ),
}
CARRIED_SHOWCASE = frozenset({"zj-hz-xh-c02-b01"})

REJECT_REASONS = (
    "团员人数与实际不符，自检结果失实，请核实后重新填报。",
    "“三会两制一课”台账缺失，组织生活一项自评偏高。",
    "团费收缴记录与系统登记不一致，请如实自检。",
    "支部委员会已空缺半年，班子建设一项不应评为“好”。",
)
START_COMMENTS = {
    Story.THRESHOLD: "较差项达到 10 项，纳入重点整顿，请制定整改方案。",
    Story.DECISION: "组织生活长期不规范，经研究纳入重点整顿。",
}
CONTINUE_COMMENTS = (
    "部分问题尚未整改到位，请继续整改。",
    "组织生活记录仍不完整，请继续整改。",
    "团员信息尚未全部录入，请继续整改。",
)
PASS_RECTIFIED = "整改到位，同意完成整改。"
POOR_NOTES = {  # by item code prefix, on POOR items
    "ORG": "组织设置正在按规定调整。",
    "LEAD": "支委空缺，正在补选。",
    "MEM": "台账正在补录。",
    "LIFE": "未按期开展，已制定计划。",
    "SYS": "制度已建立，落实不到位。",
    "ROLE": "正在制定改进措施。",
}


@dataclass(frozen=True)
class Form:
    """A complete self-check form: POOR and FAIR items, every other item GOOD."""

    poor: frozenset[str]
    fair: frozenset[str]

    def ratings(self, codes: Sequence[str]) -> list[dict[str, str | None]]:
        rows: list[dict[str, str | None]] = []
        for code in codes:
            if code in self.poor:
                note = POOR_NOTES.get(code.split("-")[0])
                rows.append({"itemCode": code, "rating": "POOR", "note": note})
            else:
                rating = "FAIR" if code in self.fair else "GOOD"
                rows.append({"itemCode": code, "rating": rating})
        return rows


class Act(enum.Enum):
    SUBMIT = "submitSelfCheck"  # by the branch
    ASSESS = "assessBranch"  # by its direct superior
    REVIEW = "reviewSelfCheck"  # by its direct superior
    READ = "markNotificationsRead"  # the branch reads its notices before it acts again
    SELECT = "selectBottomBranches"  # by a unit
    DRAW = "drawSpotCheck"  # by a county or city


@dataclass(frozen=True)
class Step:
    """One operation of a campaign, at a share of the campaign's elapsed time."""

    at: float  # 0: the start; 1: the last moment (now, for the current campaign)
    seq: int  # the order of planning, among steps at the same moment
    act: Act
    org: Organization  # the branch (SUBMIT, ASSESS, REVIEW, READ) or the acting unit
    form: Form | None = None
    decision: ReviewDecision | None = None
    comment: str | None = None
    expect: RectificationStatus | None = None  # the branch's status afterwards
    branches: tuple[Organization, ...] = ()  # SELECT
    ratio: float = 0.0  # DRAW
    statuses: tuple[RectificationStatus, ...] = ()  # DRAW


class Planner:
    """Writes one campaign's steps from each branch's story and each unit's ticks.

    ``forms`` (the last form of every branch) is shared between the campaigns, so that
    a carried-over branch rectifies the items it left POOR last year. A branch reads its
    notices (marks them read) before it submits again after a notice of this campaign.
    """

    def __init__(self, rng: random.Random, codes: Sequence[str], forms: dict[int, Form]) -> None:
        self.rng = rng
        self.codes = list(codes)
        self.forms = forms
        self.notified: set[int] = set()  # branches with notices they have not read yet
        self.steps: list[Step] = []

    def _add(self, at: float, act: Act, org: Organization, **fields: Any) -> None:
        self.steps.append(Step(min(at, 1.0), len(self.steps), act, org, **fields))

    def planned(self) -> list[Step]:
        """The steps, in time order. Of a branch's READ steps only the last is kept: it
        marks every notice read so far, so the notices left unread at the end are the
        same as if the branch had read them before each submission (at half the cost)."""
        last_read = {s.org.id: s.seq for s in self.steps if s.act is Act.READ}
        kept = [s for s in self.steps if s.act is not Act.READ or last_read[s.org.id] == s.seq]
        return sorted(kept, key=lambda s: (s.at, s.seq))

    def new_form(self, poor: int, fair: int) -> Form:
        chosen = self.rng.sample(self.codes, poor + fair)
        return Form(frozenset(chosen[:poor]), frozenset(chosen[poor:]))

    def improved(self, form: Form, fixed: int) -> Form:
        """``fixed`` POOR items put right: most become FAIR, some GOOD."""
        mended = set(self.rng.sample(sorted(form.poor), min(fixed, len(form.poor))))
        fair = set(form.fair) | {code for code in mended if self.rng.random() < 0.7}
        return Form(form.poor - mended, frozenset(fair))

    def submit(self, at: float, branch: Organization, form: Form, expect: S_) -> None:
        if branch.id in self.notified:
            self._add(at, Act.READ, branch)
            self.notified.discard(branch.id)
        self.forms[branch.id] = form
        self._add(at, Act.SUBMIT, branch, form=form, expect=expect)

    def assess(self, at: float, branch: Organization, form: Form, expect: S_) -> None:
        self.forms[branch.id] = form
        self.notified.add(branch.id)
        self._add(at, Act.ASSESS, branch, form=form, expect=expect)

    def review(
        self, at: float, branch: Organization, decision: D_, expect: S_, comment: str | None = None
    ) -> None:
        self.notified.add(branch.id)
        self._add(at, Act.REVIEW, branch, decision=decision, comment=comment, expect=expect)

    def select(self, at: float, unit: Organization, ticks: Sequence[Organization]) -> None:
        self.notified.update(b.id for b in ticks)
        self._add(at, Act.SELECT, unit, branches=tuple(ticks))

    def draw(self, at: float, org: Organization, ratio: float, *statuses: S_) -> None:
        self._add(at, Act.DRAW, org, ratio=ratio, statuses=statuses)

    def play(
        self, branch: Organization, story: Story, ending: Ending | None, selected_at: float
    ) -> None:
        """The steps of one branch's story (a ticked BOTTOM branch is ticked at
        ``selected_at`` by its unit's SELECT step)."""
        rng = self.rng
        submitted = rng.uniform(0.02, 0.32)
        reviewed = submitted + rng.uniform(0.03, 0.10)
        if story is Story.NOT_SUBMITTED:
            return
        if story is Story.LATE:
            late = self.new_form(rng.randint(0, 6), rng.randint(2, 10))
            self.submit(rng.uniform(0.80, 0.97), branch, late, S_.PENDING_REVIEW)
        elif story in (Story.REJECTED, Story.REJECTED_RESUBMITTED, Story.REJECTED_PASSED):
            rosy = self.new_form(0, rng.randint(0, 3))
            self.submit(submitted, branch, rosy, S_.PENDING_REVIEW)
            reason = rng.choice(REJECT_REASONS)
            self.review(reviewed, branch, D_.REJECT, S_.REJECTED, reason)
            if story is Story.REJECTED:
                return
            again = reviewed + rng.uniform(0.05, 0.15)
            honest = self.new_form(rng.randint(2, 6), rng.randint(4, 10))
            self.submit(again, branch, honest, S_.PENDING_REVIEW)
            if story is Story.REJECTED_PASSED:
                self.review(again + rng.uniform(0.02, 0.08), branch, D_.PASS, S_.PASSED)
        elif story in (Story.PASSED, Story.BOTTOM):
            poor = rng.randint(6, 8) if story is Story.BOTTOM else rng.randint(0, 5)
            self.submit(
                submitted, branch, self.new_form(poor, rng.randint(2, 12)), S_.PENDING_REVIEW
            )
            self.review(reviewed, branch, D_.PASS, S_.PASSED)
            if story is Story.BOTTOM:
                self.notified.add(branch.id)  # the notice of its unit's tick
                self.rectify(branch, selected_at, ending)
        elif story is Story.ASSESSED_PASSED:
            assessed = rng.uniform(0.40, 0.50)
            form = self.new_form(rng.randint(0, 4), rng.randint(4, 12))
            self.assess(assessed, branch, form, S_.PENDING_REVIEW)
            self.review(assessed + 0.01, branch, D_.PASS, S_.PASSED)
        elif story in (Story.THRESHOLD, Story.DECISION):
            poor = rng.randint(10, 15) if story is Story.THRESHOLD else rng.randint(3, 8)
            self.submit(
                submitted, branch, self.new_form(poor, rng.randint(4, 10)), S_.PENDING_REVIEW
            )
            comment = START_COMMENTS[story]
            self.review(reviewed, branch, D_.START_RECTIFICATION, S_.KEY_RECTIFYING, comment)
            self.rectify(branch, reviewed, ending)
        elif story is Story.ASSESSED_KEY:
            assessed = rng.uniform(0.40, 0.50)
            form = self.new_form(rng.randint(10, 14), rng.randint(4, 10))
            self.assess(assessed, branch, form, S_.KEY_RECTIFYING)
            self.rectify(branch, assessed, ending)
        elif story is Story.CARRIED:
            self.notified.add(branch.id)  # the carry-over notices
            self.rectify(branch, 0.0, ending)

    def rectify(self, branch: Organization, since: float, ending: Ending | None) -> None:
        """Monthly resubmissions of a key branch from ``since`` on (重点整顿), each re-reviewed
        (继续整改 until the last one), spread evenly over the rest of the campaign."""
        rng = self.rng
        rounds = {
            None: 0,
            Ending.JUST_STARTED: 0,
            Ending.CONTINUED: rng.randint(1, 2),
            Ending.RESUBMITTED: rng.randint(1, 2),
            Ending.RECTIFIED: rng.randint(2, 3),
        }[ending]
        if not rounds:
            return
        form = self.forms[branch.id]
        # A rectified branch ends with at most two POOR items; the others mend some.
        final = rng.randint(0, 2) if ending is Ending.RECTIFIED else len(form.poor) // 3
        to_mend = max(0, len(form.poor) - final)
        window = (0.97 - since) / rounds
        for i in range(rounds):
            last = i == rounds - 1
            submitted = since + window * (i + rng.uniform(0.3, 0.6))
            fixed = to_mend if last else max(1, to_mend // (rounds - i) + rng.randint(-1, 1))
            form = self.improved(form, fixed)
            to_mend -= min(fixed, to_mend)
            self.submit(submitted, branch, form, S_.KEY_PENDING_REVIEW)
            if last and ending is Ending.RESUBMITTED:
                return
            reviewed = submitted + window * rng.uniform(0.1, 0.3)
            if last and ending is Ending.RECTIFIED:
                self.review(reviewed, branch, D_.PASS, S_.RECTIFIED, PASS_RECTIFIED)
            else:
                comment = rng.choice(CONTINUE_COMMENTS)
                self.review(reviewed, branch, D_.CONTINUE_RECTIFICATION, S_.KEY_RECTIFYING, comment)


@dataclass
class UnitCast:
    """One grassroots organisation in one campaign: its branches' stories and its ticks."""

    unit: Organization
    branches: list[Organization]
    castings: list[Casting]
    ticks: list[Organization] = field(default_factory=list)  # none: quota not met yet
    selected_at: float = 0.0

    def plan(self, planner: Planner) -> None:
        for branch, (story, ending) in zip(self.branches, self.castings, strict=True):
            if story is Story.BOTTOM and branch not in self.ticks:
                raise DemoSeedError(f"{branch.name}: cast as a bottom branch, never ticked")
            planner.play(branch, story, ending, self.selected_at)
        if self.ticks:
            planner.select(self.selected_at, self.unit, self.ticks)


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def units_of(tree: DemoTree) -> list[tuple[Organization, list[Organization]]]:
    """The grassroots organisations, each with its branches (its direct subordinates)."""
    below: dict[int, list[Organization]] = {}
    for branch in tree.branches:
        assert branch.parent_id is not None
        below.setdefault(branch.parent_id, []).append(branch)
    return [(unit, below.get(unit.id, [])) for unit in tree.committees]


def choose_ticks(rng: random.Random, cast: UnitCast, extra_pick: bool) -> None:
    """后进团支部: the key branches with ≥ 10 POOR, then other key branches, then PASSED
    ones turned BOTTOM, up to the quota (``extra_pick``: one PASSED branch turned BOTTOM
    whatever the quota). Changes nothing, and ticks nothing, when the quota is out of
    reach (too few accepted forms)."""
    castings = list(cast.castings)
    passed = [i for i, (story, _) in enumerate(castings) if story is Story.PASSED]
    rng.shuffle(passed)
    if extra_pick and passed:
        castings[passed.pop()] = (Story.BOTTOM, _weighted(rng, ENDING_WEIGHTS))
    stories = [story for story, _ in castings]
    required = bottom_quota(len(cast.branches), "0.2")
    heavy = (Story.BOTTOM, Story.THRESHOLD, Story.ASSESSED_KEY)
    ticks = [i for i, story in enumerate(stories) if story in heavy]
    others = [i for i, story in enumerate(stories) if story in KEY_STORIES and i not in ticks]
    ticks += others[: max(0, required - len(ticks))]
    while len(ticks) < required and passed:
        i = passed.pop()
        castings[i] = (Story.BOTTOM, _weighted(rng, ENDING_WEIGHTS))
        ticks.append(i)
    if len(ticks) >= required:
        cast.castings = castings
        cast.ticks = [cast.branches[i] for i in sorted(ticks)]
        cast.selected_at = rng.uniform(0.55, 0.65)


def cast_pilot(
    rng: random.Random, units: list[tuple[Organization, list[Organization]]], names: dict[int, str]
) -> tuple[list[UnitCast], set[int]]:
    """Last year's pilot: every unit ticks its quota of key branches, most of which are
    rectified; the others are carried over. Returns the casts and the carried branches."""
    casts, carried = [], set()
    for unit, branches in units:
        keyed = set(rng.sample(range(len(branches)), bottom_quota(len(branches), "0.2")))
        keyed |= {i for i, b in enumerate(branches) if names[b.id] in CARRIED_SHOWCASE}
        castings: list[Casting] = []
        for i, branch in enumerate(branches):
            if i not in keyed:
                castings.append((_weighted(rng, PILOT_WEIGHTS), None))
                continue
            story = rng.choice((Story.THRESHOLD, Story.THRESHOLD, Story.DECISION, Story.BOTTOM))
            if names[branch.id] in CARRIED_SHOWCASE:
                ending = Ending.CONTINUED
            elif names[unit.id] in SHOWCASE or rng.random() < 0.6:
                ending = Ending.RECTIFIED
            else:
                ending = rng.choice((Ending.JUST_STARTED, Ending.CONTINUED, Ending.RESUBMITTED))
            if ending is not Ending.RECTIFIED:
                carried.add(branch.id)
            castings.append((story, ending))
        cast = UnitCast(unit, branches, castings)
        cast.ticks = [branches[i] for i in sorted(keyed)]
        cast.selected_at = rng.uniform(0.55, 0.65)
        casts.append(cast)
    return casts, carried


def cast_current(
    rng: random.Random,
    units: list[tuple[Organization, list[Organization]]],
    names: dict[int, str],
    carried: set[int],
) -> list[UnitCast]:
    """This year: the showcase units as written, the others at random; carried-over
    branches go on rectifying; some units have ticked their bottom branches."""
    casts = []
    for unit, branches in units:
        showcase = SHOWCASE.get(names[unit.id])
        selecting, fixed = showcase if showcase else (rng.random() < SELECTING_SHARE, ())
        castings: list[Casting] = []
        for i, branch in enumerate(branches):
            if i < len(fixed):
                castings.append(fixed[i])
            elif branch.id in carried:
                castings.append((Story.CARRIED, _weighted(rng, ENDING_WEIGHTS)))
            else:
                lagging = names[unit.id].startswith(f"{LAGGING}-")
                story = _weighted(rng, LAGGING_WEIGHTS if lagging else CURRENT_WEIGHTS)
                ending = _weighted(rng, ENDING_WEIGHTS) if story in KEY_STORIES else None
                castings.append((story, ending))
        for branch, (story, _) in zip(branches, castings, strict=True):
            if (story is Story.CARRIED) != (branch.id in carried):
                raise DemoSeedError(f"{names[branch.id]}: carried over or not, not as cast")
        cast = UnitCast(unit, branches, castings)
        if selecting:
            choose_ticks(rng, cast, extra_pick=not fixed and rng.random() < 0.5)
        casts.append(cast)
    return casts


# --- Running the steps through the schema ------------------------------------------------

_ERRORS = "userErrors { code message field }"
TEMPLATE = "{ checklistTemplate { items { code } } }"
CREATE_CAMPAIGN = f"""mutation($input: CreateCampaignInput!) {{ createCampaign(input: $input)
  {{ campaign {{ id }} {_ERRORS} }} }}"""
CLOSE_CAMPAIGN = f"""mutation($id: ID!) {{ closeCampaign(campaignId: $id)
  {{ campaign {{ id status }} {_ERRORS} }} }}"""
SUBMIT = f"""mutation($b: ID!, $r: [RatingInput!]!) {{ submitSelfCheck(input: {{branchId: $b,
  ratings: $r}}) {{ selfCheck {{ id }} rectification {{ status }} {_ERRORS} }} }}"""
ASSESS = f"""mutation($b: ID!, $r: [RatingInput!]!) {{ assessBranch(input: {{branchId: $b,
  ratings: $r}}) {{ selfCheck {{ id }} rectification {{ status }} {_ERRORS} }} }}"""
REVIEW = f"""mutation($s: ID!, $d: ReviewDecision!, $c: String) {{ reviewSelfCheck(input:
  {{selfCheckId: $s, decision: $d, comment: $c}}) {{ rectification {{ status }} {_ERRORS} }} }}"""
SELECT = f"""mutation($o: ID!, $b: [ID!]!) {{ selectBottomBranches(input: {{organizationId: $o,
  branchIds: $b}}) {{ selection {{ satisfied }} {_ERRORS} }} }}"""
DRAW = f"""mutation($o: ID!, $r: Float!, $st: [RectificationStatus!], $seed: Int) {{
  drawSpotCheck(input: {{organizationId: $o, ratio: $r, statuses: $st, seed: $seed}})
  {{ spotCheck {{ id }} {_ERRORS} }} }}"""
UNREAD = "{ me { notifications(unreadOnly: true, first: 100) { id } } }"
MARK_READ = "mutation($ids: [ID!]!) { markNotificationsRead(ids: $ids) }"


class DemoClient:
    """Executes GraphQL documents in-process as the admin of an organisation."""

    def __init__(self, settings: Settings, clock: FixedClock, accounts: dict[int, Account]):
        self.schema = build_schema(settings)
        self.settings = settings
        self.clock = clock
        self.accounts = accounts  # organisation id → its admin (organization prefetched)
        self.operations = 0

    async def run(
        self, org_id: int, document: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The ``data``; DemoSeedError on any error or any ``userErrors``."""
        account = self.accounts[org_id]
        self.operations += 1
        context = Context(
            request=None,
            settings=self.settings,
            clock=self.clock,
            viewer=Viewer(account=account, organization=account.organization, session_id=0),
            request_id=f"seed-demo-{self.operations}",
        )
        result = await self.schema.execute(
            document, variable_values=variables, context_value=context
        )
        where = f"{account.username} at {self.clock.now().astimezone(CHINA):%Y-%m-%d %H:%M}"
        if result.errors:
            error = result.errors[0]
            raise DemoSeedError(f"{where}: {error.message}\n{document}") from error.original_error
        assert result.data is not None
        for payload in result.data.values():
            if isinstance(payload, dict) and payload.get("userErrors"):
                raise DemoSeedError(f"{where}: {payload['userErrors']}\n{document}\n{variables}")
        return result.data


@dataclass(frozen=True)
class Timeline:
    """Maps a share of a campaign's elapsed time to a moment in office hours (Beijing).

    The share is spread evenly over the days from ``start`` to ``end``; within each day
    it falls between 09:00 and 18:00, never after ``end``. Later shares never map to
    earlier moments.
    """

    start: datetime
    end: datetime

    def at(self, share: float) -> datetime:
        moment = (self.start + (self.end - self.start) * share).astimezone(CHINA)
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        office = midnight + timedelta(hours=9 + 9 * ((moment - midnight) / timedelta(days=1)))
        return min(office.replace(second=0, microsecond=0).astimezone(UTC), self.end)


async def play(
    client: DemoClient, timeline: Timeline, steps: list[Step], codes: Sequence[str]
) -> None:
    """Runs the steps (in time order), checking each branch's status after each step."""
    latest: dict[int, str] = {}  # branch id → global id of its latest form (this campaign)
    for step in steps:
        client.clock.set(timeline.at(step.at))
        status = await run_step(client, step, latest, codes)
        if step.expect is not None and status != step.expect.value:
            raise DemoSeedError(
                f"{step.org.name}: {step.act.value} left it {status}, not {step.expect.value}"
            )


async def run_step(
    client: DemoClient, step: Step, latest: dict[int, str], codes: Sequence[str]
) -> str | None:
    """One step as one or two operations; the branch's status afterwards, if it has one."""
    org = step.org
    org_gid = encode_id("Organization", org.id)
    superior = org.parent_id or 0
    variables: dict[str, Any]
    if step.act in (Act.SUBMIT, Act.ASSESS):
        assert step.form is not None
        document, actor = (SUBMIT, org.id) if step.act is Act.SUBMIT else (ASSESS, superior)
        variables = {"b": org_gid, "r": step.form.ratings(codes)}
        payload = (await client.run(actor, document, variables))[step.act.value]
        latest[org.id] = payload["selfCheck"]["id"]
        return str(payload["rectification"]["status"])
    if step.act is Act.REVIEW:
        assert step.decision is not None
        variables = {"s": latest[org.id], "d": step.decision.value, "c": step.comment}
        data = await client.run(superior, REVIEW, variables)
        return str(data["reviewSelfCheck"]["rectification"]["status"])
    if step.act is Act.READ:
        unread = (await client.run(org.id, UNREAD))["me"]["notifications"]
        if unread:
            await client.run(org.id, MARK_READ, {"ids": [n["id"] for n in unread]})
    elif step.act is Act.SELECT:
        ticks = [encode_id("Organization", b.id) for b in step.branches]
        data = await client.run(org.id, SELECT, {"o": org_gid, "b": ticks})
        if not data["selectBottomBranches"]["selection"]["satisfied"]:
            raise DemoSeedError(f"{org.name}: the bottom quota is still unmet")
    elif step.act is Act.DRAW:
        statuses = [s.value for s in step.statuses] or None
        variables = {"o": org_gid, "r": step.ratio, "st": statuses, "seed": CAMPAIGN_SEED}
        await client.run(org.id, DRAW, variables)
    return None


def campaign_calendar(today: date) -> tuple[int, date]:
    """The year of the campaign that covers ``today`` and its end date.

    From 1 September on, this year's campaign (to 31 December). Before, last year's: it
    would be over, so the demo extends it to 60 days after today, but never past 31
    August, so that next year's campaign (from 1 September) can still be created.
    """
    year = today.year if today >= date(today.year, 9, 1) else today.year - 1
    ends_on = date(year, 12, 31)
    if today > ends_on:
        ends_on = min(today + timedelta(days=60), date(year + 1, 8, 31))
    return year, ends_on


async def create_campaign(client: DemoClient, root_id: int, year: int, ends_on: date) -> str:
    fields = {
        "year": year,
        "name": f"{year}年团支部整理整顿工作",
        "startsOn": f"{year}-09-01",
        "selfCheckDeadline": f"{year}-10-31",
        "reviewDeadline": f"{year}-11-30",
        "endsOn": ends_on.isoformat(),
    }
    data = await client.run(root_id, CREATE_CAMPAIGN, {"input": fields})
    return str(data["createCampaign"]["campaign"]["id"])


@dataclass(frozen=True)
class DemoCampaigns:
    """What :func:`seed_campaigns` made, for the printed guide."""

    year: int
    ends_on: date
    campaign_id: int
    pilot_branches: int
    carried_over: int
    units: int
    units_ticked: int
    operations: int


async def seed_campaigns(tree: DemoTree, settings: Settings, now: datetime) -> DemoCampaigns:
    """Last year's pilot campaign and this year's, played through the API up to ``now``."""
    today = now.astimezone(CHINA).date()
    year, ends_on = campaign_calendar(today)
    accounts = {a.organization_id: a for a in await Account.all().select_related("organization")}
    client = DemoClient(settings, FixedClock(china_datetime(year - 1, 8, 20, 10)), accounts)
    root = tree.root.id
    template = (await client.run(root, TEMPLATE))["checklistTemplate"]["items"]
    codes = [item["code"] for item in template]
    rng = random.Random(CAMPAIGN_SEED)
    forms: dict[int, Form] = {}
    by_name = {name: org_id for org_id, name in tree.usernames.items()}
    orgs = {org.id: org for org in tree.organizations}
    units = units_of(tree)

    # Last year: a pilot in one county, created in August, closed on 31 December; closing
    # carries its unfinished key branches over (CARRIED_OVER).
    pilot_units = [(u, b) for u, b in units if tree.usernames[u.id].startswith(f"{PILOT}-")]
    pilot, carried = cast_pilot(rng, pilot_units, tree.usernames)
    previous_id = await create_campaign(client, root, year - 1, date(year - 1, 12, 31))
    planner = Planner(rng, codes, forms)
    for cast in pilot:
        cast.plan(planner)
    last_year = Timeline(china_datetime(year - 1, 9, 1, 8), china_datetime(year - 1, 12, 28, 18))
    await play(client, last_year, planner.planned(), codes)
    client.clock.set(china_datetime(year - 1, 12, 31, 16))
    await client.run(root, CLOSE_CAMPAIGN, {"id": previous_id})

    # This year: created in August, which starts the carried-over branches as key
    # (KEY_RECTIFYING, reason CARRIED_OVER); played from 1 September up to now.
    client.clock.set(china_datetime(year, 8, 25, 10))
    campaign_id = await create_campaign(client, root, year, ends_on)
    current = cast_current(rng, units, tree.usernames, carried)
    planner = Planner(rng, codes, forms)
    for cast in current:
        cast.plan(planner)
    planner.draw(0.93, orgs[by_name["zj-hz-xh"]], 0.1)
    key_statuses = (S_.KEY_RECTIFYING, S_.KEY_PENDING_REVIEW, S_.RECTIFIED)
    planner.draw(0.95, orgs[by_name["sc-cd"]], 0.5, *key_statuses)
    # From 08:00 on 1 September to now; on the small hours of 1 September, from midnight.
    opens = china_datetime(year, 9, 1, 8)
    start = min(opens, max(china_datetime(year, 9, 1, 0), now - timedelta(hours=1)))
    await play(client, Timeline(start, max(now, start)), planner.planned(), codes)
    client.clock.set(now)
    return DemoCampaigns(
        year=year,
        ends_on=ends_on,
        campaign_id=decode_int_id(campaign_id, "Campaign", ["id"]),
        pilot_branches=sum(len(b) for _, b in pilot_units),
        carried_over=len(carried),
        units=len(current),
        units_ticked=sum(1 for cast in current if cast.ticks),
        operations=client.operations,
    )


# --- What the demo shows ------------------------------------------------------------------

GUIDE = (  # username → what its login shows, 中文 / English
    ("zj-hz-xh-c01", "待审核的自检表，后进团支部未勾选 / pending reviews, bottom quota unmet"),
    ("zj-hz-xh-c03", "已勾选后进团支部，重点整顿列表的每月整改数 / quota met, monthly counts"),
    ("zj-hz-xh-c02", "上一年结转、上级评估的重点整顿团支部 / carried over, assessed key branches"),
    ("zj-hz-xh-c01-b01", "自检表未通过，有未读通知 / form rejected, unread notifications"),
    ("zj-hz-xh", "抽查核查，下级团支部整顿进度 / a spot check, subordinate progress"),
    ("sc-cd", "按状态抽查重点整顿团支部 / a spot check of key branches"),
    ("root", "全国进度，上一年整顿工作 / national progress, last year's campaign"),
)


async def state_counts(campaign_id: int, branches: int) -> tuple[Counter[str], Counter[str]]:
    """Branches by status (NOT_SUBMITTED without a state row too) and key branches by reason."""
    rows = await BranchState.filter(campaign_id=campaign_id).values_list("status", "key_reason")
    statuses: Counter[str] = Counter(S_(status).value for status, _ in rows)
    statuses[S_.NOT_SUBMITTED.value] += branches - len(rows)
    reasons: Counter[str] = Counter(KeyReason(reason).value for _, reason in rows if reason)
    return statuses, reasons


def demo_guide(
    tree: DemoTree, made: DemoCampaigns, statuses: Counter[str], reasons: Counter[str]
) -> str:
    """The second part of the printed text: the campaigns and where to look."""
    by_name = {name: org_id for org_id, name in tree.usernames.items()}
    orgs = {org.id: org for org in tree.organizations}
    open_text = f"{made.year}-09-01 至 to {made.ends_on}，进行中 open"
    if made.ends_on != date(made.year, 12, 31):
        open_text += "（演示延长 extended for the demo）"
    lines = [
        f"演示整顿工作 / demo campaigns ({made.operations} 次 GraphQL 操作写入 "
        "written by GraphQL operations):",
        f"  {made.year}年团支部整理整顿工作  {open_text}",
        f"  {made.year - 1}年团支部整理整顿工作  已结束 closed；西湖区试点 Xihu pilot, "
        f"{made.pilot_branches} 个团支部 branches, {made.carried_over} 个列入下一年 carried over",
        "",
        f"{made.year} 年团支部状态 / branches by status:",
    ]
    cells = [f"{STATUS_LABELS[s]} {s.value} {statuses[s.value]}" for s in S_ if s.value in statuses]
    lines += [f"  {' · '.join(cells[i : i + 4])}" for i in range(0, len(cells), 4)]
    reason_cells = [f"{KEY_REASON_LABELS[r]} {r.value} {reasons[r.value]}" for r in KeyReason]
    lines += [
        "重点整顿原因 / key reasons:",
        f"  {' · '.join(reason_cells[:2])}",
        f"  {' · '.join(reason_cells[2:])}",
        f"后进团支部 / bottom branches: {made.units_ticked} 个基层组织已勾选 units have ticked, "
        f"{made.units - made.units_ticked} 个未勾选 have not",
        "",
        "先看这些账号 / where to look:",
    ]
    for username, shows in GUIDE:
        org = orgs[by_name[username]]
        lines.append(f"  {_pad(username, 19)}{_pad(org.name, 26)}{shows}")
    return "\n".join(lines)


async def seed_demo(
    only_if_empty: bool, *, settings: Settings | None = None, now: datetime | None = None
) -> str:
    """Seeds the demo into an empty database and returns the logins and a guide to print.

    When any organisation exists nothing is changed: the demo only goes into an empty
    database (with or without ``only_if_empty``; the flag only says that finding data
    is expected, e.g. on every ``make run``). ``now`` (default: the time now) is the
    moment the demo is played up to; the current campaign is open on its date.
    """
    if await Organization.all().exists():
        if await Account.filter(username=ROOT_USERNAME).exists():
            hint = f"演示账号 demo logins: root, zj, zj-hz, zj-hz-xh … / {DEMO_PASSWORD}"
        else:
            hint = "未找到演示账号 / no demo accounts found"
        prefix = "" if only_if_empty else "未写入演示数据 / demo not seeded: "
        return f"{prefix}数据库已有组织，未做修改 / database not empty, unchanged. {hint}"
    rng = random.Random(DEMO_SEED)
    password_hash = await asyncio.to_thread(hash_password, DEMO_PASSWORD)
    async with in_transaction():
        tree = await seed_tree(rng)
        await seed_accounts(tree, password_hash, rng)
        made = await seed_campaigns(tree, settings or load_settings(), now or datetime.now(UTC))
        statuses, reasons = await state_counts(made.campaign_id, len(tree.branches))
    return f"{demo_logins(tree)}\n\n{demo_guide(tree, made, statuses, reasons)}"
