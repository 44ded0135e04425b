"""Turn what the payment provider reports into order state: the one fulfilment path.

Both the webhook and the success page end here. Fulfilment is idempotent: the paid
transition is a conditional UPDATE, so an event delivered twice, or a webhook racing the
success page, records the order's donations once.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storefront.domain.errors import PaymentRejected
from storefront.models import Order, OrderLine, Product, Refund, WebhookEvent
from storefront.payments import PaymentProvider, SessionState
from storefront.payments.base import PaymentEvent
from storefront.services import funds, ledger, notify, refunds, sales, stock
from storefront.services.checkout import HOLDING, release

log = logging.getLogger(__name__)

PAYABLE = ("pending_payment", "awaiting_payment", "expired", "cancelled", "payment_failed")
SESSION_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}


def handle_event(db: Session, provider: PaymentProvider, event: PaymentEvent, now: datetime) -> str:
    """Apply a verified webhook event once; return what happened, for logs and tests.

    Raises ``PaymentRejected`` for an event that names an order it does not belong to; the
    caller rolls back, so the event is not recorded and changes nothing.
    """
    try:
        with db.begin_nested():
            db.add(WebhookEvent(event_id=event.id, type=event.type, received_at=now))
    except IntegrityError:
        return "duplicate"
    if event.type == "charge.refunded" and event.charge is not None:
        return refunds.reconcile_charge(db, event.charge, now)
    state = event.session
    if event.type not in SESSION_EVENTS or state is None:
        return "ignored"
    if state.order_id is None:
        return "ignored"  # a session some other integration on the account created
    order = db.get(Order, state.order_id)
    if order is None:
        raise PaymentRejected(f"event {event.id} names an unknown order")
    _check_matches(order, state)
    db.execute(
        update(WebhookEvent).where(WebhookEvent.event_id == event.id).values(order_id=order.id)
    )
    if event.type == "checkout.session.async_payment_failed":
        return (
            "failed" if release(db, order, HOLDING, "payment_failed", "payment failed") else "noop"
        )
    if event.type == "checkout.session.expired":
        return (
            "expired"
            if release(db, order, ("pending_payment",), "expired", "session expired")
            else "noop"
        )
    return apply_state(db, provider, order, state, now)


def confirm_from_success_page(
    db: Session, provider: PaymentProvider, order: Order, session_id: str, now: datetime
) -> str:
    """Ask the provider what became of the order's session and apply it (never trusting the URL)."""
    if not order.payment_session_id or session_id != order.payment_session_id:
        return "noop"
    state = provider.retrieve_session(order.payment_session_id)
    _check_matches(order, state)
    return apply_state(db, provider, order, state, now)


def matches(order: Order, state: SessionState) -> bool:
    """Whether a provider's session is the order's own, for the order's total and currency."""
    return (
        state.id == order.payment_session_id
        and state.amount_total == order.total
        and state.currency.upper() == order.currency.upper()
    )


def _check_matches(order: Order, state: SessionState) -> None:
    if not matches(order, state):
        raise PaymentRejected(f"session {state.id} does not match order {order.number}")


def apply_state(
    db: Session, provider: PaymentProvider, order: Order, state: SessionState, now: datetime
) -> str:
    if state.payment_status == "paid":
        return fulfil(db, provider, order, state, now)
    if state.status == "complete":  # an asynchronous method (bank transfer) is under way
        result = db.execute(
            update(Order)
            .where(Order.id == order.id, Order.status == "pending_payment")
            .values(status="awaiting_payment")
            .execution_options(synchronize_session=False)
        )
        db.expire(order, ["status"])
        return "awaiting" if result.rowcount else "noop"  # type: ignore[attr-defined]
    return "noop"


def fulfil(
    db: Session,
    provider: PaymentProvider,
    order: Order,
    state: SessionState,
    now: datetime,
) -> str:
    """Mark a paid order paid at ``now``, record its donations and tell the shopper; exactly
    once."""
    result = db.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_(PAYABLE))
        .values(status="paid", paid_at=now, payment_intent_id=state.payment_intent)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return "noop"
    db.expire(order)
    wanted = stock.wants_of(order.lines)
    if not order.stock_held:
        # The hold had lapsed (cancelled or expired) before the money arrived: take the
        # stock again if it is still there, otherwise give the money back.
        nested = db.begin_nested()
        if stock.take_all(db, wanted) is not None:
            nested.rollback()
            return _refund_out_of_stock(db, provider, order, now)
        nested.commit()
        order.stock_held = True
    db.execute(
        update(OrderLine)
        .where(OrderLine.order_id == order.id, OrderLine.status == "new")
        .values(status="paid")
        .execution_options(synchronize_session=False)
    )
    for want in wanted:
        db.execute(
            update(Product)
            .where(Product.id == want.product_id)
            .values(units_sold=Product.units_sold + want.quantity)
            .execution_options(synchronize_session=False)
        )
    funds.draw(db, order)
    ledger.record_order(db, order, now)
    sales.restate(db, order.id)
    notify.order_confirmation(db, order)
    return "paid"


def _refund_out_of_stock(
    db: Session, provider: PaymentProvider, order: Order, now: datetime
) -> str:
    if not order.payment_intent_id:
        raise PaymentRejected(f"paid order {order.number} has no payment to refund")
    refund = provider.refund(
        order.payment_intent_id, order.total, f"sangsaeng-refund-order-{order.id}-out-of-stock"
    )
    db.add(
        Refund(
            order_id=order.id,
            amount=refund.amount,
            currency=order.currency,
            reason="out_of_stock",
            provider_ref=refund.id,
            created_at=now,
        )
    )
    order.status = "refunded"
    order.status_note = "sold out before payment arrived"
    log.warning("order %s paid after its stock was gone; refunded %s", order.number, refund.id)
    notify.order_refunded_out_of_stock(db, order)
    return "refunded"
