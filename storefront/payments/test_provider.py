"""The built-in test provider: a hosted payment page inside the app that behaves like Stripe.

It follows Stripe's test cards, and completes a payment by delivering a signed, Stripe-shaped
``checkout.session.completed`` event to the same webhook handling that Stripe's events go
through. It only ever pays sessions it created itself (rows of ``test_payment_session``), for
the amount it recorded when it created them.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from storefront.models import TestPaymentSession, utcnow
from storefront.payments.base import (
    CheckoutRequest,
    CheckoutSession,
    PaymentError,
    PaymentEvent,
    RefundResult,
    SessionState,
)
from storefront.payments.stripe_provider import sign_payload, verify_payload

# Stripe's documented test cards, and what each does.
SUCCEEDS = "succeeded"
DECLINED = "card_declined"
INSUFFICIENT_FUNDS = "insufficient_funds"
TEST_CARDS = {
    "4242424242424242": SUCCEEDS,
    "5555555555554444": SUCCEEDS,
    "4000000000000002": DECLINED,
    "4000000000009995": INSUFFICIENT_FUNDS,
}


def card_outcome(card_number: str) -> str | None:
    """Return what a test card does, or None if it is not one of the test cards."""
    return TEST_CARDS.get("".join(ch for ch in card_number if ch.isdigit()))


def card_expired(expiry: str, today: date) -> bool:
    """Whether an ``MM/YY`` expiry is in the past; a card is good through its expiry month."""
    month, year = (int(part) for part in expiry.replace(" ", "").split("/"))
    return (2000 + year, month) < (today.year, today.month)


def refuse_live_keys(*keys: str) -> None:
    """Refuse to run a fake payment page next to real money."""
    for key in keys:
        if key.startswith(("sk_live_", "rk_live_", "pk_live_")):
            raise PaymentError("the test payment provider refuses to run with live Stripe keys")


@dataclass
class TestProvider:
    """Payments that never leave the machine, for the demo and the tests."""

    __test__ = False

    get_session: Callable[[], Session]
    webhook_secret: str
    page_url: Callable[[str], str]
    name: str = "test"

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        db = self.get_session()
        existing = db.query(TestPaymentSession).filter_by(order_id=request.order_id).one_or_none()
        if existing is not None:  # idempotent per order, like Stripe's idempotency key
            return CheckoutSession(id=existing.id, url=self.page_url(existing.id))
        row = TestPaymentSession(
            id="cs_test_" + secrets.token_urlsafe(24),
            order_id=request.order_id,
            amount=request.amount_total,
            currency=request.currency,
            success_url=request.success_url,
            cancel_url=request.cancel_url,
            expires_at=request.expires_at,
        )
        db.add(row)
        db.flush()
        return CheckoutSession(id=row.id, url=self.page_url(row.id))

    def retrieve_session(self, session_id: str) -> SessionState:
        row = self.get_session().get(TestPaymentSession, session_id)
        if row is None:
            raise PaymentError("no such test checkout session")
        return _state(row)

    def expire_session(self, session_id: str) -> None:
        """Close an open session; like Stripe, refuse to expire one that is already complete."""
        result = self.get_session().execute(
            update(TestPaymentSession)
            .where(TestPaymentSession.id == session_id, TestPaymentSession.status != "complete")
            .values(status="expired")
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            raise PaymentError("only an open test checkout session can be expired")

    def verify_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        return verify_payload(payload, signature, self.webhook_secret)

    def refund(self, payment_intent: str, amount: int, idempotency_key: str) -> RefundResult:
        db = self.get_session()
        row = db.query(TestPaymentSession).filter_by(payment_intent=payment_intent).one_or_none()
        if row is None or row.payment_status != "paid":
            raise PaymentError("no paid test payment to refund")
        if amount <= 0 or row.refunded + amount > row.amount:
            raise PaymentError("refund exceeds what was paid")
        row.refunded += amount
        return RefundResult(
            id="re_test_" + secrets.token_urlsafe(12), amount=amount, status="succeeded"
        )

    def pay(self, row: TestPaymentSession, card_number: str, now: datetime | None = None) -> str:
        """Charge a test card on an open session; on success, return the signed event to deliver.

        Returns the card's outcome; the caller delivers ``signed_event(row)`` on success.
        """
        now = now or utcnow()
        outcome = card_outcome(card_number)
        if outcome is None:
            raise PaymentError("not a test card")
        if row.status != "open" or row.expires_at <= now:
            raise PaymentError("this test checkout session is no longer open")
        if outcome == SUCCEEDS:
            # One charge per session even if Pay is pressed twice: only an open row changes.
            charged = self.get_session().execute(
                update(TestPaymentSession)
                .where(TestPaymentSession.id == row.id, TestPaymentSession.status == "open")
                .values(
                    status="complete",
                    payment_status="paid",
                    payment_intent="pi_test_" + secrets.token_urlsafe(16),
                )
                .execution_options(synchronize_session=False)
            )
            self.get_session().refresh(row)
            if not charged.rowcount:  # type: ignore[attr-defined]
                raise PaymentError("this test checkout session is no longer open")
        return outcome

    def signed_event(self, row: TestPaymentSession, event_type: str) -> tuple[bytes, str]:
        """Return a Stripe-shaped event about ``row`` and its ``Stripe-Signature`` header."""
        event = {
            "id": "evt_test_" + secrets.token_urlsafe(18),
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "livemode": False,
            "data": {"object": session_object(row)},
        }
        payload = json.dumps(event, separators=(",", ":"))
        return payload.encode(), sign_payload(payload, self.webhook_secret)


def paid_session(
    order: Any, payment_intent: str, created_at: datetime | None = None
) -> TestPaymentSession:
    """A completed, paid test session for an order paid without the hosted page (demo data,
    tests), so that the test provider can later refund it like any other."""
    return TestPaymentSession(
        id=order.payment_session_id,
        order_id=order.id,
        amount=order.total,
        currency=order.currency,
        status="complete",
        payment_status="paid",
        payment_intent=payment_intent,
        success_url="",
        cancel_url="",
        expires_at=order.expires_at,
        created_at=created_at or utcnow(),
    )


def session_object(row: TestPaymentSession) -> dict[str, Any]:
    """Render a test session the way Stripe renders a Checkout Session object."""
    return {
        "id": row.id,
        "object": "checkout.session",
        "mode": "payment",
        "status": row.status,
        "payment_status": row.payment_status,
        "amount_total": row.amount,
        "currency": row.currency.lower(),
        "client_reference_id": str(row.order_id),
        "metadata": {"order_id": str(row.order_id)},
        "payment_intent": row.payment_intent,
        "livemode": False,
    }


def _state(row: TestPaymentSession) -> SessionState:
    return SessionState(
        id=row.id,
        order_id=row.order_id,
        status=row.status,
        payment_status=row.payment_status,
        amount_total=row.amount,
        currency=row.currency.upper(),
        payment_intent=row.payment_intent,
    )
