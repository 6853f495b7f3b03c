"""Objects completed at once: one generated function per selection.

The executor (schema/executor.py) completes an object in one call when every field it
is asked for has a direct entry: a row of figures, each ``{ sector totalBranches }`` of
``bySector``, an edge with its node and the branch's status. Such objects are most of a
big response (a county's tree: hundreds; the root's progress: 35 rows of 16 sectors),
and walking a generic description of their fields for each of them (unpacking each
field's entry, branching on its kind) was the largest single cost of M1 and M3
(docs/benchmarks.md).

So each such selection becomes a function, generated once per process as
``dataclasses`` generates ``__init__``: the distinct rules of its fields checked once
each, then each field read (``source.attribute``, or the direct resolver) and checked
inline for its kind: an Int in 32 bits, a string or boolean as it is, an enum member
looked up by identity, an object or a list of objects by their own generated functions.
It returns the completed dict, or None when anything is not as expected (a rule
refuses, a null where none may be, an awaitable, any exception): the executor then
completes the object field by field, which reports what went wrong where graphql-core
would. Direct resolvers have no side effects, so that second pass sees the same values.

Functions are shared by every request that asks the same selection: they are kept by
the identities of what they call (schema objects, which live as long as the process),
at most ``CACHE_SIZE`` of them, the oldest dropped first.
"""

from __future__ import annotations

import enum
import keyword
from collections.abc import Callable, Mapping
from types import GeneratorType, MappingProxyType
from typing import Any

from graphql import GraphQLBoolean, GraphQLID, GraphQLInt, GraphQLString
from graphql.execution.executor import Executor
from graphql.pyutils import is_awaitable as graphql_is_awaitable
from tortoise.models import Model

from permissions.base import ViewerRule

CACHE_SIZE = 1024
# Objects nested this deep are completed inline; deeper ones call their own functions
# (Python allows 20 nested blocks in a function: a list level takes two, an object one).
INLINE_DEPTH = 4
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# Built-in scalars whose output is the value itself when it already has the right type
# (what graphql-core's coercion returns for them, minus its checks).
IDENTITY: dict[Any, type] = {
    GraphQLInt: int,
    GraphQLString: str,
    GraphQLBoolean: bool,
    GraphQLID: str,
}
# How a field of a flat object is completed.
LEAF, OBJECT, LIST = 0, 1, 2
# Set on a direct resolver ``direct(source, context)`` that only passes its source on:
# ``(function, None)`` when it is ``function(source)``, ``(function, make_info)`` when
# it is ``function(source, make_info(context))`` (schema/fast_fields.py). Generated code
# calls ``function`` itself.
CALL = "zhengdun_call"

# Response name, kind, direct resolver (unguarded where the rules are its Flat's),
# attribute read (if that is all it does), non-null; for leaves their type and identity
# type; for objects and lists of objects the object type's ``is_type_of``, its Flat,
# and whether items are non-null.
Entry = tuple[str, int, Any, str | None, bool, Any, type | None, Any, Any, bool]
Complete = Callable[[Any, Any], dict[str, Any] | None]

# The arguments a guard's rule is given: its fields have none (a rule reads, never writes).
NO_ARGUMENTS: Mapping[str, Any] = MappingProxyType({})
_PLAIN = frozenset({type(None), bool, int, float, str, list, dict, tuple})
# Types seen not to be awaitable (beside the plain ones): ``await`` looks for
# ``__await__`` on the type, so any other instance of theirs is a value too (a
# generator's flags are its own, so generators are asked each time).
_VALUE_TYPES: set[type] = set(_PLAIN)


