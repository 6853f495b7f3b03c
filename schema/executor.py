"""Executes queries level by level instead of field by field.

graphql-core completes a response depth first: every object becomes its own chain of
calls, and as soon as one field below an object is asynchronous, every object above it
is completed through a coroutine and a ``gather`` of its own. At a few thousand fields
a response, that machinery costs more than the resolvers and the SQL together
(docs/benchmarks.md).

:class:`LevelExecutor` keeps graphql-core's building blocks (field collection, argument
coercion, resolve info, leaf serialisation, runtime type checks, error locating) and
the schema's resolvers, permission classes included, untouched; it only changes the
order of work. It runs every synchronous field it can reach, queuing the awaitables;
when nothing synchronous is left it awaits all queued awaitables with one ``gather``
(so DataLoaders see every key of a level in one batch) and continues with their
results. Results are written in place into the response's dicts and lists, in the
selection's order.

Scalar and enum fields whose resolver has a ``direct(source, context)`` entry
(schema/fast_fields.py: the same permission rules and resolver, no info) are called
that way, and so are object fields asked without arguments whose objects are made only
of such fields: an object whose selected fields all are (a row of figures, a list of
``{ sector totalBranches }``, a page of edges with their nodes and a branch's status)
is completed in one call, without a position per field; if anything in it fails or is
null where it may not be, it is completed again field by field, which reports the
error where graphql-core would. Such an object checks the distinct permission rules of
its fields once each before reading them (GUARDS): a refusal, too, sends it down the
field-by-field path, where the refused field's own check reports it. Each such
selection is completed by a function generated for it once per process
(schema/flat.py).

What a selection's fields are and how each is completed (its plan) is worked out once
per object type and collected field set. Where the collected fields cannot depend on
the variables (no directive anywhere in the document, no fragment variables, no
middleware), plans are shared by every request of the same parsed document (the parser
cache keeps it), at most ``SHARED_PLANS`` of them; otherwise each request plans its own.

Null propagation follows the specification: a null (or error) in a non-null position
nulls the nearest nullable enclosing position, and work queued below a nulled position
is dropped. Mutations (serial execution) and an abort signal go to graphql-core's own
executor; middleware is applied as graphql-core does.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLResolveInfoHelpers,
    ListValueNode,
    ObjectValueNode,
    ValueNode,
    VariableNode,
    located_error,
)
from graphql.execution.executor import invalid_return_type_error
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path
from graphql.type import (
    GraphQLEnumType,
    GraphQLScalarType,
    TypeNameMetaFieldDef,
    is_abstract_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.flat import (
    IDENTITY,
    INT_MAX,
    INT_MIN,
    LEAF,
    LIST,
    OBJECT,
    Entry,
    Flat,
    complete_leaf,
    leaf_memo,
    values_are_not_awaitable,
)

Container = dict[str, Any] | list[Any]


def _fits(value: Any) -> bool:
    """Strings and booleans always do; an Int must be 32-bit (else graphql-core says why)."""
    return type(value) is not int or INT_MIN <= value <= INT_MAX


# A resolver may carry ``direct(source, context)``: the same answer without an info
# (schema/fast_fields.py). The executor calls it for scalar and enum fields.
DIRECT = "zhengdun_direct"
# Set beside DIRECT (and on UNGUARDED) when the resolver only reads this attribute of its
# source.
ATTRIBUTE = "zhengdun_attribute"
# Set on a direct resolver whose permission checks are rules decided by
# ``rule.decide(viewer, source, None, {})`` alone: GUARDS holds those rules and UNGUARDED
# the same resolver without them. An object completed at once checks each distinct rule
# of its fields once (fields of one type mostly share their rules), then calls these.
GUARDS = "zhengdun_guards"
UNGUARDED = "zhengdun_unguarded"


class Slot:
    """A composite position of the response (an object or a list) and how to null it."""

    __slots__ = ("container", "key", "nullable", "parent", "dead")

    def __init__(
        self, container: Container | None, key: Any, nullable: bool, parent: Slot | None
    ) -> None:
        self.container = container
        self.key = key
        self.nullable = nullable
        self.parent = parent
        self.dead = False

    def is_dead(self) -> bool:
        slot: Slot | None = self
        while slot is not None:
            if slot.dead:
                return True
            slot = slot.parent
        return False


class FieldPlan:
    """What does not change between the objects a selected field is executed on."""

    __slots__ = (
        "field_def",
        "resolve",
        "return_type",
        "nodes",
        "details",
        "has_args",
        "leaf",
        "direct",
        "attribute",
        "literal_args",
        "fixed_args",
    )

    def __init__(
        self, field_def: Any, resolve: Any, details: Any, direct: Any, attribute: str | None
    ) -> None:
        self.field_def = field_def
        self.resolve = resolve
        self.return_type = field_def.type
        self.details = details
        self.nodes = [d.node for d in details]
        self.has_args = bool(field_def.args or details[0].node.arguments)
        # Arguments written out in the document (``children(first: 100)``) coerce to the
        # same values for every object and request: kept once coerced (fixed_args) when
        # each is an immutable scalar, as a resolver could change a list or an input.
        self.literal_args = details[0].fragment_variable_values is None and not any(
            _has_variable(argument.value) for argument in details[0].node.arguments or ()
        )
        self.fixed_args: dict[str, Any] | None = None
        # A direct entry answers the field as asked without arguments: the resolver's
        # own defaults are the schema's (strawberry derives one from the other).
        if details[0].node.arguments:
            direct = attribute = None
        self.direct = direct
        self.attribute = attribute
        # A scalar or enum with a direct resolver: no info, no path unless it fails.
        leaf_type = self.return_type
        non_null = isinstance(leaf_type, GraphQLNonNull)
        if non_null:
            leaf_type = leaf_type.of_type
        self.leaf: Leaf | None = (
            (direct, leaf_type, non_null, IDENTITY.get(leaf_type), attribute)
            if direct is not None and isinstance(leaf_type, (GraphQLScalarType, GraphQLEnumType))
            else None
        )


# Direct resolver, type, non-null, identity type, attribute read (if that is all it does).
Leaf = tuple[Any, Any, bool, type | None, str | None]
# Coerced argument values a plan may keep and pass to every call (``**`` copies the dict).
IMMUTABLE = frozenset({int, float, str, bool, type(None)})


def _has_variable(value: ValueNode) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_has_variable(item) for item in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_has_variable(field.value) for field in value.fields)
    return False


def _guards(direct: Any, attribute: str | None) -> tuple[tuple[Any, ...], Any, str | None]:
    """The rules a direct resolver checks, the resolver without them and the attribute
    it reads (if that is all it does), where it says; else no rules and the resolver as
    it is (it checks whatever it checks itself)."""
    guards = getattr(direct, GUARDS, None)
    if guards is None:
        return (), direct, attribute
    unguarded = getattr(direct, UNGUARDED)
    return guards, unguarded, getattr(unguarded, ATTRIBUTE, None)


def _distinct(guards: Any) -> tuple[Any, ...]:
    """Each rule once, less those implied by another one kept (``ViewerRule.implied_by``):
    a branch's id and name (breadcrumb) beside its sector (seeing it) check one rule."""
    kept = list({id(rule): rule for rule in guards}.values())
    for rule in list(kept):
        implied_by = getattr(rule, "implied_by", ())
        if any(type(other) in implied_by for other in kept if other is not rule):
            kept.remove(rule)
    return tuple(kept)


