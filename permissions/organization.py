"""Who may see and manage which organisations.

An account sees its own organisation and every descendant; of its ancestors only the
breadcrumb (id, name, type). Only admins above an organisation create organisations and
accounts below it. Rules that name a target organisation in the field's arguments
(``input.parentId``, ``id``) subclass :class:`TargetRule` and say only how the viewer's
organisation must stand to the target: ``IsDirectSuperior`` is ``viewer.id ==
target.parent_id``.
"""

from __future__ import annotations

from typing import Any

from strawberry.types import Info

from models.errors import RuleError
from models.organization import Organization, is_within
from permissions.base import ViewerRule, require_viewer
from schema.ids import decode_int_id
from zhengdun.context import Context, Viewer


def sees(viewer_org: Organization, org: Organization) -> bool:
    return is_within(org.path, viewer_org.path)


def is_direct_superior(viewer_org: Organization, branch: Organization) -> bool:
    """Only the direct superior assesses, reviews or selects a branch (直属上级)."""
    return viewer_org.id == branch.parent_id


def sees_breadcrumb(viewer_org: Organization, org: Organization) -> bool:
    """The organisation is the viewer's own, below it or above it."""
    return is_within(org.path, viewer_org.path) or is_within(viewer_org.path, org.path)


class CanSeeOrganization(ViewerRule):
    """The organisation (the field's source) is the viewer's own or below it."""

    message = "无权查看该组织"
    source_only = True

    def allows(self, viewer: Viewer, source: Any, info: Any, kwargs: Any) -> bool:
        return sees(viewer.organization, source)


class CanSeeBreadcrumb(ViewerRule):
    """Id, name and type: also of the viewer's ancestors (for the breadcrumb)."""

    message = "无权查看该组织"
    source_only = True
    implied_by = (CanSeeOrganization,)  # sees ⇒ sees_breadcrumb: its first case

    def allows(self, viewer: Viewer, source: Any, info: Any, kwargs: Any) -> bool:
        return sees_breadcrumb(viewer.organization, source)


class TargetRule(ViewerRule):
    """A rule about the organisations named by global IDs among the field's arguments.

    ``argument`` is a dotted path into the arguments (``"input.parentId"``); it may hold
    one ID or a list, and every organisation named must pass. A malformed or unknown ID
    passes here so that the resolver reports it as a typed user error.
    """

    def __init__(self, argument: str, *, of: str = "Organization") -> None:
        self.argument = argument
        self.of = of  # the IDs name Organizations, or SelfChecks (then: their branches)

    async def has_permission(  # type: ignore[override]
        self, source: Any, info: Info[Context, Any], **kwargs: Any
    ) -> bool:
        viewer = require_viewer(info)
        targets = await self.targets(info, kwargs)
        return all(self.allows_target(viewer, target) for target in targets)

    async def targets(self, info: Info[Context, Any], kwargs: dict[str, Any]) -> list[Organization]:
        value: Any = kwargs
        for part in self.argument.split("."):
            value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        values = value if isinstance(value, list) else [value]
        found = []
        for one in values:
            target = await self._load(info, one)
            if target is not None:
                found.append(target)
        return found

    async def _load(self, info: Info[Context, Any], value: Any) -> Organization | None:
        if not isinstance(value, str):
            return None
        try:
            pk = decode_int_id(value, self.of)
        except RuleError:
            return None
        if self.of == "SelfCheck":
            form = await info.context.loaders.workflow.self_check.load(pk)
            if form is None:
                return None
            pk = form.branch_id
        return await info.context.loaders.organization.load(pk)

    def allows_target(self, viewer: Viewer, target: Organization) -> bool:
        raise NotImplementedError


class CanSeeTarget(TargetRule):
    """The named organisation is visible to the viewer, at least as a breadcrumb."""

    message = "无权查看该组织"

    def allows_target(self, viewer: Viewer, target: Organization) -> bool:
        return sees_breadcrumb(viewer.organization, target)


class CanManageBelow(TargetRule):
    """The viewer's organisation is above what is created or managed.

    With ``including_target`` (creating a child of the target) the target may be the
    viewer's own organisation; otherwise (an account of the target) it must lie below.
    """

    message = "只有上级团组织的管理员可以进行此操作"

    def __init__(self, argument: str, *, including_target: bool) -> None:
        super().__init__(argument)
        self.including_target = including_target

    def allows_target(self, viewer: Viewer, target: Organization) -> bool:
        if not sees(viewer.organization, target):
            return False
        return self.including_target or target.id != viewer.organization.id


class IsRootAdmin(ViewerRule):
    """An admin of the root organisation (团中央)."""

    message = "只有团中央管理员可以进行此操作"
    source_only = True

    def allows(self, viewer: Viewer, source: Any, info: Any, kwargs: Any) -> bool:
        return viewer.organization.parent_id is None


class CanSeeAccount(ViewerRule):
    """An account of the viewer's organisation or of one below it."""

    message = "无权查看该账号"

    async def has_permission(  # type: ignore[override]
        self, source: Any, info: Info[Context, Any], **kwargs: Any
    ) -> bool:
        viewer = require_viewer(info)
        org = await info.context.loaders.organization.load(source.organization_id)
        return org is not None and sees(viewer.organization, org)


class IsBranchAdmin(TargetRule):
    """An admin of the branch itself (团支部负责人)."""

    message = "只有本团支部的管理员可以进行此操作"

    def allows_target(self, viewer: Viewer, target: Organization) -> bool:
        return viewer.organization.id == target.id


class IsDirectSuperior(TargetRule):
    """An admin of the branch's parent (直属上级团组织负责人)."""

    message = "只有直属上级团组织的管理员可以进行此操作"

    def allows_target(self, viewer: Viewer, target: Organization) -> bool:
        return is_direct_superior(viewer.organization, target)


class IsOrganizationAdmin(TargetRule):
    """An admin of the named organisation itself (e.g. the leading body that draws)."""

    message = "只有该团组织的管理员可以进行此操作"

    def allows_target(self, viewer: Viewer, target: Organization) -> bool:
        return viewer.organization.id == target.id
