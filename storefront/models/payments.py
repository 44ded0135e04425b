"""What the payment side has told us: webhook events and the test provider's sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models.base import Base, utcnow


class WebhookEvent(Base):
    """A payment event already handled; its id is recorded once so a replay changes nothing."""

    __tablename__ = "webhook_event"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class TestPaymentSession(Base):
    """A checkout session of the built-in test provider (the demo's stand-in for Stripe)."""

    __tablename__ = "test_payment_session"
    __test__ = False  # not a pytest test class

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="open")
    payment_status: Mapped[str] = mapped_column(String(20), default="unpaid")
    payment_intent: Mapped[str | None] = mapped_column(String(64))
    refunded: Mapped[int] = mapped_column(default=0)
    success_url: Mapped[str] = mapped_column(String(500))
    cancel_url: Mapped[str] = mapped_column(String(500))
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TestPaymentEvent(Base):
    """An event the test provider owes the shop's webhook, kept until the shop acknowledges it.

    Like Stripe, the test provider redelivers an unacknowledged event with backoff:
    ``next_attempt_at`` is when it is next due, None once delivered or given up.
    """

    __tablename__ = "test_payment_event"
    __test__ = False  # not a pytest test class

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("test_payment_session.id"), index=True)
    type: Mapped[str] = mapped_column(String(100))
    payload: Mapped[str] = mapped_column(Text)  # the event body, signed afresh on each attempt
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    delivered_at: Mapped[datetime | None]
    last_result: Mapped[str] = mapped_column(String(40), default="")
