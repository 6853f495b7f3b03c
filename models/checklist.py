"""The self-check form (团支部自检表): checklist templates and the counting of ratings.

Pure rules, no I/O. Templates are data (``spec/checklist-2019.json`` is the default); a
campaign names the template it uses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from models.errors import RuleError, UserErrorCode
from models.workflow import Rating

RATINGS_FIELD = ["input", "ratings"]


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    category: str
    title: str


@dataclass(frozen=True)
class ChecklistTemplate:
    id: str
    name: str
    items: tuple[ChecklistItem, ...]
    poor_threshold: int

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {key!r} must be a non-empty string")
    return value.strip()


def load_template(data: Mapping[str, Any]) -> ChecklistTemplate:
    """Parse a template shaped like ``checklist-2019.json``; ValueError if malformed.

    Checks: id and name present, at least one item, every item with a code, category and
    title, codes unique, ``poor_threshold`` a positive integer. English fields and the
    ``ratings`` legend are ignored (the scale is :class:`Rating`).
    """
    template_id = str(data.get("id", "")).strip()
    if not template_id:
        raise ValueError("template: 'id' is required")
    name = _text(data, "name", f"template {template_id}")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise ValueError(f"template {template_id}: 'items' must be a non-empty list")
    items = []
    for index, raw in enumerate(raw_items):
        if not isinstance(raw, Mapping):
            raise TypeError(f"template {template_id}: item {index} is not an object")
        where = f"template {template_id} item {index}"
        items.append(
            ChecklistItem(
                code=_text(raw, "code", where),
                category=_text(raw, "category", where),
                title=_text(raw, "title", where),
            )
        )
    duplicates = _duplicates([item.code for item in items])
    if duplicates:
        raise ValueError(f"template {template_id}: duplicate codes {duplicates}")
    threshold = data.get("poor_threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"template {template_id}: 'poor_threshold' must be a positive int")
    return ChecklistTemplate(template_id, name, tuple(items), threshold)


def _duplicates(codes: Sequence[str]) -> list[str]:
    """Codes appearing more than once, in order of first appearance."""
    counts = Counter(codes)
    return [code for code in dict.fromkeys(codes) if counts[code] > 1]


def _rating(value: object) -> Rating:
    """Accept a Rating, its name, or another enum with the same values (the GraphQL one)."""
    try:
        return Rating(getattr(value, "value", value))
    except ValueError:
        raise RuleError(
            UserErrorCode.INVALID_INPUT, f"无效的评价等级：{value}。", RATINGS_FIELD
        ) from None


def check_ratings(item_codes: Sequence[str], rated_codes: Sequence[str]) -> None:
    """INCOMPLETE_RATINGS unless every template item is rated exactly once, nothing else.

    The message names the missing, duplicated and unknown item codes.
    """
    known = set(item_codes)
    rated = set(rated_codes)
    missing = [code for code in item_codes if code not in rated]
    duplicated = [code for code in _duplicates(rated_codes) if code in known]
    unknown = [code for code in dict.fromkeys(rated_codes) if code not in known]
    problems = []
    if missing:
        problems.append(f"缺少以下条目的评价：{'、'.join(missing)}")
    if duplicated:
        problems.append(f"以下条目重复评价：{'、'.join(duplicated)}")
    if unknown:
        problems.append(f"以下条目不在本次自检表中：{'、'.join(unknown)}")
    if problems:
        message = "自检表须对每一项评价且仅评价一次。" + "；".join(problems) + "。"
        raise RuleError(UserErrorCode.INCOMPLETE_RATINGS, message, RATINGS_FIELD)


def count_ratings(
    item_codes: Sequence[str], ratings: Sequence[tuple[str, Rating]]
) -> tuple[int, int, int]:
    """(poor, fair, good) of a complete form; INCOMPLETE_RATINGS otherwise (see above)."""
    check_ratings(item_codes, [code for code, _ in ratings])
    counts = Counter(_rating(rating) for _, rating in ratings)
    return counts[Rating.POOR], counts[Rating.FAIR], counts[Rating.GOOD]


def poor_item_codes(ratings: Sequence[tuple[str, Rating]]) -> frozenset[str]:
    """The codes rated POOR, as ``monthly_rectified`` takes them."""
    return frozenset(code for code, rating in ratings if _rating(rating) == Rating.POOR)
