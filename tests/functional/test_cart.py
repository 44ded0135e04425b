"""The cart: quantities checked against stock, bad input refused with a clear 4xx."""

import pytest

from storefront.models import Product
from tests.helpers import add_to_cart, english, place_order, text


def test_add_change_and_remove(client, shop):
    assert add_to_cart(client, shop.product.id, 2).status_code == 302
    page = text(client.get("/cart"))
    assert shop.product.title in page and "₩30,000" in page
    client.post(f"/cart/{shop.product.id}/quantity", data={"quantity": 3})
    assert "₩45,000" in text(client.get("/cart"))
    client.post(f"/cart/{shop.product.id}/remove")
    assert shop.product.title not in text(client.get("/cart"))


def test_the_cart_shows_shipping_and_what_the_order_gives(client, shop):
    english(client)
    add_to_cart(client, shop.product.id, 1)
    page = text(client.get("/cart"))
    assert 'data-testid="total">₩18,000<' in page  # 15,000 + 3,000 shipping
    assert 'data-testid="donation">₩750<' in page


def test_quantity_zero_removes_the_line(client, shop):
    add_to_cart(client, shop.product.id)
    client.post(f"/cart/{shop.product.id}/quantity", data={"quantity": 0})
    assert shop.product.title not in text(client.get("/cart"))


@pytest.mark.parametrize("quantity", ["-1", "0", "100", "99999999999999999999", "abc", "", "1.5"])
def test_bad_quantities_are_refused_with_a_400(client, shop, quantity):
    english(client)
    response = client.post("/cart/add", data={"product_id": shop.product.id, "quantity": quantity})
    assert response.status_code == 400
    page = text(response)
    assert 'class="errors"' in page or "flash-error" in page  # says what was wrong
    assert shop.product.title not in text(client.get("/cart"))
    assert text(client.get("/")).split('data-testid="cart-count">')[1][0] == "0"


def test_the_shops_own_line_maximum_applies(make_app, shop):
    client = make_app(MAX_LINE_QUANTITY=3).test_client()
    english(client)
    refused = client.post("/cart/add", data={"product_id": shop.product.id, "quantity": 4})
    assert refused.status_code == 400 and "from 1 to 3" in text(refused)
    assert 'max="3"' in text(client.get(f"/products/{shop.product.id}"))


def test_unknown_products_are_not_found(client, shop):
    assert add_to_cart(client, 987654).status_code == 404
    assert client.post("/cart/987654/quantity", data={"quantity": 1}).status_code == 404
    assert client.post("/cart/987654/remove").status_code == 404
    assert client.post("/cart/add", data={"product_id": "x", "quantity": 1}).status_code == 400
    huge = str(2**63)
    assert client.post("/cart/add", data={"product_id": huge, "quantity": 1}).status_code == 400
    assert client.post(f"/cart/{huge}/remove").status_code == 404
    assert client.get(f"/products/{huge}").status_code == 404
    assert client.get("/products/0").status_code == 404


def test_more_than_the_stock_is_refused_with_a_message(client, shop):
    english(client)
    response = add_to_cart(client, shop.last_one.id, 2)
    assert response.status_code == 409
    assert "only 1 of" in text(response) and shop.last_one.title in text(response)
    assert shop.last_one.title not in text(client.get("/cart"))
    sold_out = add_to_cart(client, shop.sold_out.id)
    assert sold_out.status_code == 409 and "sold out" in text(sold_out)


def test_adding_twice_adds_up_and_is_checked_against_stock(client, shop):
    add_to_cart(client, shop.product.id, 6)
    assert add_to_cart(client, shop.product.id, 6).status_code == 409  # 12 > 10 in stock
    assert 'value="6"' in text(client.get("/cart"))
    over = client.post(f"/cart/{shop.product.id}/quantity", data={"quantity": 11})
    assert over.status_code == 409 and 'value="6"' in text(over)


def test_a_product_withdrawn_after_adding_leaves_the_cart_with_a_message(client, session, shop):
    english(client)
    add_to_cart(client, shop.cheap.id)
    session.get(Product, shop.cheap.id).status = "archived"
    session.commit()
    page = text(client.get("/cart"))
    assert "no longer for sale" in page and shop.cheap.title not in page


def test_a_tampered_session_cart_is_ignored(app, client, shop):
    with client.session_transaction() as sess:
        sess["cart"] = {"abc": "x", str(shop.product.id): [1, 1], "7": None}
    page = text(client.get("/cart"))
    assert shop.product.title in page  # the sane line survives; its price is today's
    assert "₩15,000" in page


def test_a_full_cart_says_so(client, session, shop):
    from storefront.services.cart import MAX_CART_LINES
    from tests.factories import make_product

    english(client)
    products = [make_product(session, shop.venture) for _ in range(MAX_CART_LINES + 1)]
    session.commit()
    for product in products[:-1]:
        add_to_cart(client, product.id)
    response = add_to_cart(client, products[-1].id)
    assert response.status_code == 409 and "Your cart is full" in text(response)


@pytest.mark.parametrize(
    "line",
    [
        [-1, 15000],
        [0, 15000],
        [100, 15000],  # above MAX_LINE_QUANTITY
        [10**30, 15000],
        [1, -5],
        [True, 15000],
        ["1", "15000"],
        [1.5, 15000],
        [1],
        None,
    ],
)
def test_a_forged_cart_line_is_dropped_never_a_500(app, shop, line):
    shopper = english(app.test_client())
    with shopper.session_transaction() as cookie:
        cookie["cart"] = {str(shop.product.id): line, str(shop.cheap.id): [1, 3300]}
    page = shopper.get("/cart")
    assert page.status_code == 200
    assert shop.product.title not in text(page) and "현미 누룽지" in text(page)
    assert place_order(shopper).status_code == 303  # checks out the good line only


@pytest.mark.parametrize(
    "key", ["-1", "0", "1:-2", "abc", "1:2:3", " 1", "99999999999999999999", f"{2**31}"]
)
def test_a_forged_cart_key_is_dropped_never_a_500(app, shop, key):
    shopper = english(app.test_client())
    with shopper.session_transaction() as cookie:
        cookie["cart"] = {key: [1, 15000], str(shop.cheap.id): [1, 3300]}
    page = shopper.get("/cart")
    assert page.status_code == 200 and "현미 누룽지" in text(page)
    assert place_order(shopper).status_code == 303
