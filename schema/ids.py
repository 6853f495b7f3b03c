"""Opaque global IDs: base64 of ``Type:pk``. ``node(id)`` resolves any of them."""

from __future__ import annotations

import base64
import binascii
import functools

from models.errors import RuleError, UserErrorCode

NODE_TYPES = frozenset(
    {
        "Organization",
        "Account",
        "Campaign",
        "ChecklistTemplate",
        "SelfCheck",
        "Notification",
        "SpotCheck",
    }
)


@functools.lru_cache(maxsize=65_536)  # a county's tree: hundreds of IDs, the same each time
def encode_id(type_name: str, pk: object) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def decode_id(global_id: str, field: list[str] | None = None) -> tuple[str, str]:
    """``(type name, pk)``; a malformed ID is INVALID_INPUT naming the field."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, pk = base64.urlsafe_b64decode(padded.encode()).decode().split(":", 1)
    except (binascii.Error, UnicodeError, ValueError):
        raise RuleError(UserErrorCode.INVALID_INPUT, "ID 格式不正确", field) from None
    if type_name not in NODE_TYPES or not pk:
        raise RuleError(UserErrorCode.INVALID_INPUT, "ID 格式不正确", field)
    return type_name, pk


def decode_int_id(global_id: str, expected_type: str, field: list[str] | None = None) -> int:
    """The integer pk of an ID that must name ``expected_type``."""
    type_name, pk = decode_id(global_id, field)
    if type_name != expected_type or not pk.isdigit() or len(pk) > 12:
        raise RuleError(
            UserErrorCode.INVALID_INPUT,
            f"ID 不是{TYPE_LABELS.get(expected_type, expected_type)}的 ID",
            field,
        )
    return int(pk)


TYPE_LABELS = {
    "Organization": "团组织",
    "Account": "账号",
    "Campaign": "整顿工作",
    "ChecklistTemplate": "自检表模板",
    "SelfCheck": "自检表",
    "Notification": "通知",
    "SpotCheck": "抽查",
}
