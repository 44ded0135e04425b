"""Place an order from a cart, hold its stock, and send the shopper to pay."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storefront.domain.errors import (
    EmptyCart,
    GiftRefused,
    OrderNotPayable,
    OutOfStock,
    PricesChanged,
    ProductUnavailable,
    UnknownCause,
)
from storefront.domain.matching import FundTerms, MatchLine, plan
from storefront.domain.order_numbers import new_order_number
from storefront.domain.pricing import DonationRule, LineInput, Quote, ShippingPolicy, price
from storefront.models import Cause, Order, OrderLine, Product
from storefront.payments import CheckoutRequest, CheckoutSession, PaymentError, PaymentProvider
from storefront.payments.base import CheckoutLine
from storefront.services import funds as matching_funds
from storefront.services import stock
from storefront.services.cart import Cart, CartLine, load_lines

HOLDING = ("pending_payment", "awaiting_payment")


@dataclass(frozen=True)
class ShopRules:
    """The platform's settings that pricing and holds follow."""

    currency: str
    shipping: ShippingPolicy
    max_quantity: int
    hold: timedelta

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> ShopRules:
        return cls(
            currency=cfg["SHOP_CURRENCY"],
            shipping=ShippingPolicy(cfg["SHIPPING_FEE"], cfg["FREE_SHIPPING_THRESHOLD"]),
            max_quantity=cfg["MAX_LINE_QUANTITY"],
            hold=timedelta(minutes=cfg["ORDER_HOLD_MINUTES"]),
        )


@dataclass(frozen=True)
class ShopperDetails:
    email: str
    name: str
    phone: str
    postcode: str
    address: str
    address_detail: str
    cause_id: int | None  # None: each venture's own cause
    locale: str = "ko"
    user_id: int | None = None  # the signed-in shopper's account, set by the server


def _causes_for(db: Session, cause_id: int | None, default_ids: set[int]) -> None:
    wanted = {cause_id} if cause_id is not None else default_ids
    found = set(db.scalars(select(Cause.id).where(Cause.id.in_(wanted), Cause.active)))
    if found != wanted:
        raise UnknownCause(field="cause", cause_id=cause_id)


def _new_number(db: Session, now: datetime) -> str:
    for _ in range(10):
        number = new_order_number(now)
        if db.scalar(select(Order.id).where(Order.number == number)) is None:
            return number
    return new_order_number(now, length=8)


def quote_lines(
    lines: list[CartLine],
    rules: ShopRules,
    funds: Sequence[FundTerms] = (),
    moment: datetime | None = None,
) -> Quote:
    """Price cart lines at today's prices under the venture's giving rate, and choose each
    line's matching fund (see domain/matching.py) among ``funds`` open at ``moment``."""
    quote = price(
        [
            LineInput(
                product_id=line.product.id,
                venture_id=line.product.venture_id,
                title=line.product.title,
                unit_price=line.product.price,
                quantity=line.quantity,
                rule=DonationRule(line.product.venture.giving_rate_bp, 0),
                option_id=line.option_id,
                option_name=line.option.name if line.option else "",
            )
            for line in lines
        ],
        rules.currency,
        rules.shipping,
        rules.max_quantity,
    )
    if not funds or moment is None:
        return quote
    matches = plan(
        [
            MatchLine(pl.venture_id, line.product.category, pl.donation_amount)
            for pl, line in zip(quote.lines, lines, strict=True)
        ],
        funds,
        moment,
    )
    return replace(
        quote,
        lines=tuple(
            replace(
                pl,
                rule=DonationRule(pl.rule.giving_rate_bp, m.rate_bp),
                match_amount=m.wanted,
                fund_id=m.fund_id,
            )
            for pl, m in zip(quote.lines, matches, strict=True)
        ),
    )


def open_terms(db: Session, moment: datetime, currency: str) -> list[FundTerms]:
    """The terms of the funds a checkout at ``moment`` may draw on."""
    return [matching_funds.terms(f) for f in matching_funds.open_funds(db, moment, currency)]


