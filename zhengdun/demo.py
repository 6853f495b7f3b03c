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
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from tortoise.transactions import in_transaction

from models.account import Account
from models.organization import Organization, OrgType, Sector, add_organization
from resolvers.account import hash_password

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


async def seed_demo(only_if_empty: bool) -> str:
    """Seeds the demo into an empty database and returns the logins to print.

    When any organisation exists nothing is changed: the demo only goes into an empty
    database (with or without ``only_if_empty``; the flag only says that finding data
    is expected, e.g. on every ``make run``).
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
        # A later issue adds the campaign and branch states here, from ``tree``.
    return demo_logins(tree)
