"""Expected failures: a stable code and a Chinese message, reported as ``userErrors``."""

from __future__ import annotations

import enum
from collections.abc import Sequence


class UserErrorCode(enum.Enum):
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"
    STALE_SELF_CHECK = "STALE_SELF_CHECK"
    POOR_THRESHOLD_REQUIRES_RECTIFICATION = "POOR_THRESHOLD_REQUIRES_RECTIFICATION"
    QUOTA_NOT_MET = "QUOTA_NOT_MET"
    NOT_RANKABLE = "NOT_RANKABLE"
    CAMPAIGN_CLOSED = "CAMPAIGN_CLOSED"
    INCOMPLETE_RATINGS = "INCOMPLETE_RATINGS"
    REASON_REQUIRED = "REASON_REQUIRED"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    RATE_LIMITED = "RATE_LIMITED"


class RuleError(Exception):
    """A business rule refused the request; nothing may be written.

    ``field`` is the path to the input field at fault (e.g. ``["input", "name"]``).
    """

    def __init__(
        self, code: UserErrorCode, message: str, field: Sequence[str] | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = list(field) if field is not None else None
