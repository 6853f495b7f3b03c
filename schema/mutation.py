"""Runs a mutation in one transaction and turns a refused rule into ``userErrors``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from tortoise.transactions import in_transaction

from models.errors import RuleError
from schema.errors import UserError

P = TypeVar("P")

# PostgreSQL ends one of two transactions that wait for each other (deadlock_detected) or
# that cannot both be serialised (serialization_failure); the other one goes on. The one
# ended wrote nothing, and is run again from the start: a client is never refused for
# having arrived at the same moment as another.
RETRIED_SQLSTATES = frozenset({"40P01", "40001"})
ATTEMPTS = 3


def _retried(error: BaseException) -> bool:
    seen: BaseException | None = error
    while seen is not None:
        if getattr(seen, "sqlstate", None) in RETRIED_SQLSTATES:
            return True
        seen = seen.__cause__
    return False


async def run_mutation(
    payload: Callable[..., P], action: Callable[[], Awaitable[dict[str, Any]]]
) -> P:
    """``payload(**await action(), user_errors=[])``; on a RuleError nothing is written.

    A transaction PostgreSQL ended to break a deadlock is run again, at most
    ``ATTEMPTS`` times in all (``action`` reads what it decides on inside it).
    """
    attempt = 1
    while True:
        try:
            async with in_transaction():
                fields = await action()
        except RuleError as error:
            return payload(user_errors=[UserError.from_rule(error)])
        except Exception as error:
            if attempt < ATTEMPTS and _retried(error):
                attempt += 1
                continue
            raise
        return payload(**fields, user_errors=[])
