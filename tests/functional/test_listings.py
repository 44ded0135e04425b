"""A venture lists products: drafts, preview, publish, stock, and its giving rate."""

import pytest
from sqlalchemy import select

from storefront.models import Membership, Product, Venture
from tests.helpers import PASSWORD, base, sign_in, text

LISTING = {
    "title": "한지 무드등",
    "category": "living",
    "price": "38000",
    "stock": "12",
    "description": (
        "전주 한지로 만든 **무드등**입니다.\n\n- 크기: 20cm\n- <script>alert(1)</script>"
    ),
}


def create(client, shop, **fields):
    response = client.post(f"{base(shop)}/products/new", data={**LISTING, **fields})
    return response


def test_a_new_listing_is_a_draft_that_shoppers_cannot_see(client, session, shop, owner):
    response = create(client, shop)
    assert response.status_code == 302
    product = session.scalars(select(Product).where(Product.title == "한지 무드등")).one()
    assert (product.status, product.price, product.stock, product.venture_id) == (
        "draft",
        38000,
        12,
        shop.venture.id,
    )
    shopper = client.application.test_client()
    assert shopper.get(f"/products/{product.id}").status_code == 404


def test_preview_shows_the_page_with_safe_markdown_and_publish_puts_it_in_the_shop(
    client, session, shop, owner
):
    create(client, shop)
    product = session.scalars(select(Product).where(Product.title == "한지 무드등")).one()
    preview = text(client.get(f"{base(shop)}/products/{product.id}/preview"))
    assert (
        "Preview" in preview
        and "<strong>무드등</strong>" in preview
        and "<li>크기: 20cm</li>" in preview
    )
    assert "<script>alert(1)</script>" not in preview and "Add to cart" not in preview
    assert (
        client.post(
            f"{base(shop)}/products/{product.id}/status", data={"action": "publish"}
        ).status_code
        == 302
    )
    shopper = client.application.test_client()
    page = text(shopper.get(f"/products/{product.id}"))
    assert "한지 무드등" in page and "₩38,000" in page and "<strong>무드등</strong>" in page


def test_unpublish_archive_and_restore(client, session, shop, owner):
    product_id = shop.product.id
    url = f"{base(shop)}/products/{product_id}/status"
    assert client.post(url, data={"action": "unpublish"}).status_code == 302
    assert session.get(Product, product_id).status == "draft"
    assert client.get(f"/products/{product_id}").status_code == 404
    client.post(url, data={"action": "archive"})
    assert session.get(Product, product_id).status == "archived"
    refused = client.post(url, data={"action": "publish"})
    assert refused.status_code == 409 and "cannot be done" in text(refused)
    assert client.post(url, data={"action": "explode"}).status_code == 409
    client.post(url, data={"action": "restore"})
    assert session.get(Product, product_id).status == "draft"


def test_editing_changes_the_listing_but_not_past_orders(client, session, shop, owner):
    from tests.helpers import buy

    shopper = client.application.test_client()
    buy(shopper, shop.product.id)
    response = client.post(
        f"{base(shop)}/products/{shop.product.id}/edit",
        data={**LISTING, "title": "새 이름", "price": "17000", "stock": "3"},
    )
    assert response.status_code == 302
    product = session.get(Product, shop.product.id)
    # the form still showed 10 in stock; a sale since then must not be undone by saving
    assert (product.title, product.price, product.stock) == ("새 이름", 17000, 9)
    from storefront.models import OrderLine

    line = session.scalars(select(OrderLine)).one()
    assert (line.title, line.unit_price) == ("우리밀 쿠키 세트", 15000)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("price", "0"),
        ("price", "-5"),
        ("price", "abc"),
        ("stock", "-1"),
        ("category", "weapons"),
        ("title", "  "),
    ],
)
def test_bad_listing_values_are_refused(client, session, shop, owner, field, value):
    response = create(client, shop, **{field: value})
    assert response.status_code == 400
    assert session.scalars(select(Product).where(Product.title == "한지 무드등")).first() is None


def test_stock_is_edited_in_place_and_low_stock_is_listed(client, session, shop, owner):
    url = f"{base(shop)}/products/{shop.cheap.id}/stock"
    assert client.post(url, data={"stock": "2"}).status_code == 302
    assert session.get(Product, shop.cheap.id).stock == 2
    overview = text(client.get(base(shop)))
    assert shop.cheap.title in overview.split('data-testid="low-stock"')[1]
    assert client.post(url, data={"stock": "-3"}).status_code == 400
    assert session.get(Product, shop.cheap.id).stock == 2


def test_the_owner_sets_the_giving_rate_within_the_platforms_bounds(client, session, shop, owner):
    url = f"{base(shop)}/settings"
    assert client.post(url, data={"rate": "7.5"}).status_code == 302
    assert session.get(Venture, shop.venture.id).giving_rate_bp == 750
    for bad in ("0.5", "31", "abc", "7.555"):
        assert client.post(url, data={"rate": bad}).status_code == 400
    assert session.get(Venture, shop.venture.id).giving_rate_bp == 750
    # a new order uses the new rate: 7.5% of 15,000 is 1,125
    from tests.helpers import buy

    shopper = client.application.test_client()
    buy(shopper, shop.product.id)
    from storefront.models import OrderLine

    line = session.scalars(select(OrderLine)).one()
    assert (line.giving_rate_bp, line.donation_amount) == (750, 1125)


def test_staff_cannot_change_the_giving_rate(client, session, shop):
    from storefront.services import accounts

    user = accounts.sign_up(session, "staff@example.com", "직원", PASSWORD)
    session.add(Membership(user_id=user.id, venture_id=shop.venture.id, role="staff"))
    session.commit()
    sign_in(client, email="staff@example.com")
    assert client.get(f"{base(shop)}/settings").status_code == 404
    assert client.get(f"{base(shop)}/products").status_code == 200
