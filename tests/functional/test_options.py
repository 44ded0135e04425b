"""Products with options (sizes, colours): each option has its own stock, end to end."""

import pytest
from sqlalchemy import select

from storefront.models import Order, OrderLine, Product, ProductOption
from tests.helpers import base, english, pay, place_order, text


@pytest.fixture
def sized(client, session, shop, owner):
    """The owner gives the cookie set two sizes: S (2 in stock) and L (0)."""
    url = f"{base(shop)}/products/{shop.product.id}/options"
    assert client.post(url, data={"name": "S", "stock": "2"}).status_code == 302
    assert client.post(url, data={"name": "L", "stock": "0"}).status_code == 302
    options = session.scalars(select(ProductOption).order_by(ProductOption.id)).all()
    return {o.name: o for o in options}


def test_options_hold_the_stock_and_the_product_shows_their_sum(client, session, shop, sized):
    assert session.get(Product, shop.product.id).stock == 2
    url = f"{base(shop)}/products/{shop.product.id}/options/{sized['L'].id}/stock"
    client.post(url, data={"stock": "5"})
    assert session.get(Product, shop.product.id).stock == 7
    refused = client.post(f"{base(shop)}/products/{shop.product.id}/stock", data={"stock": "100"})
    assert refused.status_code == 409 and "set the stock of each option" in text(refused)
    again = client.post(
        f"{base(shop)}/products/{shop.product.id}/options", data={"name": "S", "stock": "1"}
    )
    assert again.status_code == 409
    page = text(client.get(f"/products/{shop.product.id}"))
    assert 'name="option_id"' in page and ">S" in page


def test_a_shopper_must_choose_an_option_and_buys_from_its_stock(app, client, session, shop, sized):
    shopper = app.test_client()
    english(shopper)
    no_choice = shopper.post("/cart/add", data={"product_id": shop.product.id, "quantity": 1})
    assert no_choice.status_code == 400 and "Choose an option" in text(no_choice)
    sold_out = shopper.post(
        "/cart/add", data={"product_id": shop.product.id, "option_id": sized["L"].id, "quantity": 1}
    )
    assert sold_out.status_code == 409
    too_many = shopper.post(
        "/cart/add", data={"product_id": shop.product.id, "option_id": sized["S"].id, "quantity": 3}
    )
    assert too_many.status_code == 409
    other_products_option = shopper.post(
        "/cart/add", data={"product_id": shop.cheap.id, "option_id": sized["S"].id, "quantity": 1}
    )
    assert other_products_option.status_code == 404
    ok = shopper.post(
        "/cart/add", data={"product_id": shop.product.id, "option_id": sized["S"].id, "quantity": 2}
    )
    assert ok.status_code == 302
    assert "(S)" in text(shopper.get("/cart"))
    pay(shopper, place_order(shopper).headers["Location"])
    line = session.scalars(select(OrderLine)).one()
    assert (line.option_id, line.option_name) == (sized["S"].id, "S")
    assert session.get(ProductOption, sized["S"].id).stock == 0
    assert session.get(Product, shop.product.id).stock == 0
    assert session.scalars(select(Order)).one().status == "paid"


def test_changing_and_removing_an_option_line_in_the_cart(app, session, shop, sized):
    shopper = app.test_client()
    s = sized["S"].id
    shopper.post("/cart/add", data={"product_id": shop.product.id, "option_id": s, "quantity": 1})
    assert (
        shopper.post(
            f"/cart/{shop.product.id}/quantity", data={"quantity": 2, "option_id": s}
        ).status_code
        == 302
    )
    assert 'value="2"' in text(shopper.get("/cart"))
    assert (
        shopper.post(
            f"/cart/{shop.product.id}/quantity", data={"quantity": 3, "option_id": s}
        ).status_code
        == 409
    )
    assert (
        shopper.post(f"/cart/{shop.product.id}/remove", data={"option_id": "999"}).status_code
        == 404
    )
    assert shopper.post(f"/cart/{shop.product.id}/remove", data={"option_id": s}).status_code == 302
    assert shop.product.title not in text(shopper.get("/cart"))


def test_cancelling_an_unpaid_order_gives_the_option_its_stock_back(app, session, shop, sized):
    shopper = app.test_client()
    shopper.post(
        "/cart/add", data={"product_id": shop.product.id, "option_id": sized["S"].id, "quantity": 2}
    )
    place_order(shopper)
    assert session.get(ProductOption, sized["S"].id).stock == 0
    order = session.scalars(select(Order)).one()
    shopper.post(f"/checkout/cancel/{order.number}")
    assert session.get(ProductOption, sized["S"].id).stock == 2
    assert session.get(Product, shop.product.id).stock == 2


def test_a_removed_option_leaves_the_shop_and_the_cart(app, client, session, shop, sized):
    shopper = app.test_client()
    english(shopper)
    shopper.post(
        "/cart/add", data={"product_id": shop.product.id, "option_id": sized["S"].id, "quantity": 1}
    )
    client.post(f"{base(shop)}/products/{shop.product.id}/options/{sized['S'].id}/remove")
    assert session.get(Product, shop.product.id).stock == 0
    assert "no longer for sale" in text(shopper.get("/cart"))


def test_a_forged_cart_line_cannot_take_another_products_option_stock(
    app, client, session, shop, sized
):
    """The session cookie is signed, but a cart read from it is checked like a form: a line
    pairing one product with another product's option is dropped."""
    shopper = english(app.test_client())
    with shopper.session_transaction() as cookie:
        cookie["cart"] = {
            f"{shop.product.id}:{sized['S'].id}": [1, 15000],
            f"{shop.cheap.id}:{sized['S'].id}": [1, 3300],
        }
    page = shopper.get("/cart")
    assert page.status_code == 200 and "현미 누룽지" not in text(page)
    placed = place_order(shopper)
    assert placed.status_code == 303
    order = session.scalars(select(Order)).one()
    assert [(line.product_id, line.option_id) for line in order.lines] == [
        (shop.product.id, sized["S"].id)
    ]
    assert session.get(ProductOption, sized["S"].id).stock == 1  # one taken, not two