def values_are_not_awaitable(is_awaitable: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """Tortoise model instances define ``__await__`` (awaiting one returns itself).

    To graphql-core that makes every row a resolver returns look like a pending
    result: each would be awaited through a coroutine of its own, and every object
    above it completed asynchronously. A model instance is a value.
    """

    def check(value: Any) -> bool:
        kind = type(value)
        if kind in _VALUE_TYPES:
            return False
        if isinstance(value, Model) or not is_awaitable(value):
            if kind is not GeneratorType and len(_VALUE_TYPES) < 4096:
                _VALUE_TYPES.add(kind)
            return False
        return True

    return check


pending = values_are_not_awaitable(graphql_is_awaitable)


def discard(awaitable: Any) -> None:
    close = getattr(awaitable, "close", None)
    if close is not None:
        close()  # no "never awaited" warning for a coroutine completed again elsewhere


class LeafMemo:
    """What a scalar or enum type answered, by enum member and by plain string.

    Both are answered the same way every time. Members are remembered by identity and
    kept alive here, so that no other object can take their ``id``; only answers are
    remembered, never failures, and at most ``LIMIT`` of each.
    """

    LIMIT = 1024
    __slots__ = ("leaf_type", "members", "strings", "kept")

    def __init__(self, leaf_type: Any) -> None:
        self.leaf_type = leaf_type  # alive while its memo is: its id stays its own
        self.members: dict[int, Any] = {}
        self.strings: dict[str, Any] = {}
        self.kept: list[Any] = []


def leaf_memo(leaf_type: Any) -> LeafMemo:
    """The memo of a scalar or enum type, shared by every completion of it."""
    memo = _LEAF_MEMOS.get(id(leaf_type))
    if memo is None:
        if len(_LEAF_MEMOS) >= CACHE_SIZE:
            _LEAF_MEMOS.clear()  # a generated function keeps the memo it was made with
        memo = _LEAF_MEMOS[id(leaf_type)] = LeafMemo(leaf_type)
    return memo


def complete_leaf(memo: LeafMemo, value: Any) -> Any:
    """The remembered answer for ``value``, else :func:`leaf`'s (what the generated
    functions do inline)."""
    known = memo.strings.get(value) if type(value) is str else memo.members.get(id(value))
    return leaf(memo, value) if known is None else known


def leaf(memo: LeafMemo, value: Any) -> Any:
    """graphql-core's completion of a scalar or enum value (raising as it does), remembered."""
    completed = Executor.complete_leaf_value(memo.leaf_type, value)
    if isinstance(value, enum.Enum) and len(memo.members) < memo.LIMIT:
        memo.kept.append(value)
        memo.members[id(value)] = completed
    elif type(value) is str and len(memo.strings) < memo.LIMIT:
        memo.strings[value] = completed
    return completed


class Flat:
    """An object completed at once: the distinct rules its fields are guarded by, its
    entries, and the function generated for them (:func:`flat`)."""

    __slots__ = ("guards", "entries", "key", "complete")

    def __init__(self, guards: tuple[Any, ...], entries: tuple[Entry, ...]) -> None:
        self.guards = guards
        self.entries = entries
        self.key = (
            tuple(id(rule) for rule in guards),
            tuple(
                (name, kind, id(direct), attribute, non_null, id(leaf_type), identity,
                 id(is_type_of), None if sub is None else sub.key, item_non_null)
                for name, kind, direct, attribute, non_null, leaf_type, identity, is_type_of,
                sub, item_non_null in entries
            ),
        )  # fmt: skip
        known = _COMPILED.pop(self.key, None)  # popped and put back: the newest
        if known is None:
            known = (_compile(guards, entries), self)
            while len(_COMPILED) >= CACHE_SIZE:
                del _COMPILED[next(iter(_COMPILED))]
        _COMPILED[self.key] = known
        self.complete: Complete = known[0]


# Key → (function, the Flat it was made for: keeps the objects whose ids are the key).
_COMPILED: dict[Any, tuple[Complete, Flat]] = {}
# id(leaf type) → its memo (which keeps the type, so the id stays its own).
_LEAF_MEMOS: dict[int, LeafMemo] = {}


def _read(name: str, direct: Any, attribute: str | None, source: str, code: _Code) -> str:
    if attribute is None:
        call = getattr(direct, CALL, None)
        if call is not None:  # what the direct resolver itself would call: one call fewer
            function, make_info = call
            code.namespace[f"function{name}"] = function
            if make_info is None:
                return f"function{name}({source})"
            return f"function{name}({source}, {code.info(make_info)})"
        code.namespace[f"direct{name}"] = direct
        return f"direct{name}({source}, context)"
    if attribute.isidentifier() and not keyword.iskeyword(attribute):
        return f"{source}.{attribute}"
    code.namespace[f"attribute{name}"] = attribute
    return f"getattr({source}, attribute{name})"


class _Code:
    """The namespace and the per-call set-up of one generated function."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {
            "pending": pending, "value_types": _VALUE_TYPES, "discard": discard, "leaf": leaf,
            "INT_MIN": INT_MIN, "INT_MAX": INT_MAX, "list": list, "str": str, "bytes": bytes,
            "dict": dict, "type": type, "id": id, "isinstance": isinstance, "hasattr": hasattr,
            "NO_ARGUMENTS": NO_ARGUMENTS,
        }  # fmt: skip
        self.setup: list[str] = []
        self.infos: dict[int, str] = {}
        self.viewer = False

    def info(self, make_info: Any) -> str:
        """The name of the one info ``make_info(context)`` made per call (it holds only
        the context: fields and objects of one call can share it)."""
        name = self.infos.get(id(make_info))
        if name is None:
            name = self.infos[id(make_info)] = f"info{len(self.infos)}"
            self.namespace[f"make_{name}"] = make_info
            self.setup.append(f"{name} = make_{name}(context)")
        return name

    def need_viewer(self) -> None:
        # An anonymous viewer is refused by every rule (UNAUTHENTICATED): reported by the
        # field-by-field path. Otherwise ViewerRule's ``decide`` is its ``allows``.
        if not self.viewer:
            self.viewer = True
            self.setup[:0] = ["viewer = context.viewer", "if viewer is None: return None"]


def _compile(guards: tuple[Any, ...], entries: tuple[Entry, ...]) -> Complete:
    code = _Code()
    lines, result = _object(guards, entries, "source", "", code)
    body = "\n".join("        " + line for line in code.setup + lines)
    names = ", ".join(e[0] for e in entries)
    source = (
        "def complete(source, context):\n"
        f"    try:\n{body}\n"
        "    except Exception:\n"
        "        return None\n"
        f"    return {result}\n"
    )
    exec(compile(source, f"<flat {names}>", "exec"), code.namespace)
    complete: Complete = code.namespace["complete"]
    complete.__doc__ = source  # what was generated, for whoever debugs it
    return complete


def _object(
    guards: tuple[Any, ...],
    entries: tuple[Entry, ...],
    source: str,
    prefix: str,
    code: _Code,
    depth: int = 0,
) -> tuple[list[str], str]:
    """The statements completing one object from the variable ``source``, and the dict
    expression of its result. Objects and lists of objects below it are completed inline
    (down to ``INLINE_DEPTH``, then by their own functions), their names prefixed by their
    position (``0_1_``); any failure returns None from the whole function, as a failed
    sub-object did when it was a call of its own."""
    namespace = code.namespace
    lines = []
    if guards:
        code.need_viewer()
    for index, rule in enumerate(guards):
        plain = type(rule).decide is ViewerRule.decide
        namespace[f"rule{prefix}{index}"] = rule.allows if plain else rule.decide
        lines.append(
            f"if rule{prefix}{index}(viewer, {source}, None, NO_ARGUMENTS) is not True: return None"
        )
    results = []
    for index, entry in enumerate(entries):
        name, kind, direct, attribute, non_null, leaf_type, identity, is_type_of, sub, item_non_null = entry  # fmt: skip
        at = f"{prefix}{index}"
        r = f"r{at}"
        results.append(f"{name!r}: {r}")
        lines.append(f"v = {_read(at, direct, attribute, source, code)}")
        when_null = "return None" if non_null else f"{r} = None"
        if kind == LEAF:
            memo = leaf_memo(leaf_type)
            namespace[f"memo{at}"] = memo
            namespace[f"members{at}"], namespace[f"strings{at}"] = memo.members, memo.strings
            # A remembered answer first: its value is neither null nor awaitable.
            general = [
                f"{r} = strings{at}.get(v) if type(v) is str else members{at}.get(id(v))",
                f"if {r} is None:",
                f"    if v is None: {when_null}",
                "    elif type(v) not in value_types and pending(v):",
                "        discard(v)",
                "        return None",
                f"    else: {r} = leaf(memo{at}, v)",
            ]
            if identity is not None:
                namespace[f"identity{at}"] = identity
                lines.append(f"if type(v) is identity{at}:")
                if identity is int:
                    lines.append("    if not INT_MIN <= v <= INT_MAX: return None")
                lines += [f"    {r} = v", "else:"]
                general = ["    " + line for line in general]
            lines += general
            continue
        check = ""
        if is_type_of is not None:
            namespace[f"is_type_of{at}"] = is_type_of
            check = f"if is_type_of{at}(%s, None) is not True: return None"
        lines += [
            f"if v is None: {when_null}",
            "elif type(v) not in value_types and pending(v):",
            "    discard(v)",
            "    return None",
        ]
        inner = f"s{at}"  # the sub-object's source
        if depth < INLINE_DEPTH:
            sub_lines, sub_result = _object(
                sub.guards, sub.entries, inner, f"{at}_", code, depth + 1
            )
        else:
            namespace[f"sub{at}"] = sub.complete
            sub_lines = [f"d = sub{at}({inner}, context)", "if d is None: return None"]
            sub_result = "d"
        if kind == OBJECT:
            lines.append("else:")
            if check:
                lines.append("    " + check % "v")
            lines.append(f"    {inner} = v")
            lines += ["    " + line for line in sub_lines]
            lines.append(f"    {r} = {sub_result}")
            continue
        lines += [
            "elif type(v) is not list and (isinstance(v, (str, bytes, dict)) or not hasattr(v, '__iter__')):",
            "    return None",
            "else:",
            f"    {r} = []",
            f"    for {inner} in v:",
            f"        if {inner} is None:",
            "            return None" if item_non_null else f"            {r}.append(None)",
            "            continue",
        ]
        if check:
            lines.append("        " + check % inner)
        lines += ["        " + line for line in sub_lines]
        lines.append(f"        {r}.append({sub_result})")
    return lines, "{" + ", ".join(results) + "}"
