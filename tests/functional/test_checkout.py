"""Checkout through the test provider: the real order, payment, webhook and ledger path."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storefront.models import LedgerEntry, Order, Product, TestPaymentSession, utcnow
from tests.helpers import SHOPPER, add_to_cart, buy, english, pay, place_order, text


def only_order(session):
    return session.scalars(select(Order)).one()


def stock_of(session, product):
    return session.get(Product, product.id).stock


def test_a_paid_order_records_its_donation_and_emails_the_shopper(client, session, shop, outbox):
    english(client)
    add_to_cart(client, shop.product.id, 2)
    add_to_cart(client, shop.last_one.id, 1)
    placed = place_order(client)
    assert placed.status_code == 303 and placed.headers["Location"].startswith("/test-pay/cs_test_")

    order = only_order(session)
    assert order.status == "pending_payment"
    assert (order.goods_total, order.shipping_total, order.total) == (50000, 3000, 53000)
    assert stock_of(session, shop.product) == 8 and stock_of(session, shop.last_one) == 0

    paid = pay(client, placed.headers["Location"])
    assert paid.status_code == 303
    success = client.get(paid.headers["Location"])
    confirmation = text(client.get(success.headers["Location"]))

    order = only_order(session)
    assert order.status == "paid" and order.paid_at is not None
    # 5% of 30,000 and 10% of 20,000, each matched 1:1 by the platform
    assert [(ln.donation_amount, ln.match_amount) for ln in order.lines] == [
        (1500, 1500),
        (2000, 2000),
    ]
    entries = session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).all()
    assert [(e.kind, e.amount, e.cause_id) for e in entries] == [
        ("donation", 1500, shop.cause.id),
        ("match", 1500, shop.cause.id),
        ("donation", 2000, shop.other_cause.id),
        ("match", 2000, shop.other_cause.id),
    ]
    assert "Your order gave ₩3,500, and sponsors matched ₩3,500." in confirmation
    assert "Matched by 상생재단's 더블기부." in confirmation
    session.refresh(shop.fund)
    assert shop.fund.remaining == 100_000_000 - 3500
    assert {e.fund_id for e in entries if e.kind == "match"} == {shop.fund.id}
    assert session.get(Product, shop.product.id).units_sold == 2
    assert len(outbox) == 1 and outbox[0].to == [SHOPPER["email"]]
    assert order.number in outbox[0].subject and "₩3,500" in outbox[0].body
    assert text(client.get("/")).split('data-testid="cart-count">')[1][0] == "0"
    assert "₩7,000" in text(client.get("/ledger"))


def test_the_shopper_can_choose_one_cause_for_the_whole_order(client, session, shop):
    add_to_cart(client, shop.product.id)
    add_to_cart(client, shop.last_one.id)
    place_order(client, cause=str(shop.other_cause.id))
    assert {line.cause_id for line in only_order(session).lines} == {shop.other_cause.id}


@pytest.mark.parametrize(
    ("card", "message"),
    [
        ("4000 0000 0000 0002", "Your card was declined"),
        ("4000 0000 0000 9995", "insufficient funds"),
    ],
)
def test_a_declined_card_returns_to_the_cart_and_frees_the_stock(
    client, session, shop, card, message
):
    english(client)
    response = buy(client, shop.last_one.id, card=card)
    cart_page = client.get(
        client.get(response.headers["Location"]).headers.get("Location", "/cart")
    )
    assert message in text(cart_page) and shop.last_one.title in text(cart_page)
    order = only_order(session)
    assert order.status == "cancelled" and not order.stock_held
    assert stock_of(session, shop.last_one) == 1
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_cancelling_on_the_payment_page_frees_the_stock(client, session, shop):
    english(client)
    add_to_cart(client, shop.last_one.id)
    payment_url = place_order(client).headers["Location"]
    row = session.scalars(select(TestPaymentSession)).one()
    response = client.get(row.cancel_url.replace("http://shop.test", ""))
    assert "Payment was cancelled" in text(client.get(response.headers["Location"]))
    assert stock_of(session, shop.last_one) == 1
    # the closed session cannot be paid any more
    assert pay(client, payment_url).status_code == 409


def test_an_unknown_card_number_is_refused_and_nothing_changes(client, session, shop):
    add_to_cart(client, shop.product.id)
    payment_url = place_order(client).headers["Location"]
    assert pay(client, payment_url, card="1234 5678 9012 3456").status_code == 402
    assert pay(client, payment_url, card="not a card").status_code == 400
    assert only_order(session).status == "pending_payment"


def test_the_success_url_alone_never_pays_an_order(client, session, shop):
    add_to_cart(client, shop.product.id)
    place_order(client)
    order = only_order(session)
    client.get(
        f"/checkout/success/{order.number}?token={order.access_token}&session_id={order.payment_session_id}"
    )
    client.get(
        f"/checkout/success/{order.number}?token={order.access_token}&session_id=cs_test_forged"
    )
    assert only_order(session).status == "pending_payment"
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_the_test_provider_only_pays_sessions_it_created(client, shop):
    assert client.get("/test-pay/cs_test_nope").status_code == 404
    assert pay(client, "/test-pay/cs_live_made_up").status_code == 404


def test_an_empty_cart_cannot_check_out(client, shop):
    english(client)
    assert client.get("/checkout").status_code == 302
    response = place_order(client)
    assert response.status_code == 400 and "Your cart is empty" in text(response)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "valid email address"),
        ("postcode", "1234", "five digits"),
        ("postcode", "abcde", "five digits"),
        ("phone", "12345", "Korean phone number"),
        ("name", "", "recipient's name"),
        ("cause", "999999", "Not a valid choice"),
    ],
)
def test_malformed_details_are_refused_with_a_message(client, session, shop, field, value, message):
    english(client)
    add_to_cart(client, shop.product.id)
    response = place_order(client, **{field: value})
    assert response.status_code == 400 and message in text(response)
    assert session.scalar(select(func.count()).select_from(Order)) == 0
    assert stock_of(session, shop.product) == 10


def test_prices_and_totals_from_the_browser_are_ignored(client, session, shop):
    add_to_cart(client, shop.product.id)
    place_order(client, price="1", total="1", unit_price="1", amount_total="1", venture_id="999")
    order = only_order(session)
    assert order.total == 18000 and order.lines[0].unit_price == 15000


def test_a_price_change_since_adding_is_shown_before_the_order_is_placed(client, session, shop):
    english(client)
    add_to_cart(client, shop.product.id)
    session.get(Product, shop.product.id).price = 16000
    session.commit()
    cart_page = text(client.get("/cart"))
    assert "The price changed from ₩15,000 to ₩16,000" in cart_page
    response = place_order(client)
    assert response.status_code == 409 and "Some prices changed" in text(response)
    assert session.scalar(select(func.count()).select_from(Order)) == 0
    # having seen the new price, the shopper can go on
    assert place_order(client).status_code == 303
    assert only_order(session).goods_total == 16000


def test_stock_that_ran_out_since_adding_is_reported(client, session, shop):
    english(client)
    add_to_cart(client, shop.last_one.id)
    session.get(Product, shop.last_one.id).stock = 0
    session.commit()
    response = place_order(client)
    assert response.status_code == 409 and "sold out" in text(response)
    assert session.scalar(select(func.count()).select_from(Order)) == 0


def test_an_unpaid_hold_is_released_after_the_timeout(app, client, session, shop):
    add_to_cart(client, shop.last_one.id)
    place_order(client)
    order = only_order(session)
    assert stock_of(session, shop.last_one) == 0
    order.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    result = app.test_cli_runner().invoke(args=["orders", "expire-holds"])
    assert "Released 1" in result.output
    assert only_order(session).status == "expired" and stock_of(session, shop.last_one) == 1


def test_order_lookup_by_number_and_email(client, session, shop):
    english(client)
    buy(client, shop.product.id)
    order = only_order(session)
    stranger = client.application.test_client()
    assert stranger.get(f"/orders/{order.number}").status_code == 404
    miss = stranger.post(
        "/orders/lookup", data={"number": order.number, "email": "other@example.com"}
    )
    assert miss.status_code == 404
    assert stranger.post("/orders/lookup", data={"number": "", "email": ""}).status_code == 400
    hit = stranger.post(
        "/orders/lookup", data={"number": order.number.lower(), "email": "BUYER@example.com"}
    )
    assert hit.status_code == 302
    assert order.number in text(stranger.get(hit.headers["Location"]))


def test_an_order_link_needs_its_token(client, session, shop):
    buy(client, shop.product.id)
    order = only_order(session)
    stranger = client.application.test_client()
    assert stranger.get(f"/orders/{order.number}?token=wrong").status_code == 404
    assert stranger.get(f"/orders/{order.number}?token={order.access_token}").status_code == 200
    another = client.application.test_client()
    assert another.get(f"/checkout/cancel/{order.number}").status_code == 404
    assert another.get(f"/checkout/success/{order.number}").status_code == 404


def test_the_job_scheduler_releases_lapsed_holds_every_minute_not_a_request(
    make_app, session, shop
):
    app = make_app(JOBS_EAGER=False)
    client = app.test_client()
    add_to_cart(client, shop.last_one.id)
    place_order(client)
    order = only_order(session)
    order.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    client.get("/")
    assert only_order(session).status == "pending_payment"  # pages stay out of it
    session.commit()
    queue = app.extensions["jobs"]
    periodic = {task.name for task in queue.huey.read_periodic(utcnow())}
    assert periodic == {"expire_holds", "relay", "log_checkpoint", "recommend", "fold_trends"}
    queue.drain(periodic=True)
    assert only_order(session).status == "expired" and stock_of(session, shop.last_one) == 1


def test_the_cancel_link_after_paying_leaves_the_order_paid(client, session, shop):
    add_to_cart(client, shop.last_one.id)
    payment_url = place_order(client).headers["Location"]
    row = session.scalars(select(TestPaymentSession)).one()
    pay(client, payment_url)
    response = client.get(row.cancel_url.replace("http://shop.test", ""))
    order = only_order(session)
    assert response.status_code == 302 and order.number in response.headers["Location"]
    assert order.status == "paid" and stock_of(session, shop.last_one) == 0
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 2


def test_pressing_pay_twice_charges_once(client, session, shop):
    add_to_cart(client, shop.product.id)
    payment_url = place_order(client).headers["Location"]
    assert pay(client, payment_url).status_code == 303
    assert pay(client, payment_url).status_code == 409
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 2


@pytest.mark.parametrize(
    "url",
    [
        "/orders/SS%00X",
        "/products?q=%00",
        "/ventures/a%00b",
        "/test-pay/cs%00x",
        "/checkout/success/SS%00?token=x",
    ],
)
def test_nul_characters_are_a_bad_request_not_a_500(client, shop, url):
    assert client.get(url).status_code == 400


def test_nul_characters_in_a_form_are_a_bad_request(client, shop):
    add_to_cart(client, shop.product.id)
    assert place_order(client, name="김\x00민지").status_code == 400
    assert (
        client.post("/orders/lookup", data={"number": "SS\x00", "email": "a@b.c"}).status_code
        == 400
    )
