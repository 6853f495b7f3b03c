"""The building blocks: who is asking, and how a refusal is reported."""

from __future__ import annotations

from typing import Any, ClassVar

from graphql import GraphQLError
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info

from zhengdun.context import Context, Viewer

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"


def allow(*permissions: BasePermission) -> list[FieldExtension]:
    """The field extension list for ``strawberry.field(extensions=allow(...))``."""
    return [PermissionExtension(permissions=list(permissions), use_directives=False)]


def unauthenticated() -> GraphQLError:
    return GraphQLError("请先登录", extensions={"code": UNAUTHENTICATED})


def require_viewer(info: Info[Context, Any]) -> Viewer:
    return signed_in(info.context.viewer)


def signed_in(viewer: Viewer | None) -> Viewer:
    """The viewer; an anonymous caller gets UNAUTHENTICATED."""
    if viewer is None:
        raise unauthenticated()
    return viewer


class IsAuthenticated(BasePermission):
    """Any logged-in admin."""

    message = "请先登录"
    error_extensions = {"code": UNAUTHENTICATED}

    def has_permission(self, source: Any, info: Info[Context, Any], **kwargs: Any) -> bool:
        return info.context.viewer is not None


class ViewerRule(BasePermission):
    """A rule about the logged-in viewer: anonymous callers get UNAUTHENTICATED first."""

    message = "无权进行此操作"
    error_extensions = {"code": FORBIDDEN}
    # True when ``allows`` reads only the viewer and the source, never ``info`` or
    # ``kwargs``: schema/fast_fields.py may then call it with ``info=None``.
    source_only: ClassVar[bool] = False
    # Rules of these classes (exactly) never allow what this one refuses, for the same
    # viewer and source: an object whose fields are guarded by both checks only those
    # (schema/executor.py). For source-only rules.
    implied_by: ClassVar[tuple[type[ViewerRule], ...]] = ()

    def has_permission(self, source: Any, info: Info[Context, Any], **kwargs: Any) -> bool:
        return self.decide(info.context.viewer, source, info, kwargs)

    def decide(
        self,
        viewer: Viewer | None,
        source: Any,
        info: Info[Context, Any] | None,
        kwargs: dict[str, Any],
    ) -> bool:
        """``allows`` for a viewer who may be anonymous (then UNAUTHENTICATED)."""
        return self.allows(signed_in(viewer), source, info, kwargs)

    def allows(
        self, viewer: Viewer, source: Any, info: Info[Context, Any] | None, kwargs: dict[str, Any]
    ) -> bool:
        raise NotImplementedError
