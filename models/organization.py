"""Organisation tree (组织树): types, sectors, and the materialized path.

Every organisation stores ``path``, the ids from the root down to itself, each prefixed
with its digit count so that siblings sort by id: ids 1, 7, 42 give ``/11/17/242/``.
All descendants of an organisation are then one indexed range scan (``path > '/11/17/'
AND path < '/11/170'``, see :func:`descendant_range`), never recursion, and ordering by
path visits a subtree depth first in a stable order.
"""

from __future__ import annotations

import enum
from uuid import uuid4

from tortoise import fields
from tortoise.expressions import F
from tortoise.models import Model

from models.errors import RuleError, UserErrorCode

NAME_MAX_LENGTH = 100


class OrgType(enum.StrEnum):
    COMMITTEE = "COMMITTEE"  # 团委
    WORKING_COMMITTEE = "WORKING_COMMITTEE"  # 团工委
    GENERAL_BRANCH = "GENERAL_BRANCH"  # 团总支
    BRANCH = "BRANCH"  # 团支部


class Sector(enum.StrEnum):
    PARTY_GOVERNMENT_ORGAN = "PARTY_GOVERNMENT_ORGAN"  # 党政机关
    PUBLIC_INSTITUTION = "PUBLIC_INSTITUTION"  # 事业单位(不含公立学校)
    UNIVERSITY = "UNIVERSITY"  # 普通高等院校
    VOCATIONAL_SCHOOL = "VOCATIONAL_SCHOOL"  # 职业教育学校
    HIGH_SCHOOL = "HIGH_SCHOOL"  # 普通高中
    MIDDLE_SCHOOL = "MIDDLE_SCHOOL"  # 初中
    PRIMARY_SCHOOL = "PRIMARY_SCHOOL"  # 小学
    STATE_OWNED_ENTERPRISE = "STATE_OWNED_ENTERPRISE"  # 国有企业
    COLLECTIVE_ENTERPRISE = "COLLECTIVE_ENTERPRISE"  # 集体企业
    NON_PUBLIC_ENTERPRISE = "NON_PUBLIC_ENTERPRISE"  # 非公企业
    SOCIAL_ORGANIZATION = "SOCIAL_ORGANIZATION"  # 新社会组织
    MILITARY = "MILITARY"  # 军队
    ARMED_POLICE = "ARMED_POLICE"  # 武警
    URBAN_COMMUNITY = "URBAN_COMMUNITY"  # 城市社区
    RURAL = "RURAL"  # 农村
    OTHER = "OTHER"  # 其他


ORG_TYPE_LABELS = {
    OrgType.COMMITTEE: "团委",
    OrgType.WORKING_COMMITTEE: "团工委",
    OrgType.GENERAL_BRANCH: "团总支",
    OrgType.BRANCH: "团支部",
}

SECTOR_LABELS = {
    Sector.PARTY_GOVERNMENT_ORGAN: "党政机关",
    Sector.PUBLIC_INSTITUTION: "事业单位(不含公立学校)",
    Sector.UNIVERSITY: "普通高等院校",
    Sector.VOCATIONAL_SCHOOL: "职业教育学校",
    Sector.HIGH_SCHOOL: "普通高中",
    Sector.MIDDLE_SCHOOL: "初中",
    Sector.PRIMARY_SCHOOL: "小学",
    Sector.STATE_OWNED_ENTERPRISE: "国有企业",
    Sector.COLLECTIVE_ENTERPRISE: "集体企业",
    Sector.NON_PUBLIC_ENTERPRISE: "非公企业",
    Sector.SOCIAL_ORGANIZATION: "新社会组织",
    Sector.MILITARY: "军队",
    Sector.ARMED_POLICE: "武警",
    Sector.URBAN_COMMUNITY: "城市社区",
    Sector.RURAL: "农村",
    Sector.OTHER: "其他",
}


class Organization(Model):
    """团组织: one node of the tree. Branches (团支部) are its leaves."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=NAME_MAX_LENGTH)
    type = fields.CharEnumField(OrgType, max_length=20)
    sector = fields.CharEnumField(Sector, max_length=30)
    parent: fields.ForeignKeyNullableRelation[Organization] = fields.ForeignKeyField(
        "models.Organization",
        related_name="children",
        null=True,
        on_delete=fields.RESTRICT,
    )
    depth = fields.SmallIntField()
    path = fields.CharField(max_length=255, unique=True)
    # Branches in the whole subtree, kept current when a branch is created: reading it
    # never scans the subtree.
    branch_count = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    parent_id: int | None

    class Meta:
        table = "organization"
        indexes = (("parent_id", "path"),)

    @property
    def is_branch(self) -> bool:
        return self.type == OrgType.BRANCH

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent (this organisation excluded)."""
        return path_ids(self.path)[:-1]


def path_segment(org_id: int) -> str:
    """The id prefixed with its digit count, so that byte order is numeric order (7 < 11)."""
    digits = str(org_id)
    if org_id <= 0 or len(digits) > 9:
        raise ValueError(f"organisation id out of range: {org_id}")
    return f"{len(digits)}{digits}"


def child_path(parent_path: str | None, org_id: int) -> str:
    return f"{parent_path or '/'}{path_segment(org_id)}/"


def path_ids(path: str) -> list[int]:
    return [int(part[1:]) for part in path.strip("/").split("/") if part]


def descendant_range(path: str) -> tuple[str, str]:
    """Bounds (exclusive) of the paths strictly below ``path``.

    Paths end with ``/`` (0x2F); ``0`` (0x30) is the next byte, so every descendant's
    path lies strictly between ``path`` and ``path[:-1] + '0'`` in byte order.
    """
    return path, path[:-1] + "0"


def is_within(path: str, ancestor_path: str) -> bool:
    """True when ``path`` is ``ancestor_path`` itself or lies below it."""
    return path.startswith(ancestor_path)


def clean_name(raw: str, field: list[str]) -> str:
    """Trim a name and enforce 1..100 characters (组织名称、姓名)."""
    name = raw.strip()
    if not name:
        raise RuleError(UserErrorCode.INVALID_INPUT, "名称不能为空", field)
    if len(name) > NAME_MAX_LENGTH:
        raise RuleError(
            UserErrorCode.INVALID_INPUT, f"名称不能超过 {NAME_MAX_LENGTH} 个字符", field
        )
    return name


def check_can_have_children(parent_type: OrgType) -> None:
    if parent_type == OrgType.BRANCH:
        raise RuleError(
            UserErrorCode.INVALID_STATE,
            "团支部是组织树的末端，不能在其下建立组织",
            ["input", "parentId"],
        )


async def add_organization(
    parent: Organization | None, name: str, org_type: OrgType, sector: Sector
) -> Organization:
    """Inserts an organisation (the root when ``parent`` is None) with its path.

    Keeps ``branch_count`` of every ancestor current. Run inside a transaction.
    """
    if parent is not None:
        check_can_have_children(parent.type)
    org = await Organization.create(
        name=name,
        type=org_type,
        sector=sector,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        path=f"~pending-{uuid4().hex}",  # replaced below, once the id is known
    )
    org.path = child_path(parent.path if parent else None, org.id)
    await org.save(update_fields=["path"])
    if org_type == OrgType.BRANCH and parent is not None:
        from models.progress import tally_new_branch

        await Organization.filter(id__in=[*parent.ancestor_ids, parent.id]).update(
            branch_count=F("branch_count") + 1
        )
        await tally_new_branch(parent, sector)
    return org