class TypePlan:
    """The plans of an object type's selected fields, in response order.

    ``flat`` is set when every field can be completed without an info: a leaf with a
    direct resolver, or an object or a list of objects, reached through a direct
    resolver, whose own fields all can. Such an object (a row of figures, an edge and
    its node) is completed in one call, without positions.
    """

    __slots__ = ("fields", "flat")

    def __init__(
        self,
        fields: list[tuple[str, FieldPlan | None]],
        entries: list[tuple[Entry, tuple[Any, ...]] | None],
    ) -> None:
        # An object or list field that can be completed without an info keeps its entry
        # (with its own rules).
        self.fields: list[tuple[str, FieldPlan | None, Flat | None]] = [
            (name, plan, Flat(found[1], (found[0],)) if found and found[0][1] != LEAF else None)
            for (name, plan), found in zip(fields, entries, strict=True)
        ]
        self.flat: Flat | None = None
        if entries and all(found is not None for found in entries):
            self.flat = Flat(
                _distinct(rule for found in entries for rule in found[1]),  # type: ignore[index]
                tuple(found[0] for found in entries),  # type: ignore[index]
            )


# Plans shared by the requests of one document, at most this many, the oldest dropped
# first. Keyed by the identities of the object type and of the collected field nodes; each
# entry keeps those objects alive, so that their ids stay their own while it lives.
SHARED_PLANS = 1024
_SHARED_PLANS: dict[tuple[int, tuple[Any, ...]], tuple[Any, Any, TypePlan]] = {}