def place_order(
    db: Session,
    cart: Cart,
    shopper: ShopperDetails,
    rules: ShopRules,
    provider_name: str,
    now: datetime,
    gift: int = 0,
) -> Order:
    """Create an order for the cart and take its stock, all in the caller's transaction.

    ``gift`` is the shopper's own gift to the order's cause (checked by ``domain.gifts``),
    added to the order's total so that it is charged with the goods in one payment.

    Raises ``EmptyCart``, ``ProductUnavailable``, ``PricesChanged``, ``UnknownCause`` or
    ``OutOfStock``. After ``OutOfStock`` the caller must roll back: some stock may be taken.
    """
    lines, gone = load_lines(db, cart)
    if gone:
        raise ProductUnavailable(gone[0][0])
    if not lines:
        raise EmptyCart()
    changes = [
        (line.product.id, line.product.title, line.price_seen, line.product.price)
        for line in lines
        if line.price_changed
    ]
    if changes:
        raise PricesChanged(changes)
    if gift < 0:
        raise GiftRefused("gift.too_small", field="gift_other", lowest=0)
    _causes_for(db, shopper.cause_id, {line.product.venture.default_cause_id for line in lines})
    quote = quote_lines(lines, rules, open_terms(db, now, rules.currency), now)
    short = stock.take_all(db, stock.wants_of(quote.lines))
    if short is not None:
        product = next(line.product for line in lines if line.product.id == short)
        available = db.scalar(select(Product.stock).where(Product.id == short)) or 0
        raise OutOfStock(short, product.title, available)

    causes = {line.product.id: line.product.venture.default_cause_id for line in lines}
    shipping = dict(quote.shipping_by_venture)  # carried by each venture's first line
    order = Order(
        number=_new_number(db, now),
        access_token=secrets.token_urlsafe(24),
        email=shopper.email,
        user_id=shopper.user_id,
        name=shopper.name,
        phone=shopper.phone,
        postcode=shopper.postcode,
        address=shopper.address,
        address_detail=shopper.address_detail,
        locale=shopper.locale,
        currency=quote.currency,
        goods_total=quote.goods_total,
        shipping_total=quote.shipping_total,
        total=quote.total + gift,
        gift_amount=gift,
        donation_total=quote.donation_total,
        match_total=quote.match_total,
        payment_provider=provider_name,
        created_at=now,
        expires_at=now + rules.hold,
        lines=[
            OrderLine(
                product_id=line.product_id,
                option_id=line.option_id,
                option_name=line.option_name,
                venture_id=line.venture_id,
                cause_id=shopper.cause_id or causes[line.product_id],
                title=line.title,
                unit_price=line.unit_price,
                quantity=line.quantity,
                goods_amount=line.goods_amount,
                giving_rate_bp=line.rule.giving_rate_bp,
                match_rate_bp=line.rule.match_rate_bp,
                donation_amount=line.donation_amount,
                match_amount=line.match_amount,
                match_wanted=line.match_amount,
                fund_id=line.fund_id,
                shipping_amount=shipping.pop(line.venture_id, 0),
            )
            for line in quote.lines
        ],
    )
    db.add(order)
    db.flush()
    return order


def start_payment(
    db: Session,
    order: Order,
    provider: PaymentProvider,
    success_url: str,
    cancel_url: str,
    shipping_label: str,
    gift_label: str = "",
) -> CheckoutSession:
    """Open the provider's checkout for a held order and remember its session id.

    The shopper's gift is one more line (``gift_label``, e.g. "Donation to <cause>") of the
    same payment, so the amount charged is the order's whole total."""
    if order.status != "pending_payment":
        raise OrderNotPayable(number=order.number)
    lines = [
        CheckoutLine(
            f"{line.title} ({line.option_name})" if line.option_name else line.title,
            line.unit_price,
            line.quantity,
        )
        for line in order.lines
    ]
    if order.shipping_total:
        lines.append(CheckoutLine(shipping_label, order.shipping_total, 1))
    if order.gift_amount:
        lines.append(CheckoutLine(gift_label or order.gift_cause.name, order.gift_amount, 1))
    session = provider.create_checkout(
        CheckoutRequest(
            order_id=order.id,
            order_number=order.number,
            currency=order.currency,
            amount_total=order.total,
            email=order.email,
            lines=tuple(lines),
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=order.expires_at,
            placed_at=order.created_at,
            locale=order.locale,
        )
    )
    order.payment_session_id = session.id
    order.payment_url = session.url
    return session


def release(
    db: Session, order: Order, from_statuses: tuple[str, ...], to_status: str, note: str
) -> bool:
    """Move a holding order to ``to_status`` and give its stock back, exactly once.

    The status check and the flag flip are one conditional UPDATE, so a webhook and a
    shopper's click racing for the same order cannot both give the stock back.
    """
    result = db.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_(from_statuses), Order.stock_held.is_(True))
        .values(status=to_status, stock_held=False, status_note=note)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    stock.give_back(db, stock.wants_of(order.lines))
    db.expire(order, ["status", "stock_held", "status_note"])
    return True


def cancel_unpaid(db: Session, order: Order, provider: PaymentProvider, note: str) -> bool:
    """The shopper left the payment page or the card was declined: free the stock.

    The provider's session is closed first, before any row is locked: if it cannot be closed
    because it was paid meanwhile, the order is left for the webhook (or the success page) to
    fulfil, and nothing is released. Returns whether the order was cancelled.
    """
    if order.status != "pending_payment":
        return False
    if order.payment_session_id:
        try:
            provider.expire_session(order.payment_session_id)
        except PaymentError:
            state = provider.retrieve_session(order.payment_session_id)
            if state.status != "expired":
                return False
    return release(db, order, ("pending_payment",), "cancelled", note)
