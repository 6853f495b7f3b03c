"""Runs a mutation in one transaction and turns a refused rule into ``userErrors``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from tortoise.transactions import in_transaction

from models.errors import RuleError
from schema.errors import UserError

P = TypeVar("P")


async def run_mutation(
    payload: Callable[..., P], action: Callable[[], Awaitable[dict[str, Any]]]
) -> P:
    """``payload(**await action(), user_errors=[])``; on a RuleError nothing is written."""
    try:
        async with in_transaction():
            fields = await action()
    except RuleError as error:
        return payload(user_errors=[UserError.from_rule(error)])
    return payload(**fields, user_errors=[])
