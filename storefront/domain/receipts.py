"""Donation receipts and statements: numbering, masking and the net of ledger amounts.

A receipt confirms what an order pledged through the shop, read from the ledger: the venture's
share (``donation``), the sponsor's match (``match``) and the shopper's own gift at checkout
(``gift``, which counts toward the receipt's total), each net of its reversals. No division
happens here: reversals carry the negated amount of the entry they correct, so the net is a sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from storefront.domain.errors import ReceiptRefused
from storefront.domain.periods import to_utc

RECEIPT_PREFIX = "DR"  # "donation receipt"
MAX_STATEMENT_YEARS = 5
DONATION_KINDS = ("donation", "donation_reversal")
MATCH_KINDS = ("match", "match_reversal")
GIFT_KINDS = ("gift", "gift_reversal")
REVERSAL_KINDS = ("donation_reversal", "match_reversal", "gift_reversal")


def receipt_number(order_number: str) -> str:
    """Name an order's receipt after the order: ``SS-260301-AB3XY`` -> ``DR-260301-AB3XY``."""
    return f"{RECEIPT_PREFIX}-{order_number.removeprefix('SS-')}"


def mask_email(email: str) -> str:
    """Show enough of an address for its owner to recognise it: ``buyer@example.com`` ->
    ``bu***@example.com``. One-letter or two-letter names keep only their first letter."""
    local, at, domain = email.strip().partition("@")
    if not at:
        return "***"
    keep = 2 if len(local) > 2 else 1
    return f"{local[:keep]}***@{domain}"


@dataclass(frozen=True)
class Net:
    """What an order (or a cause, or a statement) pledged, net of refunds."""

    donation: int = 0
    match: int = 0
    reversed_donation: int = 0  # negative or zero: the reversals already counted in donation
    reversed_match: int = 0
    gift: int = 0  # the shopper's own gift at checkout, net of its reversals
    reversed_gift: int = 0

    @property
    def total(self) -> int:
        return self.donation + self.match + self.gift

    @property
    def has_gift(self) -> bool:
        """A gift was pledged (whether or not a refund reversed it since)."""
        return self.gift - self.reversed_gift > 0

    @property
    def pledged(self) -> int:
        """What was pledged before any refund."""
        return self.total - self.reversed_donation - self.reversed_match - self.reversed_gift

    @property
    def fully_reversed(self) -> bool:
        """Something was pledged and every bit of it was reversed."""
        return self.pledged > 0 and self.total == 0

    def __add__(self, other: Net) -> Net:
        return Net(
            self.donation + other.donation,
            self.match + other.match,
            self.reversed_donation + other.reversed_donation,
            self.reversed_match + other.reversed_match,
            self.gift + other.gift,
            self.reversed_gift + other.reversed_gift,
        )


def net_of(entries: Iterable[tuple[str, int]]) -> Net:
    """Sum ``(kind, amount)`` ledger amounts into the net donation, match and gift.

    Reversals are negative, so adding them takes refunds off; they are also kept apart so a
    receipt can say how much was reversed.
    """
    total = Net()
    for kind, amount in entries:
        total = total + Net(
            donation=amount if kind in DONATION_KINDS else 0,
            match=amount if kind in MATCH_KINDS else 0,
            reversed_donation=amount if kind == "donation_reversal" else 0,
            reversed_match=amount if kind == "match_reversal" else 0,
            gift=amount if kind in GIFT_KINDS else 0,
            reversed_gift=amount if kind == "gift_reversal" else 0,
        )
    return total


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class StatementPeriod:
    """Seoul calendar days from ``start`` to ``end``, both included."""

    start: date
    end: date

    @classmethod
    def checked(cls, start: date, end: date) -> StatementPeriod:
        """Refuse an end before the start, or a span longer than MAX_STATEMENT_YEARS."""
        if start > end:
            raise ReceiptRefused("statement.range_order", field="end")
        if end >= _years_later(start, MAX_STATEMENT_YEARS):
            raise ReceiptRefused("statement.too_long", field="end")
        return cls(start, end)

    @classmethod
    def calendar_year(cls, today: date) -> StatementPeriod:
        return cls(date(today.year, 1, 1), date(today.year, 12, 31))

    @property
    def begins_at(self) -> datetime:
        """Midnight in Seoul at the start, in UTC."""
        return to_utc(self.start)

    @property
    def ends_before(self) -> datetime:
        """Midnight in Seoul after the last day, in UTC (the range is half-open)."""
        return to_utc(self.end + timedelta(days=1))
