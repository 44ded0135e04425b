"""A shopper's own gift to the order's cause, chosen at checkout.

The gift is a whole number of the currency's minor unit (KRW: whole won) between the shop's
``GIFT_MIN`` and ``GIFT_MAX``, or nothing. It is charged with the order (one payment) and
recorded in the ledger as its own kind, ``gift``, for the cause of the order's first line.
Matching funds never match a gift: they match only ``donation`` entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from storefront.domain.errors import GiftRefused

OTHER = "other"  # the choice that reads the amount the shopper typed


@dataclass(frozen=True)
class GiftLimits:
    lowest: int
    highest: int
    presets: tuple[int, ...]


def gift_amount(choice: str, typed: str, limits: GiftLimits) -> int:
    """The gift a checkout asks for: 0 for none, a preset, or the amount typed for ``other``.

    Raises ``GiftRefused`` (on the field ``gift_other``) for an amount that is not a whole
    number, or is below ``lowest`` or above ``highest``. Presets are held to the limits too.
    """
    choice = (choice or "").strip()
    if choice in ("", "0"):
        return 0
    raw = typed if choice == OTHER else choice
    text = (raw or "").strip().replace(",", "")
    digits = text.removeprefix("-")
    if not digits.isascii() or not digits.isdigit():
        raise GiftRefused("gift.not_a_number", field="gift_other")
    if text.startswith("-"):
        raise GiftRefused("gift.too_small", field="gift_other", lowest=limits.lowest)
    if len(digits.lstrip("0")) > len(str(limits.highest)):  # too long to be within the limit
        raise GiftRefused("gift.too_large", field="gift_other", highest=limits.highest)
    amount = int(digits)
    if amount < limits.lowest:
        raise GiftRefused("gift.too_small", field="gift_other", lowest=limits.lowest)
    if amount > limits.highest:
        raise GiftRefused("gift.too_large", field="gift_other", highest=limits.highest)
    return amount
