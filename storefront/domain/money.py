"""Money as an integer count of a currency's minor unit.

KRW has no minor unit, so 15000 means ₩15,000; USD has two, so 1500 means $15.00.
Amounts are never floats. Every division in the shop goes through :func:`apply_rate_bp`,
which rounds *down* (towards zero) to the whole minor unit: a donation is never promised
beyond what the rule gives. Rates are whole basis points; :func:`percent_to_bp` reads a
percentage as typed and rounds it down the same way.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from babel.numbers import get_currency_precision

BP_DENOMINATOR = 10_000  # basis points: 10000 bp = 100%
BP_PER_PERCENT = 100
RATE_ROUNDING = ROUND_DOWN  # a typed rate never grows by rounding: 5.555% is 555 bp


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


def percent_to_bp(text: str) -> int:
    """Read a percentage as a venture or operator types it ("5", "5.5", "12.25") as basis
    points (500, 550, 1225), rounding any fraction of a basis point down (``RATE_ROUNDING``).

    Raises ``ValueError`` for text that is not a finite, non-negative decimal number.
    """
    try:
        percent = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"not a percentage: {text!r}") from None
    if not percent.is_finite() or percent < 0:
        raise ValueError(f"not a percentage: {text!r}")
    return int((percent * BP_PER_PERCENT).to_integral_value(rounding=RATE_ROUNDING))
