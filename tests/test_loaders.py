"""Per-request loaders answer from rows already read before asking the database."""

from __future__ import annotations

from resolvers.loaders import MISSING, KnownFirst, peek


async def test_known_rows_need_no_load_and_are_not_replaced() -> None:
    asked: list[list[int]] = []

    async def load(keys: list[int]) -> list[str]:
        asked.append(keys)
        return [f"loaded {k}" for k in keys]

    loader: KnownFirst[int, str] = KnownFirst(load)
    loader.put_many([(1, "page 1"), (2, "page 2")])
    loader.put_many([(1, "later page")])  # as prime: the first value stays
    assert peek(loader, 1) == "page 1"
    assert peek(loader, 3) is MISSING
    assert await loader.load_many([1, 3, 2]) == ["page 1", "loaded 3", "page 2"]
    assert asked == [[3]]
    loader.put_many([(3, "too late")])
    assert (peek(loader, 3), await loader.load(3)) == ("loaded 3", "loaded 3")
    assert asked == [[3]]
