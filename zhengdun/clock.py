"""The one clock of the service. Tests replace it to move through a campaign."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


class Clock:
    """Wall-clock time in UTC; campaign dates are read in China Standard Time."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        """Today's date in Beijing, the calendar campaign dates are written in."""
        return self.now().astimezone(CHINA).date()


class FixedClock(Clock):
    """A clock that stands still until moved (tests, demo data)."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at

    def advance(self, delta: timedelta) -> None:
        self.at += delta


def china_datetime(year: int, month: int, day: int, hour: int = 12) -> datetime:
    """A moment given in Beijing time, as UTC (for tests and seeds)."""
    return datetime(year, month, day, hour, tzinfo=CHINA).astimezone(UTC)
