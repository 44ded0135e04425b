"""The built-in test provider: a hosted payment page inside the app that behaves like Stripe.

It follows Stripe's test cards, and completes a payment by delivering a signed, Stripe-shaped
``checkout.session.completed`` event to the same webhook handling that Stripe's events go
through. It only ever pays sessions it created itself (rows of ``test_payment_session``), for
the amount it recorded when it created them.

Like Stripe, it keeps each event (``test_payment_event``) until the shop acknowledges it with a
2xx answer, and redelivers it with exponential backoff until then.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storefront.models import TestPaymentEvent, TestPaymentSession, utcnow
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


# Stripe redelivers an unacknowledged live event for up to three days, backing off
# exponentially. The test provider keeps that shape at the scale of its 30-minute holds: the
# first redelivery 30 seconds after a failed attempt, each wait twice the last, 8 attempts in
# all, the last about an hour after the payment (and the hold sweep asks the provider anyway).
FIRST_REDELIVERY = timedelta(seconds=30)
MAX_DELIVERY_ATTEMPTS = 8


def redelivery_delay(attempts: int) -> timedelta | None:
    """How long to wait after ``attempts`` failed deliveries of an event; None: give up."""
    if attempts >= MAX_DELIVERY_ATTEMPTS:
        return None
    return FIRST_REDELIVERY * 2 ** (attempts - 1)


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
        # Read it afresh, as Stripe's API would: a payment may have landed since it was loaded.
        row = self.get_session().get(TestPaymentSession, session_id, populate_existing=True)
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
        """Charge a test card on an open session; return the card's outcome.

        On success the session is paid and its ``checkout.session.completed`` event is
        recorded, due at once, in the same transaction: the caller commits, then delivers it
        (``due_events``, ``claim_event``, ``record_result``).
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
            self.record_event(row, "checkout.session.completed", now)
        return outcome

    def record_event(self, row: TestPaymentSession, event_type: str, now: datetime) -> str:
        """Keep a Stripe-shaped event about ``row``, due for delivery at ``now``; its id."""
        event_id = "evt_test_" + secrets.token_urlsafe(18)
        body = {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created": int(now.timestamp()),
            "livemode": False,
            "data": {"object": session_object(row)},
        }
        self.get_session().add(
            TestPaymentEvent(
                id=event_id,
                session_id=row.id,
                type=event_type,
                payload=json.dumps(body, separators=(",", ":")),
                created_at=now,
                next_attempt_at=now,
            )
        )
        return event_id

    def due_events(
        self, now: datetime, session_id: str | None = None, limit: int = 100
    ) -> list[str]:
        """The ids of events not yet acknowledged whose next attempt is due, oldest first."""
        query = (
            select(TestPaymentEvent.id)
            .where(TestPaymentEvent.next_attempt_at <= now)
            .order_by(TestPaymentEvent.next_attempt_at, TestPaymentEvent.id)
            .limit(limit)
        )
        if session_id is not None:
            query = query.where(TestPaymentEvent.session_id == session_id)
        return list(self.get_session().scalars(query))

    def claim_event(self, event_id: str, now: datetime) -> tuple[bytes, str] | None:
        """Take a due event for one delivery attempt; its body and a fresh signature.

        Counts the attempt and schedules the next one before delivering, so that two workers
        never deliver it at once and a worker killed mid-delivery leaves it due again later.
        Returns None if the event is not due (acknowledged, or claimed by another worker).
        """
        db = self.get_session()
        event = db.get(TestPaymentEvent, event_id, populate_existing=True)
        if event is None or event.next_attempt_at is None or event.next_attempt_at > now:
            return None
        delay = redelivery_delay(event.attempts + 1)
        claimed = db.execute(
            update(TestPaymentEvent)
            .where(TestPaymentEvent.id == event_id, TestPaymentEvent.attempts == event.attempts)
            .values(
                attempts=event.attempts + 1,
                next_attempt_at=now + delay if delay is not None else None,
            )
            .execution_options(synchronize_session=False)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            return None
        # Each attempt is signed when it is sent, as Stripe signs each delivery.
        return event.payload.encode(), sign_payload(event.payload, self.webhook_secret)

    def record_result(self, event_id: str, result: str, acknowledged: bool, now: datetime) -> None:
        """Note how an attempt went; an acknowledged event is never delivered again."""
        values: dict[str, Any] = {"last_result": result[:40]}
        if acknowledged:
            values |= {"delivered_at": now, "next_attempt_at": None}
        self.get_session().execute(
            update(TestPaymentEvent)
            .where(TestPaymentEvent.id == event_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


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
