"""Drive the shop like a shopper, and sign webhook events like Stripe."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

import stripe
from flask.testing import FlaskClient

WEBHOOK_SECRET = "whsec_test_suite_secret"

SHOPPER = {
    "email": "buyer@example.com",
    "name": "김민지",
    "phone": "010-1234-5678",
    "postcode": "04524",
    "address": "서울특별시 중구 세종대로 110",
    "address_detail": "101동 202호",
    "cause": "",
}


def text(response: Any) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def add_to_cart(client: FlaskClient, product_id: int, quantity: int = 1) -> Any:
    return client.post("/cart/add", data={"product_id": product_id, "quantity": quantity})


def place_order(client: FlaskClient, **fields: Any) -> Any:
    """Submit the checkout form; returns the response (303 to the payment page on success)."""
    return client.post("/checkout", data={**SHOPPER, **fields})


def pay(client: FlaskClient, payment_url: str, card: str = "4242 4242 4242 4242") -> Any:
    return client.post(payment_url, data={"card_number": card, "expiry": "12/30", "cvc": "123"})


def buy(
    client: FlaskClient, product_id: int, quantity: int = 1, card: str = "4242424242424242"
) -> Any:
    """Add, check out and pay; returns the response of the payment page's POST."""
    add_to_cart(client, product_id, quantity)
    placed = place_order(client)
    assert placed.status_code == 303, placed.get_data(as_text=True)
    return pay(client, placed.headers["Location"], card)


def session_object(order: Any, **overrides: Any) -> dict[str, Any]:
    """A Checkout Session as Stripe would describe it for ``order``."""
    return {
        "id": order.payment_session_id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "complete",
        "payment_status": "paid",
        "amount_total": order.total,
        "currency": order.currency.lower(),
        "client_reference_id": str(order.id),
        "metadata": {"order_id": str(order.id)},
        "payment_intent": "pi_" + secrets.token_hex(8),
        **overrides,
    }


def signed(
    event_type: str,
    obj: dict[str, Any],
    *,
    event_id: str | None = None,
    timestamp: int | None = None,
    secret: str = WEBHOOK_SECRET,
) -> tuple[str, str]:
    payload = json.dumps(
        {
            "id": event_id or "evt_" + secrets.token_hex(8),
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": obj},
        }
    )
    return payload, stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)


def send_event(client: FlaskClient, event_type: str, obj: dict[str, Any], **kwargs: Any) -> Any:
    payload, header = signed(event_type, obj, **kwargs)
    return client.post(
        "/webhooks/stripe",
        data=payload,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


def english(client: FlaskClient) -> FlaskClient:
    """Make every later request from this client ask for English."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


PASSWORD = "our bakery bakes daily"


def sign_up(client, email="owner@example.com", password=PASSWORD, name="김대표"):
    return client.post(
        "/account/sign-up",
        data={"name": name, "email": email, "password": password, "confirm": password},
    )


def sign_in(client, email="owner@example.com", password=PASSWORD):
    return client.post("/account/sign-in", data={"email": email, "password": password})


def mark_test_session_paid(session: Any, order: Any, intent: str) -> None:
    """What the test provider records when its card succeeds (needed for refunds)."""
    from sqlalchemy import select

    from storefront.models import TestPaymentSession

    row = session.scalars(select(TestPaymentSession).filter_by(order_id=order.id)).one()
    row.status, row.payment_status, row.payment_intent = "complete", "paid", intent
    session.commit()
