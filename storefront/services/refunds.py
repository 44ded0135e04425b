"""Refund an order in full or in part, and reconcile refunds made outside the shop.

Every refund goes through the payment provider with an idempotency key, adds reversing
ledger entries in proportion (``ledger.reverse_share``) and gives the match back to its fund.
The order's row is locked first, so an operator's refund and the provider's
``charge.refunded`` webhook about it never count the same money twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storefront.domain.errors import RefundRefused
from storefront.models import Order, Refund
from storefront.payments import PaymentError, PaymentProvider
from storefront.payments.base import ChargeState, RefundResult
from storefront.services import ledger, notify

REFUNDABLE = ("paid", "refunded")


def refunded_so_far(db: Session, order_id: int) -> int:
    return int(
        db.scalar(
            select(func.coalesce(func.sum(Refund.amount), 0)).where(Refund.order_id == order_id)
        )
        or 0
    )


def refundable(db: Session, order: Order) -> int:
    """What is left of the order's payment to give back."""
    if order.status not in REFUNDABLE or not order.payment_intent_id:
        return 0
    return max(order.total - refunded_so_far(db, order.id), 0)


def of_order(db: Session, order_id: int) -> list[Refund]:
    return list(db.scalars(select(Refund).where(Refund.order_id == order_id).order_by(Refund.id)))


def recent_paid(db: Session, limit: int = 30) -> list[Order]:
    """The newest paid or refunded orders, for the operator's order list."""
    return list(
        db.scalars(
            select(Order)
            .where(Order.status.in_(REFUNDABLE))
            .order_by(Order.paid_at.desc(), Order.id.desc())
            .limit(limit)
        )
    )


def _lock(db: Session, order: Order) -> None:
    db.execute(select(Order.id).where(Order.id == order.id).with_for_update())
    db.refresh(order)


def pay_back(provider: PaymentProvider, payment: str, amount: int, key: str) -> RefundResult:
    """Ask the provider to give ``amount`` of ``payment`` back, once for ``key``; raises
    ``PaymentError`` when it answers that it failed or was cancelled."""
    result = provider.refund(payment, amount, key)
    if result.status in ("failed", "canceled"):
        raise PaymentError(f"refund {result.id} {result.status}")
    return result


def refund_order(
    db: Session,
    provider: PaymentProvider,
    order: Order,
    amount: int,
    key: str,
    note: str,
    now: datetime,
) -> Refund:
    """Give ``amount`` back to the shopper through the provider; ``key`` makes it happen once.

    A second call with the same key returns the first refund. Raises ``RefundRefused``
    (``refund.not_paid``, ``refund.amount``, ``refund.too_much``, with what is ``left``) or
    ``PaymentError`` from the provider.
    """
    _lock(db, order)
    done = db.scalar(select(Refund).where(Refund.idempotency_key == key))
    if done is not None:
        return done
    if order.status not in REFUNDABLE or not order.payment_intent_id:
        raise RefundRefused("refund.not_paid")
    left = refundable(db, order)
    if amount <= 0:
        raise RefundRefused("refund.amount", field="amount", left=left)
    if amount > left:
        raise RefundRefused("refund.too_much", field="amount", left=left)
    result = pay_back(provider, order.payment_intent_id, amount, key)
    refund = Refund(
        order_id=order.id,
        amount=result.amount,
        currency=order.currency,
        reason="operator",
        provider_ref=result.id,
        idempotency_key=key,
        note=note[:200],
        created_at=now,
    )
    _record(db, order, refund, left, now)
    notify.order_refund(db, order, refund.amount, left - refund.amount)
    return refund


def reconcile_charge(db: Session, charge: ChargeState, now: datetime) -> str:
    """Record what a ``charge.refunded`` event says was refunded beyond what the shop knows.

    Stripe reports the charge's refunded total, so the difference from the shop's own refunds
    is the money given back outside the shop (from the Dashboard, say). Returns what happened.
    """
    if not charge.payment_intent:
        return "ignored"
    order = db.scalar(select(Order).where(Order.payment_intent_id == charge.payment_intent))
    if order is None:
        return "ignored"  # a payment some other integration on the account took
    _lock(db, order)
    left = refundable(db, order)
    extra = min(charge.amount_refunded - refunded_so_far(db, order.id), left)
    if extra <= 0:
        return "noop"
    refund = Refund(
        order_id=order.id,
        amount=extra,
        currency=order.currency,
        reason="external",
        provider_ref=charge.id,
        note="refunded outside the shop",
        created_at=now,
    )
    _record(db, order, refund, left, now)
    return "reconciled"


def _record(db: Session, order: Order, refund: Refund, left: int, now: datetime) -> None:
    db.add(refund)
    db.flush()
    ledger.reverse_share(db, order, refund, left, now)
    if refund.amount >= left:
        order.status = "refunded"
        order.status_note = "refunded in full"
