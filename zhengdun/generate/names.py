"""Names for the generated tree: provincial units, places, grassroots units, branches, people.

Provincial names are the League's real provincial-level units; everything below is made
up from common place-name characters, unique among siblings, so a name reads like a real
one without pointing at a real organisation.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from models.organization import OrgType, Sector

S = Sector


@dataclass(frozen=True)
class Province:
    name: str  # 浙江省团委
    kind: str  # PROVINCE, MUNICIPALITY, XPCC, CENTRAL_ORGANS, CENTRAL_ENTERPRISES
    city_weight: float  # ~ prefecture-level units
    county_weight: float  # ~ county-level units
    branch_weight: float  # ~ population (millions)


P, M = "PROVINCE", "MUNICIPALITY"
# The League's 34 provincial-level units (团中央直属的省级团委、工委): the 31 provinces,
# autonomous regions and municipalities, the XPCC, and the two central working committees.
PROVINCES = (
    Province("北京市团委", M, 12, 100, 22), Province("天津市团委", M, 12, 80, 14),
    Province("河北省团委", P, 11, 167, 74), Province("山西省团委", P, 11, 117, 35),
    Province("内蒙古自治区团委", P, 12, 103, 24), Province("辽宁省团委", P, 14, 100, 42),
    Province("吉林省团委", P, 9, 60, 24), Province("黑龙江省团委", P, 13, 121, 31),
    Province("上海市团委", M, 12, 100, 25), Province("江苏省团委", P, 13, 95, 85),
    Province("浙江省团委", P, 11, 90, 65), Province("安徽省团委", P, 16, 104, 61),
    Province("福建省团委", P, 9, 84, 42), Province("江西省团委", P, 11, 100, 45),
    Province("山东省团委", P, 16, 136, 102), Province("河南省团委", P, 17, 157, 99),
    Province("湖北省团委", P, 17, 103, 58), Province("湖南省团委", P, 14, 122, 66),
    Province("广东省团委", P, 21, 122, 127), Province("广西壮族自治区团委", P, 14, 111, 50),
    Province("海南省团委", P, 4, 25, 10), Province("重庆市团委", M, 20, 150, 32),
    Province("四川省团委", P, 21, 183, 84), Province("贵州省团委", P, 9, 88, 39),
    Province("云南省团委", P, 16, 129, 47), Province("西藏自治区团委", P, 7, 74, 4),
    Province("陕西省团委", P, 10, 107, 40), Province("甘肃省团委", P, 14, 86, 25),
    Province("青海省团委", P, 8, 44, 6), Province("宁夏回族自治区团委", P, 5, 22, 7),
    Province("新疆维吾尔自治区团委", P, 14, 106, 26),
    Province("新疆生产建设兵团团委", "XPCC", 14, 60, 3),
    Province("中央和国家机关团工委", "CENTRAL_ORGANS", 8, 40, 3),
    Province("中央企业团工委", "CENTRAL_ENTERPRISES", 8, 40, 5),
)  # fmt: skip

FIRST_CHARS = (
    "安宝昌长成川大德东丰福阜广海汉和河华怀黄惠吉嘉建江金晋靖九康兰乐丽临龙隆罗洛茂梅明"
    "南宁平清庆泉仁荣瑞山上韶绍沈石寿舒双顺泰天通桐万威文武西仙祥新兴延阳宜永玉元云枣湛"
    "肇中周淄遵"
)
SECOND_CHARS = (
    "安昌城川德定东丰峰阜海和河湖华化江津康乐林陵隆门宁平浦桥泉山水顺台潭田通溪兴阳源远州庄"
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉兰萍红鹏辉建飞波宁婷雪琳晨阳浩宇欣怡佳昊天然涵轩雨博文嘉俊雅琪"
NUMERALS = "一二三四五六七八九十"

MINISTRIES = (
    "外交部", "国家发展和改革委员会", "教育部", "科学技术部", "工业和信息化部", "公安部",
    "民政部", "司法部", "财政部", "人力资源和社会保障部", "自然资源部", "生态环境部",
    "住房和城乡建设部", "交通运输部", "水利部", "农业农村部", "商务部", "文化和旅游部",
    "国家卫生健康委员会", "应急管理部", "中国人民银行", "审计署", "海关总署", "国家统计局",
)  # fmt: skip
MINISTRY_UNITS = (
    "机关",
    "机关服务中心",
    "信息中心",
    "研究院",
    "出版社",
    "培训中心",
    "直属事业单位",
)
CENTRAL_ENTERPRISES = (
    "中国石油天然气集团有限公司", "中国石油化工集团有限公司", "国家电网有限公司",
    "中国南方电网有限责任公司", "中国移动通信集团有限公司", "中国电信集团有限公司",
    "中国第一汽车集团有限公司", "东风汽车集团有限公司", "中国建筑集团有限公司",
    "中国航天科技集团有限公司", "中国航空工业集团有限公司", "中国船舶集团有限公司",
    "国家能源投资集团有限责任公司", "中国华能集团有限公司", "中国宝武钢铁集团有限公司",
    "招商局集团有限公司",
)  # fmt: skip
REGIONS = ("华北", "东北", "华东", "华中", "华南", "西南", "西北", "新疆", "海外")


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals (十二, 二十, 三十五)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else NUMERALS[tens - 1]
    return head + "十" + (NUMERALS[ones - 1] if ones else "")


def person_name(key: int) -> str:
    """A reproducible Chinese name for an admin (from the organisation id)."""
    h = (key * 2654435761) & 0xFFFFFFFF
    name = SURNAMES[h % len(SURNAMES)] + GIVEN_CHARS[(h >> 8) % len(GIVEN_CHARS)]
    if (h >> 16) % 3:
        name += GIVEN_CHARS[(h >> 20) % len(GIVEN_CHARS)]
    return name


def place_stem(rng: random.Random, used: set[str]) -> str:
    """A two-character place name not yet used among siblings (临江, 安平)."""
    for _ in range(200):
        stem = rng.choice(FIRST_CHARS) + rng.choice(SECOND_CHARS)
        if stem not in used:
            used.add(stem)
            return stem
    stem = f"{rng.choice(FIRST_CHARS)}{rng.choice(SECOND_CHARS)}{len(used)}"
    used.add(stem)
    return stem


@dataclass(frozen=True)
class Named:
    name: str
    type: OrgType
    place: str  # the short place name the level below builds on (临江县 → 临江县)


def city_name(kind: str, index: int, rng: random.Random, used: set[str]) -> Named:
    committee = OrgType.COMMITTEE
    if kind == "MUNICIPALITY":
        stem = place_stem(rng, used)
        return Named(f"{stem}区团委", committee, f"{stem}区")
    if kind == "XPCC":
        place = f"第{chinese_number(index + 1)}师"
        return Named(f"{place}团委", committee, place)
    if kind == "CENTRAL_ORGANS":
        place = MINISTRIES[index % len(MINISTRIES)]
        return Named(f"{place}团委", committee, place)
    if kind == "CENTRAL_ENTERPRISES":
        place = CENTRAL_ENTERPRISES[index % len(CENTRAL_ENTERPRISES)]
        return Named(f"{place}团委", committee, place)
    stem = place_stem(rng, used)
    return Named(f"{stem}市团委", committee, f"{stem}市")


def county_name(
    kind: str, city_place: str, index: int, rng: random.Random, used: set[str]
) -> Named:
    committee = OrgType.COMMITTEE
    if kind == "MUNICIPALITY":
        stem = place_stem(rng, used)
        if index < 3:
            return Named(f"{stem}街道团工委", OrgType.WORKING_COMMITTEE, f"{stem}街道")
        return Named(f"{stem}镇团委", committee, f"{stem}镇")
    if kind == "XPCC":
        place = f"{city_place}第{index + 1}团"
        return Named(f"{place}团委", committee, place)
    if kind in ("CENTRAL_ORGANS", "CENTRAL_ENTERPRISES"):
        units = MINISTRY_UNITS if kind == "CENTRAL_ORGANS" else tuple(f"{r}分公司" for r in REGIONS)
        unit = units[index % len(units)]
        if index >= len(units):
            unit += str(index // len(units) + 1)
        place = f"{city_place}{unit}"
        return Named(f"{place}团委", committee, place)
    stem = place_stem(rng, used)
    suffix = "区" if index < 2 else ("市" if rng.random() < 0.12 else "县")
    return Named(f"{stem}{suffix}团委", committee, f"{stem}{suffix}")


# --- Grassroots units and their branches -------------------------------------------------

OFFICES = ("发展和改革局", "财政局", "教育局", "公安局", "人力资源和社会保障局", "司法局",
           "民政局", "卫生健康局", "市场监督管理局", "自然资源局", "交通运输局", "税务局")  # fmt: skip
INSTITUTIONS = ("人民医院", "中医院", "疾病预防控制中心", "妇幼保健院", "融媒体中心", "图书馆")
WARDS = ("内科", "外科", "妇产科", "儿科", "急诊科", "护理部", "医技科室", "行政后勤", "药剂科",
         "检验科", "放射科", "骨科")  # fmt: skip
UNIVERSITY_KINDS = ("理工学院", "师范学院", "财经学院", "医学院", "农业大学", "工业大学", "学院")
COLLEGES = ("机械工程学院", "信息工程学院", "经济管理学院", "外国语学院", "文学院", "理学院",
            "医学院", "法学院", "艺术学院", "化学化工学院", "土木工程学院", "马克思主义学院")  # fmt: skip
MAJORS = ("数控技术", "电子商务", "护理", "汽车运用与维修", "会计事务", "计算机应用", "学前教育",
          "旅游服务与管理", "机电技术应用", "建筑施工")  # fmt: skip
SCHOOL_NAMES = ("实验", "第一", "第二", "城关", "育才", "新华", "东方", "光明", "中心", "希望")
DEPARTMENTS = ("研发中心", "生产一部", "生产二部", "质量管理部", "市场销售部", "客户服务中心",
               "供应链管理部", "行政人事部", "财务部", "技术部", "安全环保部", "物流中心")  # fmt: skip
POWER = ("运维检修部", "营销服务中心", "调度控制中心", "安全监察部", "物资供应中心", "城区供电所")
SOE_KINDS = ("供电公司", "水务集团", "交通投资集团", "城市建设投资集团", "烟草专卖局", "邮政分公司")
COMPANY_KINDS = ("智能科技", "新材料", "电子", "物流", "食品", "纺织", "机械制造", "医药", "建材")
SOCIETIES = ("青年志愿者协会", "律师协会", "义工联合会", "社会工作者协会", "青年企业家协会",
             "慈善总会", "青年创业促进会", "网络文化协会", "青年联合会", "书法家协会")  # fmt: skip
MILITIA = ("人武部机关", "民兵应急连", "民兵通信排", "民兵卫生排", "民兵工兵排", "民兵运输排")
DESTINATIONS = ("上海", "北京", "深圳", "广州", "苏州", "义乌", "重庆", "武汉", "杭州", "成都")


def _cycle(labels: tuple[str, ...], i: int) -> str:
    """The i-th label, then the same labels again numbered (研发中心, …, 研发中心二)."""
    label = labels[i % len(labels)]
    return label if i < len(labels) else f"{label}{chinese_number(i // len(labels) + 1)}"


def _classes(groups: tuple[str, ...], i: int, pattern: str) -> str:
    """Class branches, class 1 of every group first (高一（1）班, 高二（1）班, …)."""
    group, n = groups[i % len(groups)], i // len(groups) + 1
    return pattern.format(group=group, n=n)


@dataclass(frozen=True)
class Unit:
    name: str
    type: OrgType
    branch_name: Callable[[int], str]  # 0-based index → a name (distinct for 0..599)


def grassroots_unit(sector: Sector, place: str, k: int, size: int, rng: random.Random) -> Unit:
    """A grassroots committee of ``sector`` in ``place`` (a county); ``k`` counts repeats."""
    n = "" if k == 0 else chinese_number(k + 1)
    stem = place[:-1] if len(place) > 2 and place[-1] in "县区市镇" else place
    committee, working, general = (
        OrgType.COMMITTEE,
        OrgType.WORKING_COMMITTEE,
        OrgType.GENERAL_BRANCH,
    )
    small = general if size <= 8 else committee
    match sector:
        case S.PARTY_GOVERNMENT_ORGAN:
            if k == 0:
                return Unit(
                    f"{place}直属机关团工委", working, lambda i: f"{_cycle(OFFICES, i)}团支部"
                )
            office = _cycle(OFFICES, k - 1)
            return Unit(f"{place}{office}团委", small, lambda i: f"{office}第{i + 1}团支部")
        case S.PUBLIC_INSTITUTION:
            inst = _cycle(INSTITUTIONS, k)
            return Unit(f"{place}{inst}团委", small, lambda i: f"{_cycle(WARDS, i)}团支部")
        case S.UNIVERSITY:
            kind = UNIVERSITY_KINDS[(k + len(place)) % len(UNIVERSITY_KINDS)]
            return Unit(
                f"{stem}{n}{kind}团委",
                committee,
                lambda i: f"{COLLEGES[i % 12]}{2025 - (i // 12) % 4}级{i // 48 + 1}班团支部",
            )
        case S.VOCATIONAL_SCHOOL:
            return Unit(
                f"{place}第{chinese_number(k + 1)}职业技术学校团委",
                committee,
                lambda i: f"{MAJORS[i % 10]}专业{2025 - (i // 10) % 3}级{i // 30 + 1}班团支部",
            )
        case S.HIGH_SCHOOL:
            return Unit(
                f"{stem}第{chinese_number(k + 1)}中学团委",
                committee,
                lambda i: _classes(("高一", "高二", "高三"), i, "{group}（{n}）班团支部"),
            )
        case S.MIDDLE_SCHOOL:
            return Unit(
                f"{stem}第{chinese_number(k + 1)}初级中学团委",
                small,
                lambda i: _classes(("初三", "初二"), i, "{group}（{n}）班团支部"),
            )
        case S.PRIMARY_SCHOOL:
            return Unit(
                f"{place}{n}小学青年教师团总支",
                general,
                lambda i: f"{stem}{_cycle(SCHOOL_NAMES, i)}小学团支部",
            )
        case S.STATE_OWNED_ENTERPRISE:
            kind = SOE_KINDS[k % len(SOE_KINDS)]
            if k >= len(SOE_KINDS):
                kind += chinese_number(k // len(SOE_KINDS) + 1)
            labels: tuple[str, ...] = POWER if kind.startswith("供电") else DEPARTMENTS
            return Unit(f"{stem}{kind}团委", small, lambda i: f"{_cycle(labels, i)}团支部")
        case S.COLLECTIVE_ENTERPRISE:
            return Unit(
                f"{place}{n}供销合作社团总支",
                general,
                lambda i: f"{_cycle(SCHOOL_NAMES, i)}供销社团支部",
            )
        case S.NON_PUBLIC_ENTERPRISE:
            brand = rng.choice(FIRST_CHARS) + rng.choice(SECOND_CHARS)
            kind = rng.choice(COMPANY_KINDS)
            return Unit(
                f"{stem}{brand}{kind}有限公司团委",
                small,
                lambda i: f"{_cycle(DEPARTMENTS, i)}团支部",
            )
        case S.SOCIAL_ORGANIZATION:
            return Unit(
                f"{place}{n}社会组织团工委",
                working,
                lambda i: f"{place}{_cycle(SOCIETIES, i)}团支部",
            )
        case S.MILITARY:
            return Unit(
                f"{place}人民武装部团总支", general, lambda i: f"{_cycle(MILITIA, i)}团支部"
            )
        case S.ARMED_POLICE:
            return Unit(
                f"武警{stem}{n}中队团总支",
                general,
                lambda i: f"{_cycle(tuple(f'{c}排' for c in NUMERALS), i)}团支部",
            )
        case S.URBAN_COMMUNITY:
            street = rng.choice(FIRST_CHARS) + rng.choice(SECOND_CHARS)
            labels = tuple(
                f"{a}{b}" for a in "文新和光幸建朝翠东西" for b in "苑华平明福设阳安湖园"
            )
            return Unit(
                f"{stem}{street}街道团工委", working, lambda i: f"{_cycle(labels, i)}社区团支部"
            )
        case S.RURAL:
            town = rng.choice(FIRST_CHARS) + rng.choice(SECOND_CHARS)
            villages = tuple(
                f"{a}{b}" for a in "东西南北上下中新前后" for b in "岙坞塘港杨王和合庄岭"
            )
            return Unit(f"{town}镇团委", committee, lambda i: f"{_cycle(villages, i)}村团支部")
        case _:
            return Unit(
                f"{place}{n}流动团员团总支",
                general,
                lambda i: f"驻{_cycle(DESTINATIONS, i)}流动团员团支部",
            )


# A branch of another sector inside a unit (a town's enterprise, a street's association).
NEIGHBOURS: dict[Sector, tuple[Sector, ...]] = {
    S.RURAL: (S.NON_PUBLIC_ENTERPRISE, S.COLLECTIVE_ENTERPRISE, S.PRIMARY_SCHOOL, S.OTHER),
    S.URBAN_COMMUNITY: (S.NON_PUBLIC_ENTERPRISE, S.SOCIAL_ORGANIZATION, S.PUBLIC_INSTITUTION),
    S.PARTY_GOVERNMENT_ORGAN: (S.PUBLIC_INSTITUTION,),
    S.PUBLIC_INSTITUTION: (S.PARTY_GOVERNMENT_ORGAN,),
    S.STATE_OWNED_ENTERPRISE: (S.COLLECTIVE_ENTERPRISE,),
    S.NON_PUBLIC_ENTERPRISE: (S.SOCIAL_ORGANIZATION,),
    S.UNIVERSITY: (S.PUBLIC_INSTITUTION,),
}
NEIGHBOUR_LABELS = {
    S.NON_PUBLIC_ENTERPRISE: "{stem}{x}有限公司团支部",
    S.COLLECTIVE_ENTERPRISE: "{stem}{x}合作社团支部",
    S.PRIMARY_SCHOOL: "{stem}{x}小学团支部",
    S.OTHER: "{stem}{x}流动团员团支部",
    S.SOCIAL_ORGANIZATION: "{stem}{x}协会团支部",
    S.PUBLIC_INSTITUTION: "{stem}{x}卫生院团支部",
    S.PARTY_GOVERNMENT_ORGAN: "{stem}{x}办事处团支部",
}


def neighbour_branch_name(sector: Sector, stem: str, i: int) -> str:
    x = FIRST_CHARS[(i * 7) % len(FIRST_CHARS)] + SECOND_CHARS[(i * 11) % len(SECOND_CHARS)]
    return NEIGHBOUR_LABELS[sector].format(stem=stem, x=x)
