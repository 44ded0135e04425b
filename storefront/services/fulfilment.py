"""A venture's side of an order: its lines only, prepared, shipped, delivered or cancelled.

Cancelling a line before it ships refunds it through the payment provider, reverses its
donation in the ledger with new entries, and puts its units back in stock.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from storefront.domain.errors import FulfilmentRefused
from storefront.models import Order, OrderLine, Product, Refund
from storefront.payments import PaymentProvider
from storefront.services import ledger, notify, refunds, sales, stock
from storefront.services.pagination import Page, PageRequest, paginate

CARRIERS = ("cj", "epost", "hanjin", "lotte", "logen", "kdexp", "other")
SELLER_ORDER_STATUSES = ("paid", "refunded")  # orders a venture acts on or looks back at
TRACKING = re.compile(r"^[0-9A-Za-z-]{6,30}$")
# which line states each action moves from, and where to
STEPS = {
    "prepare": ({"paid"}, "preparing"),
    "deliver": ({"shipped"}, "delivered"),
}


def venture_orders(
    db: Session, venture_id: int, start: PageRequest, per_page: int = 30
) -> Page[Any]:
    """Paid orders holding this venture's lines, newest first (lines via ``lines_by_order``)."""
    has_line = exists().where(
        OrderLine.order_id == Order.id,
        OrderLine.venture_id == venture_id,
        OrderLine.status != "new",  # a payment refunded on arrival sold nothing
    )
    stmt = select(Order).where(has_line, Order.status.in_(SELLER_ORDER_STATUSES))
    return paginate(db, stmt, (Order.paid_at.desc(), Order.id.desc()), start, per_page)


def lines_by_order(
    db: Session, venture_id: int, order_ids: list[int]
) -> dict[int, list[OrderLine]]:
    """This venture's lines of these orders, and no other venture's (one query)."""
    grouped: dict[int, list[OrderLine]] = defaultdict(list)
    if order_ids:
        rows = db.scalars(
            select(OrderLine)
            .where(OrderLine.venture_id == venture_id, OrderLine.order_id.in_(order_ids))
            .order_by(OrderLine.id)
        )
        for line in rows:
            grouped[line.order_id].append(line)
    return grouped


def venture_order(
    db: Session, venture_id: int, order_id: int
) -> tuple[Order, list[OrderLine]] | None:
    order = db.get(Order, order_id)
    if order is None or order.status not in SELLER_ORDER_STATUSES:
        return None
    lines = lines_by_order(db, venture_id, [order_id]).get(order_id, [])
    return (order, lines) if lines else None


def line_of(db: Session, venture_id: int, order_id: int, line_id: int) -> OrderLine | None:
    """The venture's own line of a paid order, or None."""
    return db.scalar(
        select(OrderLine)
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            OrderLine.id == line_id,
            OrderLine.order_id == order_id,
            OrderLine.venture_id == venture_id,
            Order.status.in_(SELLER_ORDER_STATUSES),
        )
    )


