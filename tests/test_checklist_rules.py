"""Checklist templates and the counting of a form's ratings (models/checklist.py)."""

from __future__ import annotations

import copy
import enum
import json
from pathlib import Path
from typing import Any

import pytest

from models.checklist import (
    ChecklistItem,
    count_ratings,
    load_template,
    poor_item_codes,
)
from models.errors import RuleError, UserErrorCode
from models.workflow import Rating

G, F, P = Rating.GOOD, Rating.FAIR, Rating.POOR
CODES = ["ORG-01", "ORG-02", "LEAD-01", "LEAD-02"]


def template_data() -> dict[str, Any]:
    """A small template in the shape of spec/checklist-2019.json."""
    return {
        "id": "2019",
        "name": "团支部自检表（2019年整理整顿）",
        "name_en": "Branch self-check form (2019 rectification)",
        "ratings": [{"value": "GOOD", "label": "好"}],
        "poor_threshold": 10,
        "items": [
            {"code": code, "category": "组织设置", "title": f"条目 {code}", "title_en": "x"}
            for code in CODES
        ],
    }


def test_load_template() -> None:
    template = load_template(template_data())
    assert (template.id, template.name, template.poor_threshold) == (
        "2019",
        "团支部自检表（2019年整理整顿）",
        10,
    )
    assert template.item_codes == tuple(CODES)
    assert template.items[0] == ChecklistItem("ORG-01", "组织设置", "条目 ORG-01")


# The default template the project ships (models/templates/), loaded by a migration.
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TEMPLATE = ROOT / "models" / "templates" / "checklist-2019.json"


def test_load_the_default_template() -> None:
    template = load_template(json.loads(DEFAULT_TEMPLATE.read_text(encoding="utf-8")))
    assert (template.id, len(template.items), template.poor_threshold) == ("2019", 30, 10)
    assert len(set(template.item_codes)) == 30


def _broken(change: str) -> dict[str, Any]:
    data = copy.deepcopy(template_data())
    if change == "duplicate code":
        data["items"][1]["code"] = "ORG-01"
    elif change == "no items":
        data["items"] = []
    elif change == "items not a list":
        data["items"] = {"ORG-01": {}}
    elif change == "blank title":
        data["items"][2]["title"] = "  "
    elif change == "missing category":
        del data["items"][0]["category"]
    elif change == "no id":
        del data["id"]
    elif change == "no name":
        data["name"] = ""
    elif change == "threshold zero":
        data["poor_threshold"] = 0
    elif change == "threshold bool":
        data["poor_threshold"] = True
    elif change == "threshold missing":
        del data["poor_threshold"]
    elif change == "item not an object":
        data["items"][0] = "ORG-01"
    return data


@pytest.mark.parametrize(
    "change",
    [
        "duplicate code",
        "no items",
        "items not a list",
        "blank title",
        "missing category",
        "no id",
        "no name",
        "threshold zero",
        "threshold bool",
        "threshold missing",
        "item not an object",
    ],
)
def test_malformed_templates_are_refused(change: str) -> None:
    with pytest.raises((ValueError, TypeError)):
        load_template(_broken(change))


def test_count_ratings_of_a_complete_form() -> None:
    ratings = [("ORG-01", P), ("LEAD-02", F), ("ORG-02", P), ("LEAD-01", G)]
    assert count_ratings(CODES, ratings) == (2, 1, 1)
    assert poor_item_codes(ratings) == frozenset({"ORG-01", "ORG-02"})


def test_ratings_may_be_plain_strings_or_another_enum_with_the_same_values() -> None:
    class GraphQLRating(enum.Enum):
        GOOD = "GOOD"
        FAIR = "FAIR"
        POOR = "POOR"

    ratings = [("ORG-01", "POOR"), ("ORG-02", GraphQLRating.FAIR), ("LEAD-01", G), ("LEAD-02", G)]
    assert count_ratings(CODES, ratings) == (1, 1, 2)  # type: ignore[arg-type]


def _refusal(ratings: list[tuple[str, Rating]]) -> RuleError:
    with pytest.raises(RuleError) as refused:
        count_ratings(CODES, ratings)
    assert refused.value.code is UserErrorCode.INCOMPLETE_RATINGS
    assert refused.value.field == ["input", "ratings"]
    return refused.value


def test_missing_items_are_named() -> None:
    error = _refusal([("ORG-01", G), ("LEAD-02", G)])
    assert "缺少" in error.message
    assert "ORG-02" in error.message and "LEAD-01" in error.message
    assert "ORG-01" not in error.message


def test_duplicated_items_are_named() -> None:
    error = _refusal([("ORG-01", G), ("ORG-02", G), ("LEAD-01", G), ("LEAD-02", G), ("ORG-02", P)])
    assert "重复" in error.message and "ORG-02" in error.message
    assert "缺少" not in error.message


def test_unknown_items_are_named() -> None:
    error = _refusal([(code, G) for code in CODES] + [("XYZ-99", P)])
    assert "XYZ-99" in error.message and "不在" in error.message


def test_every_problem_is_named_at_once() -> None:
    error = _refusal([("ORG-01", G), ("ORG-01", G), ("NOPE", P), ("NOPE", P)])
    for code in ("ORG-02", "LEAD-01", "LEAD-02", "ORG-01", "NOPE"):
        assert code in error.message
    # An unknown code rated twice is reported once, as unknown.
    assert error.message.count("NOPE") == 1


def test_an_empty_form_is_incomplete() -> None:
    error = _refusal([])
    assert all(code in error.message for code in CODES)


def test_an_invalid_rating_is_invalid_input() -> None:
    with pytest.raises(RuleError) as refused:
        count_ratings(CODES, [(code, "EXCELLENT") for code in CODES])  # type: ignore[misc]
    assert refused.value.code is UserErrorCode.INVALID_INPUT
    assert refused.value.field == ["input", "ratings"]
