"""The whole checkout with the Stripe provider, Stripe's servers replaced by a recording client."""

from datetime import timedelta
from urllib.parse import parse_qs

import stripe
from sqlalchemy import func, select

from storefront.models import LedgerEntry, Order, utcnow
from tests.helpers import add_to_cart, place_order, send_event, session_object
from tests.stripe_fakes import RecordingClient


def stripe_app(make_app, http):
    return make_app(
        PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY="sk_test_123", STRIPE_HTTP_CLIENT=http
    )


def stripe_checkout(make_app, product_id, session_id):
    """Check out one product through Stripe, whose first answer is a new Checkout Session."""
    session_body = {
        "id": session_id,
        "object": "checkout.session",
        "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        "amount_total": 18000,
    }
    http = RecordingClient([(200, session_body)])
    client = stripe_app(make_app, http).test_client()
    add_to_cart(client, product_id)
    return http, client, place_order(client)


def test_checkout_sends_the_shopper_to_stripe_and_the_webhook_pays(make_app, session, shop):
    http, client, response = stripe_checkout(make_app, shop.product.id, "cs_test_s1")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://checkout.stripe.com/c/pay/cs_test_s1"
    order = session.scalars(select(Order)).one()
    assert order.payment_session_id == "cs_test_s1" and order.payment_provider == "stripe"
    form = parse_qs(http.requests[0]["body"])
    assert form["metadata[order_id]"] == [str(order.id)]
    assert form["line_items[1][price_data][unit_amount]"] == ["3000"]  # shipping line

    assert send_event(client, "checkout.session.completed", session_object(order)).json == {
        "result": "paid"
    }
    assert session.get(Order, order.id).status == "paid"


def test_the_success_page_asks_stripe_and_fulfils_once(make_app, session, shop):
    http, client, _response = stripe_checkout(make_app, shop.product.id, "cs_test_s2")
    order = session.scalars(select(Order)).one()
    paid = session_object(order, status="complete", payment_status="paid", payment_intent="pi_9")
    http.responses += [(200, paid), (200, paid)]
    url = f"/checkout/success/{order.number}?token={order.access_token}&session_id=cs_test_s2"
    assert client.get(url).status_code == 302
    assert client.get(url).status_code == 302  # reloaded: no second set of entries
    assert http.requests[1]["url"].endswith("/v1/checkout/sessions/cs_test_s2")
    order = session.get(Order, order.id)
    assert order.status == "paid" and order.payment_intent_id == "pi_9"
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 2
    # the webhook arriving afterwards changes nothing
    assert send_event(client, "checkout.session.completed", paid).json == {"result": "noop"}


def test_stripe_being_unreachable_keeps_the_order_payable_and_tells_the_shopper(
    make_app, session, shop
):
    http = RecordingClient([(500, {"error": {"type": "api_error", "message": "down"}})] * 3)
    app = stripe_app(make_app, http)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    add_to_cart(client, shop.last_one.id)
    response = place_order(client)
    order = session.scalars(select(Order)).one()
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/orders/{order.number}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "did not answer" in page and "Try paying again" in page
    assert order.status == "pending_payment" and order.payment_session_id is None
    assert session.get(type(shop.last_one), shop.last_one.id).stock == 0  # still held


def test_a_timeout_creating_the_session_leaves_the_order_payable_and_the_retry_reuses_its_key(
    make_app, session, shop
):
    created = {
        "id": "cs_test_t1",
        "object": "checkout.session",
        "url": "https://checkout.stripe.com/c/pay/cs_test_t1",
    }
    # The SDK has spent its own retries (same key): the shop sees the timeout.
    timeout = stripe.APIConnectionError("Request timed out", should_retry=False)
    http = RecordingClient([timeout, (200, created)])
    client = stripe_app(make_app, http).test_client()
    add_to_cart(client, shop.last_one.id)
    first = place_order(client)
    order = session.scalars(select(Order)).one()
    assert first.status_code == 302 and order.status == "pending_payment"
    created["amount_total"] = order.total
    retry = client.post(f"/checkout/pay/{order.number}?token={order.access_token}")
    assert retry.status_code == 303
    assert retry.headers["Location"] == "https://checkout.stripe.com/c/pay/cs_test_t1"
    one, two = http.requests
    assert one["headers"]["Idempotency-Key"] == two["headers"]["Idempotency-Key"]
    assert one["body"] == two["body"]  # same key, same parameters: Stripe makes one session
    assert session.scalar(select(func.count()).select_from(Order)) == 1
    order = session.get(Order, order.id)
    assert (order.status, order.payment_session_id) == ("pending_payment", "cs_test_t1")
    assert session.get(type(shop.last_one), shop.last_one.id).stock == 0  # one hold, not two


def lapsed_stripe_order(make_app, session, shop, answers):
    """A Stripe order whose hold has lapsed; Stripe then gives ``answers`` (built from the
    order) to whatever the sweep asks."""
    http, client, _response = stripe_checkout(make_app, shop.product.id, "cs_test_h1")
    order = session.scalars(select(Order)).one()
    http.responses += answers(order)
    order.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    app = client.application
    with app.app_context():  # the command runs in the Stripe app, not the test's own
        result = app.test_cli_runner().invoke(args=["orders", "expire-holds"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    return http, session.get(Order, order.id)


def test_a_lapsed_hold_whose_stripe_session_was_paid_is_fulfilled(make_app, session, shop):
    def answers(order):
        return [(200, session_object(order, payment_intent="pi_lost"))]

    http, order = lapsed_stripe_order(make_app, session, shop, answers)
    assert http.requests[1]["method"] == "get"
    assert http.requests[1]["url"].endswith("/v1/checkout/sessions/cs_test_h1")
    assert (order.status, order.payment_intent_id) == ("paid", "pi_lost")
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 2
    assert session.get(type(shop.product), shop.product.id).stock == 9


def test_a_lapsed_hold_expires_its_stripe_session_before_releasing_the_stock(
    make_app, session, shop
):
    def answers(order):
        return [
            (200, session_object(order, status="open", payment_status="unpaid")),
            (200, session_object(order, status="expired", payment_status="unpaid")),
        ]

    http, order = lapsed_stripe_order(make_app, session, shop, answers)
    assert http.requests[2]["method"] == "post"
    assert http.requests[2]["url"].endswith("/v1/checkout/sessions/cs_test_h1/expire")
    assert order.status == "expired"
    assert session.get(type(shop.product), shop.product.id).stock == 10


def test_a_session_paid_while_the_sweep_expires_it_is_fulfilled(make_app, session, shop):
    refused = {"error": {"type": "invalid_request_error", "message": "not open"}}

    def answers(order):
        return [
            (200, session_object(order, status="open", payment_status="unpaid")),
            (400, refused),  # paid between the sweep's two calls: Stripe will not expire it
            (200, session_object(order, payment_intent="pi_race")),
        ]

    _http, order = lapsed_stripe_order(make_app, session, shop, answers)
    assert (order.status, order.payment_intent_id) == ("paid", "pi_race")
    assert session.get(type(shop.product), shop.product.id).stock == 9


def test_stripe_unreachable_during_the_sweep_leaves_the_order(make_app, session, shop):
    def answers(order):
        return [stripe.APIConnectionError("Request timed out", should_retry=False)]

    _http, order = lapsed_stripe_order(make_app, session, shop, answers)
    assert order.status == "pending_payment"
    assert session.get(type(shop.product), shop.product.id).stock == 9
