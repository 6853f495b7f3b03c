"""Input objects made of leaves (and lists of such objects), built without strawberry's
generic conversion.

A submission sends 30 ``RatingInput`` items; strawberry converts each field of each item
through its generic ``convert_argument`` (type checks, the field's GraphQL name worked out
again, its type resolved again): about a tenth of W1's samples (docs/benchmarks.md). For a
leaf (a scalar or an enum, or a nullable one) that conversion returns the value as
graphql-core already coerced it, so an input object whose fields are all leaves is just
its class called with them. Such types get strawberry's documented ``from_input`` hook:
fields without a default start as None, as strawberry starts them, every field the value
holds is passed as it is, and the class is called. A field that is a list of such a type
(``ratings: list[RatingInput]``, null or not) is a new list of its items built by that
type's hook, as strawberry's list conversion builds it. Anything else (lists of leaves
or of nullable items, nested inputs, ``Maybe``, ``GlobalID``, lazy types, a type that
already has the hook) keeps strawberry's conversion. ``tests/test_executor.py`` compares
both on every shape of ``RatingInput`` and of ``SubmitSelfCheckInput``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, cast

import strawberry
from graphql import GraphQLInputObjectType
from strawberry.relay.types import GlobalID
from strawberry.schema.compat import is_scalar
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import (
    StrawberryList,
    StrawberryMaybe,
    StrawberryObjectDefinition,
    StrawberryOptional,
    get_object_definition,
)
from strawberry.types.enum import StrawberryEnumDefinition

FromInput = Callable[[type, Mapping[str, Any], Any], Any]
# (GraphQL name, Python name, starts as None: no default of its own, for a list of input
# objects: their class and hook)
InputField = tuple[str, str, bool, tuple[type, FromInput] | None]


def install(schema: strawberry.Schema) -> list[str]:
    """Gives every input type of the schema that qualifies its ``from_input``.

    Repeated until nothing more qualifies, since a type qualifies through the types of
    its lists. Returns their names.
    """
    installed: dict[str, FromInput] = {}
    while True:
        added = False
        for graphql_type in schema._schema.type_map.values():
            if not isinstance(graphql_type, GraphQLInputObjectType):
                continue
            definition = graphql_type.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
            if not isinstance(definition, StrawberryObjectDefinition) or definition.from_input:
                continue
            fields = _fields(schema, definition, installed)
            if fields is not None:
                definition.from_input = installed[definition.name] = _builder(fields)
                added = True
        if not added:
            return list(installed)


def _fields(
    schema: strawberry.Schema,
    definition: StrawberryObjectDefinition,
    installed: Mapping[str, FromInput],
) -> list[InputField] | None:
    registry = schema.schema_converter.scalar_registry
    fields = []
    for field in definition.fields:
        field_type = field.resolve_type(type_definition=definition)
        if isinstance(field_type, StrawberryMaybe):
            return None
        if isinstance(field_type, StrawberryOptional):
            field_type = field_type.of_type
        items = None
        if isinstance(field_type, StrawberryList):
            item = get_object_definition(field_type.of_type)
            if item is None or item.name not in installed or item.from_input is None:
                return None
            items = (cast(type, field_type.of_type), item.from_input)
        elif field_type is GlobalID or not (
            isinstance(field_type, StrawberryEnumDefinition) or is_scalar(field_type, registry)
        ):
            return None
        no_default = (
            field.default_value is dataclasses.MISSING
            and field.default_factory is dataclasses.MISSING
        )
        name = schema.config.name_converter.from_field(field)
        fields.append((name, field.python_name, no_default, items))
    return fields


def _builder(fields: list[InputField]) -> FromInput:
    starts_as_none = [python for _, python, no_default, _ in fields if no_default]
    leaves = [(graphql, python) for graphql, python, _, items in fields if items is None]
    lists = [(graphql, python, *items) for graphql, python, _, items in fields if items]

    def from_input(cls: type, value: Mapping[str, Any], context: Any) -> Any:
        kwargs: dict[str, Any] = dict.fromkeys(starts_as_none)
        for graphql, python in leaves:
            if graphql in value:
                kwargs[python] = value[graphql]
        for graphql, python, item_class, build in lists:
            if graphql in value:
                given = value[graphql]
                kwargs[python] = (
                    None if given is None else [build(item_class, x, context) for x in given]
                )
        return cls(**kwargs)

    return from_input
