"""Input objects made only of leaves, built without strawberry's generic conversion.

A submission sends 30 ``RatingInput`` items; strawberry converts each field of each item
through its generic ``convert_argument`` (type checks, the field's GraphQL name worked out
again, its type resolved again): about a tenth of W1's samples (docs/benchmarks.md). For a
leaf (a scalar or an enum, or a nullable one) that conversion returns the value as
graphql-core already coerced it, so an input object whose fields are all leaves is just
its class called with them. Such types get strawberry's documented ``from_input`` hook:
fields without a default start as None, as strawberry starts them, every field the value
holds is passed as it is, and the class is called. Anything else (lists, nested inputs,
``Maybe``, ``GlobalID``, lazy types, a type that already has the hook) keeps strawberry's
conversion. ``tests/test_executor.py`` compares both on every shape of ``RatingInput``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import strawberry
from graphql import GraphQLInputObjectType
from strawberry.relay.types import GlobalID
from strawberry.schema.compat import is_scalar
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import StrawberryMaybe, StrawberryObjectDefinition, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition

# (GraphQL name, Python name, starts as None: no default of its own)
InputField = tuple[str, str, bool]


def install(schema: strawberry.Schema) -> list[str]:
    """Gives every all-leaf input type of the schema its ``from_input``; returns their names."""
    installed = []
    for graphql_type in schema._schema.type_map.values():
        if not isinstance(graphql_type, GraphQLInputObjectType):
            continue
        definition = graphql_type.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        if not isinstance(definition, StrawberryObjectDefinition) or definition.from_input:
            continue
        fields = _leaf_fields(schema, definition)
        if fields is not None:
            definition.from_input = _builder(fields)
            installed.append(definition.name)
    return installed


def _leaf_fields(
    schema: strawberry.Schema, definition: StrawberryObjectDefinition
) -> list[InputField] | None:
    registry = schema.schema_converter.scalar_registry
    fields = []
    for field in definition.fields:
        field_type = field.resolve_type(type_definition=definition)
        if isinstance(field_type, StrawberryMaybe):
            return None
        if isinstance(field_type, StrawberryOptional):
            field_type = field_type.of_type
        is_leaf = isinstance(field_type, StrawberryEnumDefinition) or is_scalar(
            field_type, registry
        )
        if field_type is GlobalID or not is_leaf:
            return None
        no_default = (
            field.default_value is dataclasses.MISSING
            and field.default_factory is dataclasses.MISSING
        )
        fields.append(
            (schema.config.name_converter.from_field(field), field.python_name, no_default)
        )
    return fields


def _builder(fields: list[InputField]) -> Callable[[type, Mapping[str, Any], Any], Any]:
    starts_as_none = [python for _, python, no_default in fields if no_default]
    names = [(graphql, python) for graphql, python, _ in fields]

    def from_input(cls: type, value: Mapping[str, Any], context: Any) -> Any:
        kwargs: dict[str, Any] = dict.fromkeys(starts_as_none)
        for graphql, python in names:
            if graphql in value:
                kwargs[python] = value[graphql]
        return cls(**kwargs)

    return from_input
