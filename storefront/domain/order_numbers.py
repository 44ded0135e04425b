"""Human-friendly order numbers: ``SS-YYMMDD-XXXXX`` (Seoul date, Crockford base32).

The random part leaves out I, L, O and U so a number read out over the phone is not misheard.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from storefront.domain.periods import local_date

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_order_number(now: datetime, length: int = 5) -> str:
    """Return a new order number for an order placed at ``now`` (aware)."""
    day = local_date(now).strftime("%y%m%d")
    tail = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return f"SS-{day}-{tail}"


def normalise(number: str) -> str:
    """Accept what a person types: spaces, lower case, O for 0 and I/L for 1."""
    cleaned = number.strip().upper().replace(" ", "")
    if cleaned.startswith("SS"):
        head, tail = cleaned[:2], cleaned[2:]
    else:
        head, tail = "", cleaned
    return head + tail.translate(str.maketrans("OIL", "011"))
