"""Price an order: goods, shipping per venture, and the donation each line records.

Rules, all in the currency's minor unit:

* a line's goods amount is ``unit price x quantity``;
* shipping is charged once per venture in the order (each venture ships its own parcel) and is
  free when that venture's goods reach the free-shipping threshold;
* a line's donation is ``goods amount x venture giving rate``, rounded down to the whole minor
  unit; shipping never counts towards a donation;
* a matching fund's match is ``donation x match rate``, rounded down the same way (which fund,
  and its cap per order, are chosen in :mod:`storefront.domain.matching`).

Rates are basis points (500 bp = 5%, 10000 bp = 1:1 match).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storefront.domain.errors import EmptyCart, QuantityOutOfRange
from storefront.domain.money import apply_rate_bp, format_rate_bp


@dataclass(frozen=True)
class DonationRule:
    """The giving rate of the venture and the matching fund's rate, saved on each line."""

    giving_rate_bp: int
    match_rate_bp: int

    def donation(self, goods_amount: int) -> int:
        return apply_rate_bp(goods_amount, self.giving_rate_bp)

    def match(self, donation: int) -> int:
        return apply_rate_bp(donation, self.match_rate_bp)

    def describe(self) -> str:
        """Say the rule in a form stored beside each ledger entry."""
        return (
            f"{format_rate_bp(self.giving_rate_bp)}% of goods, rounded down; "
            f"match {format_rate_bp(self.match_rate_bp)}% of that, rounded down"
        )


@dataclass(frozen=True)
class LineInput:
    product_id: int
    venture_id: int
    title: str
    unit_price: int
    quantity: int
    rule: DonationRule
    option_id: int | None = None
    option_name: str = ""


@dataclass(frozen=True)
class PricedLine:
    product_id: int
    venture_id: int
    title: str
    unit_price: int
    quantity: int
    goods_amount: int
    rule: DonationRule
    donation_amount: int
    match_amount: int
    option_id: int | None = None
    option_name: str = ""
    fund_id: int | None = None


@dataclass(frozen=True)
class ShippingPolicy:
    fee: int
    free_threshold: int

    def for_venture(self, goods_amount: int) -> int:
        return 0 if goods_amount >= self.free_threshold else self.fee


@dataclass(frozen=True)
class Quote:
    currency: str
    lines: tuple[PricedLine, ...]
    shipping_by_venture: dict[int, int]

    @property
    def goods_total(self) -> int:
        return sum(line.goods_amount for line in self.lines)

    @property
    def shipping_total(self) -> int:
        return sum(self.shipping_by_venture.values())

    @property
    def total(self) -> int:
        return self.goods_total + self.shipping_total

    @property
    def donation_total(self) -> int:
        return sum(line.donation_amount for line in self.lines)

    @property
    def match_total(self) -> int:
        return sum(line.match_amount for line in self.lines)


def check_quantity(quantity: int, maximum: int) -> int:
    """Return the quantity if it is a whole number from 1 to ``maximum``."""
    if not 1 <= quantity <= maximum:
        raise QuantityOutOfRange(quantity, maximum)
    return quantity


def price(
    lines: Sequence[LineInput], currency: str, shipping: ShippingPolicy, max_quantity: int
) -> Quote:
    """Price the lines of an order. Raises ``EmptyCart`` or ``QuantityOutOfRange``."""
    if not lines:
        raise EmptyCart()
    priced = []
    goods_by_venture: dict[int, int] = {}
    for line in lines:
        check_quantity(line.quantity, max_quantity)
        goods = line.unit_price * line.quantity
        donation = line.rule.donation(goods)
        priced.append(
            PricedLine(
                product_id=line.product_id,
                venture_id=line.venture_id,
                title=line.title,
                unit_price=line.unit_price,
                quantity=line.quantity,
                goods_amount=goods,
                rule=line.rule,
                donation_amount=donation,
                match_amount=line.rule.match(donation),
                option_id=line.option_id,
                option_name=line.option_name,
            )
        )
        goods_by_venture[line.venture_id] = goods_by_venture.get(line.venture_id, 0) + goods
    shipping_by_venture = {v: shipping.for_venture(g) for v, g in goods_by_venture.items()}
    return Quote(currency=currency, lines=tuple(priced), shipping_by_venture=shipping_by_venture)
