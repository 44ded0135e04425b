"""The rules behind the public impact report: quarters, first three months, averages, change.

Plain Python: no Flask, no session. Every division rounds down (toward minus infinity).
How each figure is defined is written out in docs/impact.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from storefront.domain.errors import ReportRefused
from storefront.domain.periods import shift

FIRST_MONTHS = 3  # how many whole calendar months after joining count as "the first months"
VULNERABLE_GROUPS = ("disability", "career_break_women", "elderly", "other")
MAX_PEOPLE = 100_000  # a shape bound for headcounts, far above any venture on the shop
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: 2025 Q3 runs from 1 July to 30 September."""

    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter | None:
        """Read '2025-Q3'; None for anything else."""
        found = _QUARTER.match(text.strip())
        if not found or not 2000 <= int(found.group(1)) <= 2100:
            return None
        return cls(int(found.group(1)), int(found.group(2)))

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.number * 3 - 2, 1)

    def shift(self, steps: int) -> Quarter:
        index = self.year * 4 + self.number - 1 + steps
        return Quarter(index // 4, index % 4 + 1)

    def __str__(self) -> str:
        return f"{self.year} Q{self.number}"


def chosen_quarter(key: str) -> Quarter:
    """The quarter a form names ('2025-Q3'); refused when it names none."""
    quarter = Quarter.parse(key)
    if quarter is None:
        raise ReportRefused("report.unknown_quarter", field="quarter")
    return quarter


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from ``first`` to ``last``, both included (empty if first is later)."""
    out = []
    quarter = first
    while quarter <= last:
        out.append(quarter)
        quarter = quarter.shift(1)
    return out


def first_months(joined: date) -> tuple[date, ...]:
    """The first day of each of a venture's first whole calendar months after joining.

    The month in which a venture was approved is a partial month, so it never counts: a
    venture approved on 15 March has April, May and June.
    """
    return tuple(shift(joined.replace(day=1), "month", n) for n in range(1, FIRST_MONTHS + 1))


def first_months_over(joined: date, today: date) -> bool:
    """Whether the last of the first months has ended by ``today`` (Seoul dates)."""
    return today >= shift(first_months(joined)[-1], "month", 1)


def monthly_average(total: int, months: int = FIRST_MONTHS) -> int:
    """Sales over ``months`` months as a monthly figure, rounded down to the won."""
    return total // months


def mean(values: list[int]) -> int | None:
    """The mean, rounded down; None for no values."""
    return sum(values) // len(values) if values else None


def change_bp(after: int, before: int) -> int | None:
    """(after - before) / before in basis points, rounded down; None when before is 0."""
    if before <= 0:
        return None
    return (after - before) * 10_000 // before


@dataclass(frozen=True)
class JobsReport:
    """What a venture reports for a quarter: people employed, and those from vulnerable groups."""

    quarter: Quarter
    total_employees: int
    by_group: dict[str, int]

    @property
    def vulnerable(self) -> int:
        return sum(self.by_group.values())


def check_report(report: JobsReport, current: Quarter, first: Quarter | None) -> None:
    """Refuse a report for a future quarter, for one before the venture joined, or with
    headcounts that are negative, absurd, or more vulnerable-group people than employees.

    ``first`` is the quarter the venture joined in; None if it has not been approved.
    """
    if first is None:
        raise ReportRefused("report.not_approved", field="quarter")
    if report.quarter > current:
        raise ReportRefused("report.future", field="quarter")
    if report.quarter < first:
        raise ReportRefused("report.before_joining", field="quarter")
    if set(report.by_group) - set(VULNERABLE_GROUPS):
        raise ReportRefused("report.unknown_group", field="quarter")
    for group in VULNERABLE_GROUPS:
        if not 0 <= report.by_group.get(group, 0) <= MAX_PEOPLE:
            raise ReportRefused("report.headcount", field=group)
    if not 0 <= report.total_employees <= MAX_PEOPLE:
        raise ReportRefused("report.headcount", field="total_employees")
    if report.vulnerable > report.total_employees:
        raise ReportRefused("report.fewer_than_vulnerable", field="total_employees")


def check_sales_before(amount: int) -> None:
    """A monthly sales figure before joining: a whole number of won, 0 or more."""
    if not 0 <= amount <= 10**13:
        raise ReportRefused("report.sales", field="monthly_sales")
