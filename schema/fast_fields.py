"""A direct resolver for every field that needs no argument conversion.

Strawberry sends a field with a resolver or a permission through a generic chain:
argument conversion, an ``Info`` object, the field extensions folded with
``functools.partial``, then the resolver. For a field whose arguments are plain scalars
(which strawberry passes on unconverted) and whose only extensions are synchronous
permission checks, that chain does nothing but rename the arguments, call the
permission classes and then the resolver (whose awaitable, if it is asynchronous, the
executor awaits), at several µs a field, which adds up over the thousands of fields of
a big response (docs/benchmarks.md).

:func:`install` gives such fields one precomputed closure that does exactly that:
the same permission classes, in the same order, called with the same ``Info`` and
arguments, with a refusal reported by the permission extension itself; then the
resolver with its reserved parameters (``self``/``root``/``parent``/``info``) bound as
strawberry binds them. Fields with input objects, enums or lists among their
arguments, async permissions or other extensions keep strawberry's chain.

A synchronous field whose resolver takes no info (or is marked :func:`context_only`), guarded only
by rules that decide from the viewer and the source (``ViewerRule.source_only``), also
gets a ``direct(source, context)`` entry: the same rules' ``decide`` and the same
resolver, called as the field is when the document gives it no arguments, without an
info. The level executor (schema/executor.py) calls it where the document gives none:
for scalar and enum fields, which are most of a big response's fields, and for objects
made only of such fields (an edge and its node, a branch's status).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, cast

import strawberry
from graphql import GraphQLObjectType, GraphQLResolveInfo
from strawberry.permission import PermissionExtension
from strawberry.relay.types import GlobalID
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import _is_leaf_type
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField

from permissions.base import ViewerRule
from schema.executor import ATTRIBUTE, DIRECT, GUARDS, UNGUARDED
from schema.flat import CALL

Resolver = Callable[..., Any]
CONTEXT_ONLY = "zhengdun_context_only"
# On a positional call that drops its info: the resolver it calls with the source alone.
ONLY_SOURCE = "zhengdun_only_source"


def context_only(function: Resolver) -> Resolver:
    """Marks a resolver that reads nothing of its info but ``info.context``.

    Such a field may get a direct entry (below): called without an info, the resolver
    gets a :class:`ContextInfo`, which has the context and nothing else. Anything else
    read from it raises, and the executor then completes the field through the full
    path, with a real info.
    """
    setattr(function, CONTEXT_ONLY, True)
    return function


class ContextInfo:
    """The info of a direct call to a ``context_only`` resolver: only ``context``."""

    __slots__ = ("context",)

    def __init__(self, context: Any) -> None:
        self.context = context


def install(schema: strawberry.Schema) -> list[str]:
    """Replaces the resolvers that qualify; returns their ``Type.field`` names."""
    replaced = []
    info_class = schema.config.info_class
    default_resolver = schema.config.default_resolver
    scalars = schema.schema_converter.scalar_registry
    for gql_type in schema._schema.type_map.values():
        if not isinstance(gql_type, GraphQLObjectType) or gql_type.name.startswith("__"):
            continue
        for name, gql_field in gql_type.fields.items():
            field = (gql_field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(field, StrawberryField) or not _qualifies(field, scalars):
                continue
            names = {
                schema.config.name_converter.from_argument(a): a.python_name
                for a in field.arguments
            }
            gql_field.resolve = _direct(field, names, info_class, default_resolver)
            replaced.append(f"{gql_type.name}.{name}")
    return replaced


def _qualifies(field: StrawberryField, scalars: Any) -> bool:
    if field.is_subscription:
        return False
    for argument in field.arguments:
        kind = argument.type
        if isinstance(kind, StrawberryOptional):
            kind = kind.of_type
        if kind is GlobalID or not _is_leaf_type(kind, scalars):
            return False
    for extension in field.extensions:
        if type(extension) is not PermissionExtension or extension.fail_silently:
            return False
        for permission in extension.permissions:
            if inspect.iscoroutinefunction(permission.has_permission):
                return False
    return True


def _direct(
    field: StrawberryField, names: dict[str, str], info_class: type, default_resolver: Resolver
) -> Resolver:
    checks = [
        (extension, permission)
        for extension in field.extensions
        if isinstance(extension, PermissionExtension)
        for permission in extension.permissions
    ]
    resolver = field.base_resolver
    python_name = field.python_name
    # Without arguments: the same call, positional where the signature allows it.
    bare: Callable[[Any, Any], Any] | None = None

    if resolver is None:

        def call(source: Any, info: Any, kwargs: dict[str, Any]) -> Any:
            return default_resolver(source, python_name)

    else:
        wants_self = resolver.self_parameter is not None
        source_names = [
            p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None
        ]
        info_name = resolver.info_parameter.name if resolver.info_parameter else None

        function = resolver.wrapped_func  # what StrawberryResolver.__call__ calls
        if not callable(function):
            raise TypeError(f"{field.python_name}: uncallable resolver")

        def call(source: Any, info: Any, kwargs: dict[str, Any]) -> Any:
            for name in source_names:
                kwargs[name] = source
            if info_name is not None:
                kwargs[info_name] = info
            return function(source, **kwargs) if wants_self else function(**kwargs)

        bare = _positional(function, resolver)
    if bare is None:
        bare = lambda source, info: call(source, info, {})  # noqa: E731

    takes_info = resolver is not None and resolver.info_parameter is not None
    context_only = takes_info and getattr(resolver.wrapped_func, CONTEXT_ONLY, False)  # type: ignore[union-attr]
    # The resolver called without an info (or with just the context), no checks: one
    # call fewer per field where it takes the source alone (``id``, ``status``).
    only_source = getattr(bare, ONLY_SOURCE, None)
    if only_source is not None:
        unguarded: Callable[[Any, Any], Any] = lambda source, context: only_source(source)  # noqa: E731
        setattr(unguarded, CALL, (only_source, None))
    elif context_only:
        unguarded = lambda source, context: bare(source, ContextInfo(context))  # noqa: E731
        setattr(unguarded, CALL, (bare, ContextInfo))
    else:
        unguarded = lambda source, context: bare(source, None)  # noqa: E731
    if not names and not takes_info and not checks:

        def resolve_plain(source: Any, raw_info: GraphQLResolveInfo) -> Any:
            return call(source, None, {})

        if field.is_async:  # its awaitable is awaited where the executor awaits
            return resolve_plain
        if resolver is None:
            setattr(
                resolve_plain, DIRECT, lambda source, context: default_resolver(source, python_name)
            )
            if default_resolver is getattr:
                setattr(resolve_plain, ATTRIBUTE, python_name)
        else:
            setattr(resolve_plain, DIRECT, unguarded)
        return resolve_plain

    def resolve(source: Any, raw_info: GraphQLResolveInfo, **arguments: Any) -> Any:
        info = info_class(_raw_info=raw_info, _field=field)
        kwargs = {names[name]: value for name, value in arguments.items()}
        for extension, permission in checks:
            allowed = permission.has_permission(source, info, **kwargs)
            if allowed is not True:
                if allowed is not False:  # an awaitable or a non-boolean: fail closed
                    return extension.resolve(lambda *a, **k: None, source, info, **kwargs)
                return extension._on_unauthorized(permission)
        return call(source, info, kwargs)

    if field.is_async:
        # Checked when awaited, as strawberry does: a refusal is then settled with the
        # other fields of its level instead of cutting the level short.
        async def resolve_async(source: Any, raw_info: GraphQLResolveInfo, **arguments: Any) -> Any:
            value = resolve(source, raw_info, **arguments)
            return await value if inspect.isawaitable(value) else value

        return resolve_async
    if (takes_info and not context_only) or not all(
        _source_only(permission) for _, permission in checks
    ):
        return resolve

    rules = [(extension, cast(ViewerRule, permission)) for extension, permission in checks]

    def direct(source: Any, context: Any) -> Any:
        """The same checks and resolver, with no arguments, without an info."""
        for extension, rule in rules:
            if rule.decide(context.viewer, source, None, {}) is not True:
                return extension._on_unauthorized(rule)
        return unguarded(source, context)

    setattr(direct, GUARDS, tuple(rule for _, rule in rules))
    setattr(direct, UNGUARDED, unguarded)
    if resolver is None and default_resolver is getattr:
        setattr(unguarded, ATTRIBUTE, python_name)
    setattr(resolve, DIRECT, direct)
    return resolve


def _positional(function: Resolver, resolver: Any) -> Callable[[Any, Any], Any] | None:
    """``function(source)`` or ``function(source, info)`` when that is how it binds.

    Strawberry passes the source and the info by name; where they are the first
    positional parameters and every other one has a default, passing them by position
    is the same call, without building a dict of keyword arguments each time.
    """
    source = resolver.self_parameter or resolver.root_parameter or resolver.parent_parameter
    info = resolver.info_parameter
    if (
        source is None
        or sum(
            p is not None
            for p in (resolver.root_parameter, resolver.parent_parameter, resolver.self_parameter)
        )
        != 1
    ):
        return None
    parameters = list(inspect.signature(function).parameters.values())
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    leading = [source.name] if info is None else [source.name, info.name]
    if [p.name for p in parameters[: len(leading)]] != leading or any(
        p.kind not in positional for p in parameters[: len(leading)]
    ):
        return None
    if any(
        p.default is inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        for p in parameters[len(leading) :]
    ):
        return None
    if info is None:
        bare = lambda source_value, info_value: function(source_value)  # noqa: E731
        setattr(bare, ONLY_SOURCE, function)
        return bare
    return function


def _source_only(permission: Any) -> bool:
    """A rule decided by ``allows(viewer, source)`` alone, as ViewerRule decides it."""
    return (
        isinstance(permission, ViewerRule)
        and permission.source_only
        and type(permission).has_permission is ViewerRule.has_permission
    )
