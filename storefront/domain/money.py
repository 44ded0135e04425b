"""Money as an integer count of a currency's minor unit.

KRW has no minor unit, so 15000 means ₩15,000; USD has two, so 1500 means $15.00.
Amounts are never floats. Every division in the shop goes through :func:`apply_rate_bp`,
which rounds *down* (towards zero) to the whole minor unit: a donation is never promised
beyond what the rule gives.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import get_currency_precision

BP_DENOMINATOR = 10_000  # basis points: 10000 bp = 100%


def exponent(currency: str) -> int:
    """Return how many decimal places the currency's minor unit has (KRW: 0, USD: 2)."""
    return int(get_currency_precision(currency))


def to_decimal(amount: int, currency: str) -> Decimal:
    """Turn minor units into an exact Decimal in major units, for display only."""
    return Decimal(amount).scaleb(-exponent(currency))


def apply_rate_bp(amount: int, rate_bp: int) -> int:
    """Return ``amount * rate_bp / 10000`` rounded down to the whole minor unit.

    Both inputs must be non-negative whole numbers; integer floor division keeps it exact.
    """
    if amount < 0 or rate_bp < 0:
        raise ValueError("amount and rate must not be negative")
    return amount * rate_bp // BP_DENOMINATOR


def format_rate_bp(rate_bp: int) -> str:
    """Show a basis-point rate as a percentage without float noise: 500 -> '5', 1250 -> '12.5'."""
    text = format(Decimal(rate_bp) / 100, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
