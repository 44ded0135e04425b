"""What happens when a shopper goes back, tries again, or gets something wrong."""

import html
import re

import pytest
from sqlalchemy import func, select

from storefront.models import LedgerEntry, Order, Product, TestPaymentSession
from tests.factories import make_product
from tests.helpers import SHOPPER, add_to_cart, buy, english, pay, place_order, text


def orders(session):
    return session.scalars(select(Order).order_by(Order.id)).all()


def test_checking_out_again_replaces_the_unpaid_attempt_and_frees_its_stock(client, session, shop):
    add_to_cart(client, shop.last_one.id)
    first = place_order(client).headers["Location"]
    second = place_order(client)  # the shopper pressed Back and submitted again
    assert second.status_code == 303
    earlier, latest = orders(session)
    assert (earlier.status, latest.status) == ("cancelled", "pending_payment")
    assert session.get(Product, shop.last_one.id).stock == 0  # held once, by the new attempt
    assert pay(client, first).status_code == 409  # the old payment page is closed
    assert pay(client, second.headers["Location"]).status_code == 303


def test_a_pending_order_page_offers_to_pay_or_cancel(client, session, shop):
    english(client)
    add_to_cart(client, shop.last_one.id)
    payment_url = place_order(client).headers["Location"]
    order = orders(session)[0]
    page = text(client.get(f"/orders/{order.number}"))
    assert "Continue to payment" in page and payment_url in page and "Cancel this order" in page
    response = client.post(f"/checkout/cancel/{order.number}")
    assert response.status_code == 302
    assert orders(session)[0].status == "cancelled"
    assert session.get(Product, shop.last_one.id).stock == 1


def test_after_a_declined_card_the_checkout_form_is_filled_in_again(client, session, shop):
    buy(client, shop.product.id, card="4000000000000002")
    form = text(client.get("/checkout"))
    for value in (SHOPPER["email"], SHOPPER["name"], SHOPPER["address"], SHOPPER["postcode"]):
        assert f'value="{value}"' in form


@pytest.mark.parametrize("field", ["name", "address", "postcode", "phone"])
def test_blank_or_spaces_only_details_are_refused(client, session, shop, field):
    add_to_cart(client, shop.product.id)
    assert place_order(client, **{field: "   "}).status_code == 400
    assert orders(session) == []


@pytest.mark.parametrize(
    "phone", ["010-1234-5678", "010 1234 5678", "01012345678", "+82 10-1234-5678", "02-123-4567"]
)
def test_common_ways_of_writing_a_korean_phone_number_are_accepted(client, session, shop, phone):
    add_to_cart(client, shop.product.id)
    assert place_order(client, phone=phone).status_code == 303
    assert orders(session)[0].phone.isdigit()


def test_an_expired_test_card_is_declined_on_the_payment_page(client, session, shop):
    english(client)
    add_to_cart(client, shop.product.id)
    payment_url = place_order(client).headers["Location"]
    response = client.post(
        payment_url, data={"card_number": "4242424242424242", "expiry": "01/20", "cvc": "123"}
    )
    assert response.status_code == 402 and "This card has expired" in text(response)
    assert orders(session)[0].status == "pending_payment"


def test_a_paid_session_page_links_to_the_order(client, session, shop):
    english(client)
    add_to_cart(client, shop.product.id)
    payment_url = place_order(client).headers["Location"]
    pay(client, payment_url)
    page = text(client.get(payment_url))
    assert "already paid" in page and "See your order" in page


def test_a_cart_line_that_ran_out_blocks_checkout_until_fixed(client, session, shop):
    english(client)
    add_to_cart(client, shop.product.id, 3)
    session.get(Product, shop.product.id).stock = 2
    session.commit()
    page = text(client.get("/cart"))
    assert (
        "Only 2 left" in page
        and "Lower the quantity" in page
        and "/checkout" not in page.split("</table>")[1]
    )
    assert client.get("/checkout").status_code == 302
    client.post(f"/cart/{shop.product.id}/quantity", data={"quantity": 2})
    assert "Check out" in text(client.get("/cart"))


def test_adding_more_than_the_stock_says_what_is_already_in_the_cart(client, shop):
    english(client)
    add_to_cart(client, shop.product.id, 10)
    response = add_to_cart(client, shop.product.id)
    assert response.status_code == 409 and "already have 10" in text(response)


def test_a_tampered_quantity_is_explained_on_the_product_page(client, shop):
    english(client)
    response = client.post("/cart/add", data={"product_id": shop.product.id, "quantity": "-1"})
    assert response.status_code == 400
    assert shop.product.title in text(response) and "at least 1" in text(response)


def test_the_confirmation_email_lists_shipping_and_the_address(client, shop, outbox):
    english(client)
    buy(client, shop.product.id)
    assert "Shipping: ₩3,000" in outbox[0].body and SHOPPER["address"] in outbox[0].body


def test_the_ledger_pages_through_every_entry(client, session, shop):
    cheap = make_product(session, shop.venture, price=1000, stock=100)
    session.commit()
    for _ in range(30):
        with client.session_transaction() as cookie:
            cookie.pop("cart", None)  # as the success page would, had we followed it
        buy(client, cheap.id)
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 60
    first = text(client.get("/ledger"))
    second = text(client.get("/ledger?page=2"))
    oldest = session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)).first()
    assert f"<td>{oldest.id}</td>" in second and f"<td>{oldest.id}</td>" not in first
    assert 'rel="next"' in first and 'rel="prev"' in second
    following = re.search(r'rel="next" href="([^"]+)"', first)
    assert following and "page=" not in following.group(1)
    followed = text(client.get(html.unescape(following.group(1))))
    ids = re.compile(r"<tr><td>(\d+)</td>")
    assert ids.findall(followed) == ids.findall(second) and len(ids.findall(second)) == 10


def test_the_test_payment_session_row_is_created_once_per_order(client, session, shop):
    add_to_cart(client, shop.product.id)
    place_order(client)
    assert session.scalar(select(func.count()).select_from(TestPaymentSession)) == 1