def _fixed_selections(operation: Any, fragments: dict[str, Any]) -> bool:
    """No directive anywhere in the operation's selections or in its fragments, and no
    fragment variables: which fields are collected then depends on the document alone.

    A plan holds the plans of the objects below it (the flat ones), so it may serve
    another request only if every level below would be collected the same way too.
    """
    if any(details.variable_signatures for details in fragments.values()):
        return False
    pending = [operation.selection_set]
    pending += [details.definition.selection_set for details in fragments.values()]
    while pending:
        selection_set = pending.pop()
        for selection in selection_set.selections:
            if selection.directives:
                return False
            below = getattr(selection, "selection_set", None)
            if below is not None:
                pending.append(below)
    return True


def _shared_key(parent_type: Any, grouped_field_set: Any) -> tuple[int, tuple[Any, ...]] | None:
    fields = []
    for response_name, details in grouped_field_set.items():
        nodes = []
        for detail in details:
            if detail.defer_usage is not None or detail.fragment_variable_values is not None:
                return None
            nodes.append(id(detail.node))
        fields.append((response_name, *nodes))
    return id(parent_type), tuple(fields)


def _weakly(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method``, holding its object weakly (for helpers that outlive no execution)."""
    ref = weakref.WeakMethod(method)

    def call(*args: Any) -> Any:
        bound = ref()
        if bound is None:
            raise RuntimeError("the execution these helpers belong to has ended")
        return bound(*args)

    return call


class LevelExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with queries completed level by level."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # graphql-core's helpers hold the executor's bound methods, and the executor holds
        # them: a reference cycle through the context and every row of the response, which
        # only the cyclic garbage collector would free. Held weakly, the request's objects
        # are freed by reference counting as soon as the response is built.
        self.async_helpers = GraphQLResolveInfoHelpers(
            gather=_weakly(self.gather_async_work), track=_weakly(self.track_async_work)
        )
        self.is_awaitable = values_are_not_awaitable(self.is_awaitable)  # type: ignore[method-assign,assignment]
        # Keyed by id(): each plan keeps its field set alive beside it.
        self._plans: dict[tuple[str, int], tuple[Any, TypePlan]] = {}
        # Plans may be shared with other requests of the same document (_SHARED_PLANS)
        # when which fields are collected cannot depend on the variables.
        # (Middleware wraps resolvers per request: then plans are the request's own.)
        middleware = self.middleware_manager
        self._shareable = (middleware is None or not middleware.middlewares) and (
            _fixed_selections(self.operation, self.fragments)
        )
        self._objects: deque[tuple[GraphQLObjectType, Any, Path | None, TypePlan, dict, Slot]] = (
            deque()
        )
        self._awaiting: list[tuple[Awaitable[Any], Any, Any, Path, Container, Any, Slot]] = []
        self._root = Slot(None, None, True, None)

    def execute_root_grouped_field_set(  # type: ignore[override]
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: Any,
        serially: bool,
        position_context: Any,
    ) -> Any:
        if serially or self.abort_signal is not None:
            return super().execute_root_grouped_field_set(
                root_type, root_value, grouped_field_set, serially, position_context
            )
        data: dict[str, Any] = {}
        self._objects.append(
            (
                root_type,
                root_value,
                None,
                self._plan(root_type, grouped_field_set),
                data,
                self._root,
            )
        )
        self._run_synchronous()
        if not self._awaiting:
            return None if self._root.dead else data
        return self._run_until_done(data)

    async def _run_until_done(self, data: dict[str, Any]) -> dict[str, Any] | None:
        while self._awaiting:
            batch, self._awaiting = self._awaiting, []
            values = await asyncio.gather(*(entry[0] for entry in batch), return_exceptions=True)
            # Settled together: a null propagating from one of them does not hide the
            # others (as with graphql-core, where each completes on its own).
            alive = [not entry[6].is_dead() for entry in batch]
            for (_, plan, info, path, container, key, slot), value, live in zip(
                batch, values, alive, strict=True
            ):
                if not live:
                    continue
                if isinstance(value, BaseException) and not isinstance(value, Exception):
                    raise value  # cancellation and the like are not field errors
                self._complete_field(plan, info, path, value, container, key, slot)
            self._run_synchronous()
        return None if self._root.dead else data

    # -- planning ------------------------------------------------------------------

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> TypePlan:
        key = (parent_type.name, id(grouped_field_set))
        known = self._plans.get(key)
        if known is not None:
            return known[1]
        shared_key = _shared_key(parent_type, grouped_field_set) if self._shareable else None
        if shared_key is not None:
            found = _SHARED_PLANS.get(shared_key)
            if found is not None:
                self._plans[key] = (grouped_field_set, found[2])
                return found[2]
        type_plan = self._new_plan(parent_type, grouped_field_set)
        self._plans[key] = (grouped_field_set, type_plan)
        if shared_key is not None:
            while len(_SHARED_PLANS) >= SHARED_PLANS:
                del _SHARED_PLANS[next(iter(_SHARED_PLANS))]
            _SHARED_PLANS[shared_key] = (parent_type, grouped_field_set, type_plan)
        return type_plan

    def _new_plan(self, parent_type: GraphQLObjectType, grouped_field_set: Any) -> TypePlan:
        fields: list[tuple[str, FieldPlan | None]] = []
        for response_name, details in grouped_field_set.items():
            field_def = self.schema.get_field(parent_type, details[0].node.name.value)
            if field_def is None:
                fields.append((response_name, None))
                continue
            resolve = field_def.resolve or self.field_resolver
            direct = getattr(resolve, DIRECT, None)
            attribute = getattr(resolve, ATTRIBUTE, None)
            if field_def is TypeNameMetaFieldDef:
                direct = _constant(parent_type.name)
            if self.middleware_manager:
                wrapped = self.middleware_manager.get_field_resolver(resolve)
                if wrapped is not resolve:  # middleware sees every call: no shortcut
                    resolve, direct, attribute = wrapped, None, None
            plan = FieldPlan(field_def, resolve, details, direct, attribute)
            fields.append((response_name, plan))
        return TypePlan(fields, [self._entry(name, plan) for name, plan in fields])

    def _entry(self, name: str, plan: FieldPlan | None) -> tuple[Entry, tuple[Any, ...]] | None:
        """How the field is completed in a flat object, and the rules it is guarded by;
        None if it cannot be."""
        if plan is None or plan.direct is None:
            return None
        guards, unguarded, attribute = _guards(plan.direct, plan.attribute)
        if plan.leaf is not None:
            _direct, leaf_type, non_null, identity, _attribute = plan.leaf
            entry = (name, LEAF, unguarded, attribute, non_null, leaf_type, identity)
            return (*entry, None, None, False), guards
        kind, item_non_null = OBJECT, False
        field_type = plan.return_type
        non_null = isinstance(field_type, GraphQLNonNull)
        if non_null:
            field_type = field_type.of_type
        if isinstance(field_type, GraphQLList):
            kind, field_type = LIST, field_type.of_type
            item_non_null = isinstance(field_type, GraphQLNonNull)
            if item_non_null:
                field_type = field_type.of_type
        if not isinstance(field_type, GraphQLObjectType):
            return None  # lists of leaves, lists of lists and abstract types: the full path
        grouped, _defer_usages, _forbidden = self.collect_subfields(field_type, plan.details)
        flat = self._plan(field_type, grouped).flat
        if flat is None:
            return None
        entry = (name, kind, unguarded, attribute, non_null, None, None)
        return (*entry, field_type.is_type_of, flat, item_non_null), guards

    # -- execution -----------------------------------------------------------------

    def _run_synchronous(self) -> None:
        objects = self._objects
        while objects:
            parent_type, source, path, plan, result, slot = objects.popleft()
            if slot.is_dead():
                continue
            for response_name, field, entry in plan.fields:
                if field is None:
                    continue
                if entry is not None:
                    done = entry.complete(source, self.context_value)
                    if done is not None:
                        result[response_name] = done[response_name]
                        continue
                result[response_name] = None
                self._execute_field(parent_type, source, path, response_name, field, result, slot)
                if slot.dead:
                    break

    def _execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        parent_path: Path | None,
        response_name: str,
        plan: FieldPlan,
        result: dict[str, Any],
        slot: Slot,
    ) -> None:
        if plan.leaf is not None:
            direct, leaf_type, non_null, identity, _attribute = plan.leaf
            try:
                value = direct(source, self.context_value)
                if value is None:
                    if non_null:
                        raise _null_in_non_null(parent_type.name, plan.nodes[0].name.value)
                    return
                if not self.is_awaitable(value):
                    result[response_name] = (
                        value
                        if identity is type(value) and _fits(value)
                        else complete_leaf(leaf_memo(leaf_type), value)
                    )
                    return
            except Exception as error:
                path = Path(parent_path, response_name, parent_type.name)
                self._field_error(error, plan, path, result, response_name, slot)
                return
            path = Path(parent_path, response_name, parent_type.name)
            info = self.build_resolve_info(plan.field_def, plan.nodes, parent_type, path)
            self._awaiting.append((value, plan, info, path, result, response_name, slot))
            return
        path = Path(parent_path, response_name, parent_type.name)
        info = self.build_resolve_info(plan.field_def, plan.nodes, parent_type, path)
        try:
            if plan.has_args:
                args = plan.fixed_args
                if args is None:
                    details = plan.details[0]
                    args = get_argument_values(
                        plan.field_def,
                        details.node,
                        self.variable_values,
                        details.fragment_variable_values,
                        self.hide_suggestions,
                    )
                    if plan.literal_args and all(type(v) in IMMUTABLE for v in args.values()):
                        plan.fixed_args = args
                value = plan.resolve(source, info, **args)
            else:
                value = plan.resolve(source, info)
        except Exception as error:
            self._field_error(error, plan, path, result, response_name, slot)
            return
        if self.is_awaitable(value):
            self._awaiting.append((value, plan, info, path, result, response_name, slot))
            return
        self._complete_field(plan, info, path, value, result, response_name, slot)

    def _complete_field(
        self,
        plan: FieldPlan,
        info: GraphQLResolveInfo,
        path: Path,
        value: Any,
        container: Container,
        key: Any,
        slot: Slot,
    ) -> None:
        try:
            self._complete(plan.return_type, plan, info, path, value, container, key, slot)
        except Exception as error:
            self._field_error(error, plan, path, container, key, slot)

    def _field_error(
        self,
        raw: Exception,
        plan: FieldPlan,
        path: Path,
        container: Container,
        key: Any,
        slot: Slot,
    ) -> None:
        error = located_error(raw, plan.nodes, path.as_list())
        self.collected_errors.add(error, path)
        if isinstance(plan.return_type, GraphQLNonNull):
            self._null(slot)
        else:
            container[key] = None  # type: ignore[index]

    def _null(self, slot: Slot | None) -> None:
        """A non-null position below ``slot`` is null: null the nearest nullable one."""
        while slot is not None:
            slot.dead = True
            if slot.nullable:
                if slot.container is not None:
                    slot.container[slot.key] = None
                return
            slot = slot.parent

    def _complete(
        self,
        return_type: GraphQLOutputType,
        plan: FieldPlan,
        info: GraphQLResolveInfo,
        path: Path,
        value: Any,
        container: Container,
        key: Any,
        slot: Slot,
    ) -> None:
        """Writes the completed ``value`` at ``container[key]``; raises a field error."""
        if isinstance(value, Exception):
            raise value
        nullable = True
        if isinstance(return_type, GraphQLNonNull):
            return_type = return_type.of_type
            nullable = False
            if value is None:
                raise _null_in_non_null(info.parent_type.name, info.field_name)
        elif value is None:
            container[key] = None  # type: ignore[index]
            return
        if isinstance(return_type, (GraphQLScalarType, GraphQLEnumType)):
            container[key] = self.complete_leaf_value(return_type, value)  # type: ignore[index]
            return
        if isinstance(return_type, GraphQLList):
            self._complete_list(
                return_type, nullable, plan, info, path, value, container, key, slot
            )
            return
        if is_abstract_type(return_type):
            resolve_type = return_type.resolve_type or self.type_resolver  # type: ignore[attr-defined]
            runtime = resolve_type(value, info, return_type)
            if self.is_awaitable(runtime):
                raise GraphQLError("abstract types must resolve synchronously", plan.nodes)
            return_type = self.ensure_valid_runtime_type(
                runtime,
                return_type,  # type: ignore[arg-type]
                plan.details,
                info,
                value,
            )
        assert isinstance(return_type, GraphQLObjectType)
        if return_type.is_type_of:
            is_type_of = return_type.is_type_of(value, info)
            if self.is_awaitable(is_type_of):
                raise GraphQLError("is_type_of must be synchronous", plan.nodes)
            if not is_type_of:
                raise invalid_return_type_error(return_type, value, plan.details)
        grouped, _defer_usages, _forbidden = self.collect_subfields(return_type, plan.details)
        type_plan = self._plan(return_type, grouped)
        if type_plan.flat is not None:
            done = type_plan.flat.complete(value, self.context_value)
            if done is not None:
                container[key] = done  # type: ignore[index]
                return
        result: dict[str, Any] = {}
        container[key] = result  # type: ignore[index]
        self._objects.append(
            (return_type, value, path, type_plan, result, Slot(container, key, nullable, slot))
        )

    def _complete_list(
        self,
        return_type: GraphQLList,
        nullable: bool,
        plan: FieldPlan,
        info: GraphQLResolveInfo,
        path: Path,
        value: Any,
        container: Container,
        key: Any,
        slot: Slot,
    ) -> None:
        if isinstance(value, str) or not hasattr(value, "__iter__"):
            raise GraphQLError(
                "Expected Iterable, but did not find one for field"
                f" '{info.parent_type.name}.{info.field_name}'."
            )
        items = list(value)
        completed: list[Any] = [None] * len(items)
        container[key] = completed  # type: ignore[index]
        list_slot = Slot(container, key, nullable, slot)
        item_type = return_type.of_type
        item_plan = _ItemPlan(plan, item_type)
        object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        flat = None
        if isinstance(object_type, GraphQLObjectType):
            grouped, _defer_usages, _forbidden = self.collect_subfields(object_type, plan.details)
            flat = self._plan(object_type, grouped).flat
            is_type_of = object_type.is_type_of
        for index, item in enumerate(items):
            if (
                flat is not None
                and item is not None
                and (is_type_of is None or is_type_of(item, info) is True)
            ):
                done = flat.complete(item, self.context_value)
                if done is not None:
                    completed[index] = done
                    continue
            item_path = path.add_key(index, None)
            if self.is_awaitable(item):
                self._awaiting.append(
                    (item, item_plan, info, item_path, completed, index, list_slot)
                )  # type: ignore[arg-type]
                continue
            try:
                self._complete(item_type, plan, info, item_path, item, completed, index, list_slot)
            except Exception as error:
                self._field_error(error, item_plan, item_path, completed, index, list_slot)  # type: ignore[arg-type]
                if list_slot.dead:
                    return


def _null_in_non_null(type_name: str, field_name: str) -> TypeError:
    """graphql-core's error (and message) for a null in a non-null position."""
    return TypeError(f"Cannot return null for non-nullable field {type_name}.{field_name}.")


@functools.cache  # one function per type name: generated flat functions are kept by it
def _constant(value: Any) -> Any:
    return lambda source, context: value


class _ItemPlan:
    """A field's plan, seen from one of its list items (whose type is the item type)."""

    __slots__ = ("field_def", "details", "nodes", "return_type")

    def __init__(self, plan: FieldPlan, item_type: GraphQLOutputType) -> None:
        self.field_def = plan.field_def
        self.details = plan.details
        self.nodes = plan.nodes
        self.return_type = item_type
