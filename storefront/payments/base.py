"""The PaymentProvider protocol and the plain data it speaks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from storefront.domain.errors import PaymentError, WebhookRejected

__all__ = ["PaymentError", "WebhookRejected"]


@dataclass(frozen=True)
class CheckoutLine:
    name: str
    unit_amount: int
    quantity: int


@dataclass(frozen=True)
class CheckoutRequest:
    order_id: int
    order_number: str
    currency: str
    amount_total: int
    email: str
    lines: tuple[CheckoutLine, ...]
    success_url: str
    cancel_url: str
    expires_at: datetime  # the end of the order's hold
    placed_at: datetime  # when the order was placed: the same on every retry
    locale: str = "ko"


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


@dataclass(frozen=True)
class SessionState:
    """What the provider says about a checkout session, in Stripe's words."""

    id: str
    order_id: int | None
    status: str  # open | complete | expired
    payment_status: str  # paid | unpaid | no_payment_required
    amount_total: int
    currency: str
    payment_intent: str | None = None


@dataclass(frozen=True)
class ChargeState:
    """A charge as a ``charge.refunded`` event shows it: how much of it is refunded in all."""

    id: str
    payment_intent: str | None
    amount: int
    amount_refunded: int
    currency: str


@dataclass(frozen=True)
class PaymentEvent:
    """A verified webhook event: its id, type, and the session or charge it is about, if any."""

    id: str
    type: str
    session: SessionState | None = None
    charge: ChargeState | None = None


@dataclass(frozen=True)
class RefundResult:
    id: str
    amount: int
    status: str


class PaymentProvider(Protocol):
    """Everything the shop needs from a payment service."""

    name: str

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        """Open a hosted checkout for an order; idempotent per order."""
        ...

    def retrieve_session(self, session_id: str) -> SessionState:
        """Ask the provider (never the browser) what became of a checkout session."""
        ...

    def expire_session(self, session_id: str) -> None:
        """Close an open checkout session so that it can no longer be paid."""
        ...

    def verify_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        """Check a webhook's signature on its raw body; raise ``WebhookRejected`` if it fails."""
        ...

    def refund(self, payment_intent: str, amount: int, idempotency_key: str) -> RefundResult:
        """Give ``amount`` back on a payment; idempotent per key."""
        ...
