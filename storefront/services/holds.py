"""Settle lapsed holds with the payment provider before giving their stock back.

An order whose hold has lapsed may have been paid all the same: the shopper paid, and then the
webhook was lost (a worker killed after the provider took the money). So before expiring an
order, the sweep asks the provider about its session:

- paid: fulfil the order through the one fulfilment path (``services.payments``);
- open: close the session at the provider first, so that nobody can pay it any more, and only
  then release the stock;
- expired (the provider closed it; its ``checkout.session.expired`` event was lost): release;
- the provider cannot be reached, or says something else: leave the order for the next sweep.
  An order is never expired on an error.

The provider is asked about every order before any order row is changed, so a slow payment
service holds no order or product row locks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.domain.errors import DomainError, PaymentError
from storefront.models import Order
from storefront.payments import PaymentProvider, SessionState
from storefront.services.checkout import release
from storefront.services.payments import apply_state, matches

log = logging.getLogger(__name__)

HOLD_NOTE = "hold timed out"


@dataclass(frozen=True)
class Sweep:
    """What one sweep did: orders expired, orders fulfilled, orders left for the next one."""

    expired: int = 0
    fulfilled: int = 0
    left: int = 0


def lapsed_holds(db: Session, now: datetime, limit: int) -> list[Order]:
    """Unpaid orders whose hold ended at or before ``now``, oldest first."""
    return list(
        db.scalars(
            select(Order)
            .where(Order.status == "pending_payment", Order.expires_at <= now)
            .order_by(Order.id)
            .limit(limit)
        )
    )


def close_session(provider: PaymentProvider, order: Order) -> SessionState | None:
    """Ask the provider about the order's session and close it if it is still open.

    Returns the session as it stands afterwards (expired, or paid meanwhile), or None when
    the order has no session or the provider cannot tell: then the order must be left alone.
    """
    if not order.payment_session_id:
        return None
    try:
        state = provider.retrieve_session(order.payment_session_id)
        if state.status == "open":
            try:
                provider.expire_session(state.id)
            except PaymentError:
                # Refused: paid between the two calls. Ask again what became of it.
                return provider.retrieve_session(state.id)
            return replace(state, status="expired")
        return state
    except PaymentError as exc:
        log.warning("order %s left for the next sweep: %s", order.number, exc)
        return None


def expire_holds(db: Session, provider: PaymentProvider, now: datetime, limit: int = 500) -> Sweep:
    """Fulfil, expire or leave each lapsed hold as its provider session says (see above)."""
    settled: list[tuple[Order, SessionState | None]] = []
    left = 0
    for order in lapsed_holds(db, now, limit):
        if not order.payment_session_id:  # the checkout never reached the provider
            settled.append((order, None))
            continue
        state = close_session(provider, order)
        if state is None or not matches(order, state):
            left += 1
            continue
        settled.append((order, state))
    expired = fulfilled = 0
    for order, state in settled:
        if state is None or state.status == "expired":
            expired += release(db, order, ("pending_payment",), "expired", HOLD_NOTE)
            continue
        try:
            with db.begin_nested():
                outcome = apply_state(db, provider, order, state, now)
        except (PaymentError, DomainError) as exc:  # e.g. a refund the provider refused
            log.error("order %s left for the next sweep: %s", order.number, exc)
            outcome = "left"
        if outcome in {"paid", "refunded"}:
            fulfilled += 1
        elif outcome != "awaiting":
            left += 1
    return Sweep(expired=expired, fulfilled=fulfilled, left=left)
