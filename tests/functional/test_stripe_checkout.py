"""The whole checkout with the Stripe provider, Stripe's servers replaced by a recording client."""

from urllib.parse import parse_qs

from sqlalchemy import func, select

from storefront.models import LedgerEntry, Order
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


def test_stripe_being_unreachable_frees_the_stock_and_tells_the_shopper(make_app, session, shop):
    http = RecordingClient([(500, {"error": {"type": "api_error", "message": "down"}})] * 3)
    app = stripe_app(make_app, http)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    add_to_cart(client, shop.last_one.id)
    response = place_order(client)
    assert response.status_code == 302 and response.headers["Location"] == "/cart"
    assert "did not answer" in client.get("/cart").get_data(as_text=True)
    assert session.scalars(select(Order)).one().status == "cancelled"
    assert session.get(type(shop.last_one), shop.last_one.id).stock == 1
