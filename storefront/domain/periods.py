"""Time in Seoul, the shop's calendar: today's date, midnight of a day, and the periods of a
venture's numbers (days, weeks Monday first, months).

The database keeps aware UTC moments; every calendar question (what day is it, which month
does a sale belong to) is asked in Seoul, through this module only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")
GRAINS = ("day", "week", "month")
SPAN = {"day": 30, "week": 12, "month": 12}  # how many periods a chart shows


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC: the shop's one clock."""
    return datetime.now(UTC)


def local_date(moment: datetime) -> date:
    """Return the Seoul calendar date of an aware moment.

    Between 00:00 and 09:00 in Seoul the UTC date is still the day before: never use
    ``moment.date()`` on a UTC moment for a date a person sees or types.
    """
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no Seoul date; pass an aware one")
    return moment.astimezone(SEOUL).date()


def local_today(now: datetime | None = None) -> date:
    """Return today's date in Seoul, at ``now`` (aware) or at this moment if omitted."""
    return local_date(now or utcnow())


def period_start(day: date, grain: str) -> date:
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def shift(start: date, grain: str, steps: int) -> date:
    """The start of the period ``steps`` periods after (or before, if negative) ``start``."""
    if grain == "day":
        return start + timedelta(days=steps)
    if grain == "week":
        return start + timedelta(weeks=steps)
    months = start.year * 12 + start.month - 1 + steps
    return date(months // 12, months % 12 + 1, 1)


@dataclass(frozen=True)
class Window:
    """``count`` consecutive periods of one grain, the last one holding ``today``."""

    grain: str
    starts: tuple[date, ...]

    @classmethod
    def ending(cls, today: date, grain: str, count: int | None = None) -> Window:
        count = count or SPAN[grain]
        last = period_start(today, grain)
        return cls(grain, tuple(shift(last, grain, -n) for n in range(count - 1, -1, -1)))

    @property
    def begins_at(self) -> datetime:
        return to_utc(self.starts[0])

    @property
    def ends_at(self) -> datetime:
        return to_utc(shift(self.starts[-1], self.grain, 1))


def to_utc(day: date) -> datetime:
    """Midnight in Seoul on ``day``, as an aware UTC datetime."""
    return datetime.combine(day, time(), SEOUL).astimezone(UTC)


def change_bp(current: int, previous: int) -> int | None:
    """Change against the previous period in basis points, rounded toward zero; None if
    there was nothing before to compare with."""
    if previous == 0:
        return None
    magnitude = abs(current - previous) * 10_000 // previous
    return magnitude if current >= previous else -magnitude


def seoul_month(moment: datetime) -> str:
    """The Seoul calendar month of a moment, as ``YYYY-MM``."""
    return moment.astimezone(SEOUL).strftime("%Y-%m")
