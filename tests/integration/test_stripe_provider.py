"""The Stripe Checkout request, seen through a recording HTTP client: no call leaves the machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest

from storefront.payments import CheckoutRequest, PaymentError
from storefront.payments.base import CheckoutLine
from storefront.payments.stripe_provider import StripeProvider, session_expiry
from tests.stripe_fakes import RecordingClient


def checkout_request(**overrides: Any) -> CheckoutRequest:
    return CheckoutRequest(
        **{
            "order_id": 42,
            "order_number": "SS-261127-AB3CD",
            "currency": "KRW",
            "amount_total": 33000,
            "email": "buyer@example.com",
            "lines": (CheckoutLine("우리밀 쿠키 세트", 15000, 2), CheckoutLine("배송비", 3000, 1)),
            "success_url": "https://shop.test/checkout/success/SS-261127-AB3CD?token=t",
            "cancel_url": "https://shop.test/checkout/cancel/SS-261127-AB3CD?token=t",
            "expires_at": (datetime.now(UTC) + timedelta(minutes=95)).replace(microsecond=0),
            "placed_at": datetime.now(UTC).replace(microsecond=0),
            "locale": "ko",
            **overrides,
        }
    )


def session_response(**fields: Any) -> dict[str, Any]:
    return {
        "id": "cs_test_a1",
        "object": "checkout.session",
        "url": "https://checkout.stripe.com/c/pay/cs_test_a1",
        "amount_total": 33000,
        "currency": "krw",
        "status": "open",
        "payment_status": "unpaid",
        "metadata": {"order_id": "42"},
        "client_reference_id": "42",
        **fields,
    }


def test_a_checkout_session_is_created_in_whole_won_with_the_order_in_its_metadata():
    http = RecordingClient([(200, session_response())])
    provider = StripeProvider("sk_test_123", "whsec_x", http_client=http)
    request = checkout_request()
    session = provider.create_checkout(request)
    assert (session.id, session.url) == (
        "cs_test_a1",
        "https://checkout.stripe.com/c/pay/cs_test_a1",
    )

    [sent] = http.requests
    assert sent["method"] == "post"
    assert sent["url"] == "https://api.stripe.com/v1/checkout/sessions"
    assert sent["headers"]["Idempotency-Key"] == "sangsaeng-checkout-order-42"
    assert sent["headers"]["Authorization"] == "Bearer sk_test_123"
    form = {k: v[0] for k, v in parse_qs(sent["body"]).items()}
    assert form["mode"] == "payment"
    assert form["client_reference_id"] == "42"
    assert form["metadata[order_id]"] == "42"
    assert form["metadata[order_number]"] == "SS-261127-AB3CD"
    assert form["payment_intent_data[metadata][order_id]"] == "42"
    assert form["line_items[0][price_data][currency]"] == "krw"
    assert form["line_items[0][price_data][unit_amount]"] == "15000"  # whole won, no ×100
    assert form["line_items[0][price_data][product_data][name]"] == "우리밀 쿠키 세트"
    assert form["line_items[0][quantity]"] == "2"
    assert form["line_items[1][price_data][unit_amount]"] == "3000"
    assert form["customer_email"] == "buyer@example.com"
    assert form["success_url"].endswith("token=t&session_id={CHECKOUT_SESSION_ID}")
    # The hold's end of the very request sent: a second request built a second later would
    # end a second later.
    assert form["expires_at"] == str(int(request.expires_at.timestamp()))
    assert form["locale"] == "ko"


def test_a_session_whose_total_differs_from_the_shops_is_refused():
    http = RecordingClient([(200, session_response(amount_total=1))])
    with pytest.raises(PaymentError):
        StripeProvider("sk_test_123", "whsec_x", http_client=http).create_checkout(
            checkout_request()
        )


def test_stripe_errors_become_payment_errors():
    error = {"error": {"type": "invalid_request_error", "message": "No such thing"}}
    http = RecordingClient([(400, error)])
    with pytest.raises(PaymentError):
        StripeProvider("sk_test_123", "whsec_x", http_client=http).create_checkout(
            checkout_request()
        )


def test_retrieving_a_session_reads_its_payment_state():
    http = RecordingClient(
        [(200, session_response(status="complete", payment_status="paid", payment_intent="pi_1"))]
    )
    state = StripeProvider("sk_test_123", "whsec_x", http_client=http).retrieve_session(
        "cs_test_a1"
    )
    assert http.requests[0]["method"] == "get"
    assert http.requests[0]["url"] == "https://api.stripe.com/v1/checkout/sessions/cs_test_a1"
    assert (state.order_id, state.payment_status, state.amount_total, state.currency) == (
        42,
        "paid",
        33000,
        "KRW",
    )
    assert state.payment_intent == "pi_1"


def test_a_refund_names_the_payment_the_amount_and_an_idempotency_key():
    http = RecordingClient(
        [(200, {"id": "re_1", "object": "refund", "amount": 5000, "status": "succeeded"})]
    )
    result = StripeProvider("sk_test_123", "whsec_x", http_client=http).refund(
        "pi_1", 5000, "key-1"
    )
    [sent] = http.requests
    assert sent["url"] == "https://api.stripe.com/v1/refunds"
    assert parse_qs(sent["body"]) == {"payment_intent": ["pi_1"], "amount": ["5000"]}
    assert sent["headers"]["Idempotency-Key"] == "key-1"
    assert (result.id, result.amount) == ("re_1", 5000)


def test_expiring_a_session_posts_to_its_expire_endpoint():
    http = RecordingClient([(200, session_response(status="expired"))])
    StripeProvider("sk_test_123", "whsec_x", http_client=http).expire_session("cs_test_a1")
    assert (
        http.requests[0]["url"] == "https://api.stripe.com/v1/checkout/sessions/cs_test_a1/expire"
    )


def test_the_shop_uses_stripe_when_configured(make_app, session):
    http = RecordingClient([(200, session_response())])
    app = make_app(
        PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY="sk_test_123", STRIPE_HTTP_CLIENT=http
    )
    assert isinstance(app.extensions["payment_provider"], StripeProvider)


def test_the_test_provider_will_not_start_next_to_live_keys(make_app):
    with pytest.raises(PaymentError):
        make_app(PAYMENT_PROVIDER="test", STRIPE_SECRET_KEY="sk_live_123")


def test_the_session_expiry_stays_inside_stripes_window():
    placed = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)
    # Stripe refuses less than 30 minutes ahead: a shorter hold still gets a session that
    # a retry half an hour after placing can ask for unchanged
    assert session_expiry(placed + timedelta(minutes=10), placed) == int(
        (placed + timedelta(hours=1)).timestamp()
    )
    assert session_expiry(placed + timedelta(minutes=95), placed) == int(
        (placed + timedelta(minutes=95)).timestamp()
    )
    assert session_expiry(placed + timedelta(days=3), placed) == int(
        (placed + timedelta(hours=23, minutes=59)).timestamp()
    )


def test_a_charge_refunded_event_is_read_as_the_charges_refunded_total():
    from storefront.payments.base import ChargeState
    from storefront.payments.stripe_provider import verify_payload
    from tests.helpers import WEBHOOK_SECRET, signed

    charge = {
        "id": "ch_1", "object": "charge", "amount": 30000, "amount_refunded": 12000,
        "currency": "krw", "payment_intent": {"id": "pi_1", "object": "payment_intent"},
    }  # fmt: skip
    payload, header = signed("charge.refunded", charge)
    event = verify_payload(payload.encode(), header, WEBHOOK_SECRET)
    assert event.type == "charge.refunded" and event.session is None
    assert event.charge == ChargeState("ch_1", "pi_1", 30000, 12000, "KRW")