def _move(db: Session, line: OrderLine, sources: set[str], target: str, **values: Any) -> None:
    """Change a line's status only from the expected ones (a conditional UPDATE)."""
    result = db.execute(
        update(OrderLine)
        .where(OrderLine.id == line.id, OrderLine.status.in_(sources))
        .values(status=target, **values)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise FulfilmentRefused("fulfilment.wrong_status")
    db.expire(line)


def step(db: Session, line: OrderLine, action: str, now: datetime) -> None:
    if action not in STEPS:
        raise FulfilmentRefused("fulfilment.unknown_action")
    sources, target = STEPS[action]
    extra = {"delivered_at": now} if target == "delivered" else {}
    _move(db, line, sources, target, **extra)


def ship(db: Session, line: OrderLine, carrier: str, tracking: str, now: datetime) -> None:
    """Record the parcel and tell the shopper."""
    if carrier not in CARRIERS:
        raise FulfilmentRefused("fulfilment.carrier", field="carrier")
    tracking = tracking.strip()
    if not TRACKING.match(tracking):
        raise FulfilmentRefused("fulfilment.tracking", field="tracking_number")
    _move(
        db, line, {"paid", "preparing"}, "shipped",
        carrier=carrier, tracking_number=tracking, shipped_at=now,
    )  # fmt: skip
    notify.line_shipped(db, line.order, line)


def cancel_line(db: Session, provider: PaymentProvider, line: OrderLine, now: datetime) -> Refund:
    """Cancel a line that has not shipped: refund it, reverse its donation, restock it.

    The refund covers the line's goods and, when it is the venture's last line still active
    in the order, the venture's shipping fee too. When it is the last line still active in
    the whole order, the same refund also gives back the shopper's gift, recorded as a
    refund of its own (no line, so no venture's statement counts it), and the gift's pledge
    is reversed: a shopper whose whole order was cancelled gets all of their money back.
    Returns the line's refund.
    """
    order = line.order
    if not order.payment_intent_id:
        raise FulfilmentRefused("fulfilment.no_payment")
    # One cancellation per order at a time, so that the last line of a venture is seen as
    # the last (and its shipping refunded) even when two are cancelled at once.
    db.execute(select(Order.id).where(Order.id == order.id).with_for_update())
    _move(db, line, {"paid", "preparing"}, "cancelled", cancelled_at=now)
    sales.restate(db, order.id)
    others_active = db.scalar(
        select(func.count())
        .select_from(OrderLine)
        .where(
            OrderLine.order_id == order.id,
            OrderLine.venture_id == line.venture_id,
            OrderLine.status != "cancelled",
        )
    )
    shipping = 0
    if not others_active:
        shipping = (
            db.scalar(
                select(func.coalesce(func.sum(OrderLine.shipping_amount), 0)).where(
                    OrderLine.order_id == order.id, OrderLine.venture_id == line.venture_id
                )
            )
            or 0
        )
    still_active = db.scalar(
        select(func.count())
        .select_from(OrderLine)
        .where(OrderLine.order_id == order.id, OrderLine.status != "cancelled")
    )
    gift = 0 if still_active else order.gift_amount
    # An earlier partial refund may have given some of it back already.
    amount = min(line.goods_amount + shipping + gift, refunds.refundable(db, order))
    if amount <= 0:
        raise FulfilmentRefused("fulfilment.nothing_to_refund")
    key = f"sangsaeng-refund-line-{line.id}"
    result = refunds.pay_back(provider, order.payment_intent_id, amount, key)
    # The line's part names the line (the venture's statement counts it); the gift's part,
    # if any, names none. One payment refund, two rows with the provider's reference.
    line_part = min(line.goods_amount + shipping, result.amount)
    refund = _refund(order, result.id, line_part, now, line_id=line.id)
    gift_refund = None
    if result.amount > line_part:
        gift_refund = _refund(order, result.id, result.amount - line_part, now, note=GIFT_NOTE)
    db.add_all([refund, *([gift_refund] if gift_refund else [])])
    db.flush()
    ledger.reverse_line(db, line, refund, now)
    if not still_active:  # nothing of the order is left, so nothing of its gift either
        ledger.reverse_gift(db, order, gift_refund or refund, now)
    stock.give_back(db, stock.wants_of([line]))
    db.execute(
        update(Product)
        .where(Product.id == line.product_id)
        .values(units_sold=Product.units_sold - line.quantity)
        .execution_options(synchronize_session=False)
    )
    if not still_active:
        order.status = "refunded"
        order.status_note = "every line cancelled"
    gift_back = gift_refund.amount if gift_refund else 0
    notify.line_cancelled(db, order, line, result.amount, gift_back)
    return refund


GIFT_NOTE = "the shopper's gift: every line of the order cancelled"


def _refund(
    order: Order,
    provider_ref: str,
    amount: int,
    now: datetime,
    line_id: int | None = None,
    note: str = "",
) -> Refund:
    return Refund(
        order_id=order.id,
        order_line_id=line_id,
        amount=amount,
        currency=order.currency,
        reason="line_cancelled",
        provider_ref=provider_ref,
        note=note,
        created_at=now,
    )
