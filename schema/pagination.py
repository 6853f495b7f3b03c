"""Cursor pagination shared by every connection: opaque cursors over a stable sort key."""

from __future__ import annotations

import base64
import binascii

import strawberry

from models.errors import RuleError, UserErrorCode

MAX_PAGE_SIZE = 100


@strawberry.type(description="分页信息")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(f"c:{key}".encode()).decode()


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raw = ""
    if not raw.startswith("c:") or len(raw) < 3:
        raise RuleError(UserErrorCode.INVALID_INPUT, "分页游标 after 无效", ["after"])
    return raw[2:]


def check_page_size(first: int) -> int:
    if not 0 < first <= MAX_PAGE_SIZE:
        raise RuleError(
            UserErrorCode.INVALID_INPUT, f"first 须在 1 到 {MAX_PAGE_SIZE} 之间", ["first"]
        )
    return first
