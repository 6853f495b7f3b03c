"""Schema extensions: limits on documents, bounded caches, masked unexpected errors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from zhengdun.config import Settings

log = logging.getLogger("zhengdun.errors")


def is_unexpected(error: GraphQLError) -> bool:
    """An exception the code did not raise on purpose (expected ones are GraphQLErrors)."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """Clients see "服务器内部错误" and a request id; the server log has the traceback."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="服务器内部错误")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = self.execution_context.context.request_id
        log.error(
            "unexpected error in request %s at %s",
            request_id,
            error.path,
            exc_info=error.original_error,
        )
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        return masked


def is_introspection_field(context: Any) -> bool:
    return context.field_name.startswith("__")


def schema_extensions(settings: Settings) -> list[Callable[[], SchemaExtension] | type]:
    """Factories, not instances: strawberry makes fresh extensions for every request.

    The depth and alias rules are built once here: the validation cache is keyed by the
    rule classes, and limiters made per request would build new classes every time, so
    that no validation would ever be found in the cache.
    """
    limits = [
        *QueryDepthLimiter(
            max_depth=settings.max_query_depth, should_ignore=is_introspection_field
        ).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    return [
        lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
        lambda: ParserCache(maxsize=settings.document_cache_size),
        lambda: AddValidationRules(limits),
        lambda: ValidationCache(maxsize=settings.document_cache_size),
        MaskUnexpectedErrors,
    ]
