"""Stripe Checkout through the official SDK. The only module in the shop that imports stripe.

It also holds the Stripe webhook signature scheme, which the test provider reuses so that the
demo runs exactly the verification path that production runs.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import stripe

from storefront.payments.base import (
    ChargeState,
    CheckoutRequest,
    CheckoutSession,
    PaymentError,
    PaymentEvent,
    RefundResult,
    SessionState,
    WebhookRejected,
)

SIGNATURE_TOLERANCE_SECONDS = 300
# Stripe accepts a Checkout Session expires_at from 30 minutes to 24 hours after the request.
# Counted from when the order was placed, an hour leaves half an hour in which a retry after a
# timeout sends the very same parameters under the same idempotency key (Stripe refuses a key
# reused with different ones). The shop closes the session itself when the hold lapses
# (services/holds.py), so a session outliving the hold is never paid for an expired order.
SESSION_MIN_LIFETIME = timedelta(hours=1)
SESSION_MAX_LIFETIME = timedelta(hours=23, minutes=59)


def session_expiry(hold_ends: datetime, placed_at: datetime) -> int:
    """Return the session's ``expires_at``: the hold's end, moved into Stripe's allowed window.

    It depends only on the order, never on the clock, so every attempt to open the order's
    session asks for the same thing.
    """
    return int(
        min(
            max(hold_ends, placed_at + SESSION_MIN_LIFETIME), placed_at + SESSION_MAX_LIFETIME
        ).timestamp()
    )


def sign_payload(payload: str, secret: str, timestamp: int | None = None) -> str:
    """Return a ``Stripe-Signature`` header for ``payload``, as Stripe would send it."""
    return str(stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp))


def verify_payload(payload: bytes, signature: str | None, secret: str) -> PaymentEvent:
    """Check the signature and age of a raw webhook body and parse it into a ``PaymentEvent``."""
    if not signature or not secret:
        raise WebhookRejected("missing signature or secret")
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, secret, SIGNATURE_TOLERANCE_SECONDS
        )
    except (stripe.SignatureVerificationError, ValueError) as exc:  # ValueError: not UTF-8
        raise WebhookRejected(str(exc)) from exc
    try:
        body = json.loads(payload)
        obj = body["data"]["object"]
        kind = obj.get("object") if isinstance(obj, dict) else None
        return PaymentEvent(
            id=str(body["id"]),
            type=str(body["type"]),
            session=session_state(obj) if kind == "checkout.session" else None,
            charge=charge_state(obj) if kind == "charge" else None,
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise WebhookRejected("malformed event body") from exc


def session_state(obj: dict[str, Any]) -> SessionState:
    """Read a Checkout Session, as a plain dict (event body or ``to_dict()``)."""
    metadata = obj.get("metadata") or {}
    reference = metadata.get("order_id") or obj.get("client_reference_id")
    intent = obj.get("payment_intent")
    if isinstance(intent, dict):
        intent = intent.get("id")
    return SessionState(
        id=str(obj["id"]),
        order_id=int(reference) if reference and str(reference).isdigit() else None,
        status=str(obj.get("status") or ""),
        payment_status=str(obj.get("payment_status") or ""),
        amount_total=int(obj.get("amount_total") or 0),
        currency=str(obj.get("currency") or "").upper(),
        payment_intent=str(intent) if intent else None,
    )


def charge_state(obj: dict[str, Any]) -> ChargeState:
    """Read a Charge (the object of ``charge.refunded``)."""
    intent = obj.get("payment_intent")
    if isinstance(intent, dict):
        intent = intent.get("id")
    return ChargeState(
        id=str(obj["id"]),
        payment_intent=str(intent) if intent else None,
        amount=int(obj.get("amount") or 0),
        amount_refunded=int(obj.get("amount_refunded") or 0),
        currency=str(obj.get("currency") or "").upper(),
    )


class StripeProvider:
    """Stripe Checkout in payment mode, one session per order."""

    name = "stripe"

    def __init__(
        self,
        secret_key: str,
        webhook_secret: str,
        *,
        http_client: Any = None,
        api_base: str | None = None,
    ) -> None:
        if not secret_key:
            raise PaymentError("STRIPE_SECRET_KEY is not set")
        base_addresses: Any = {"api": api_base} if api_base else None
        self.webhook_secret = webhook_secret
        self.client = stripe.StripeClient(
            secret_key,
            http_client=http_client,
            base_addresses=base_addresses,
            max_network_retries=2,
        )

    def create_checkout(self, request: CheckoutRequest) -> CheckoutSession:
        currency = request.currency.lower()
        line_items: list[dict[str, Any]] = [
            {
                "price_data": {
                    "currency": currency,
                    "unit_amount": line.unit_amount,
                    "product_data": {"name": line.name},
                },
                "quantity": line.quantity,
            }
            for line in request.lines
        ]
        metadata = {"order_id": str(request.order_id), "order_number": request.order_number}
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": line_items,
            "client_reference_id": str(request.order_id),
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "customer_email": request.email,
            "success_url": request.success_url + "&session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": request.cancel_url,
            "expires_at": session_expiry(request.expires_at, request.placed_at),
            "locale": request.locale if request.locale in {"ko", "en"} else "auto",
        }
        try:
            session = self.client.v1.checkout.sessions.create(
                params,  # type: ignore[arg-type]
                {"idempotency_key": f"sangsaeng-checkout-order-{request.order_id}"},
            )
        except stripe.StripeError as exc:
            raise PaymentError(str(exc)) from exc
        if session.amount_total is not None and session.amount_total != request.amount_total:
            raise PaymentError("Stripe computed a different total than the shop")
        return CheckoutSession(id=session.id, url=str(session.url))

    def retrieve_session(self, session_id: str) -> SessionState:
        try:
            session = self.client.v1.checkout.sessions.retrieve(session_id)
        except stripe.StripeError as exc:
            raise PaymentError(str(exc)) from exc
        return session_state(session.to_dict())

    def expire_session(self, session_id: str) -> None:
        try:
            self.client.v1.checkout.sessions.expire(session_id)
        except stripe.StripeError as exc:
            raise PaymentError(str(exc)) from exc

    def verify_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        return verify_payload(payload, signature, self.webhook_secret)

    def refund(self, payment_intent: str, amount: int, idempotency_key: str) -> RefundResult:
        try:
            refund = self.client.v1.refunds.create(
                {"payment_intent": payment_intent, "amount": amount},
                {"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as exc:
            raise PaymentError(str(exc)) from exc
        return RefundResult(id=refund.id, amount=int(refund.amount), status=str(refund.status))
