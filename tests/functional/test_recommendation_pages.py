"""Recommendations on the pages: the product page's sections (cached, the same for everyone,
fresh after a refresh) and the signed-in shopper's own list on the home page (never cached)."""

from __future__ import annotations

from sqlalchemy import select

from storefront.models import User, utcnow
from storefront.services import recommend
from tests.factories import Line, make_paid_order, make_product
from tests.helpers import english, sign_up, text


def bought(session, venture, email, *products):
    return make_paid_order(session, venture, [Line(p) for p in products], email=email)


def refresh(session):
    recommend.refresh(session, utcnow())
    session.commit()


def section(html, testid):
    start = html.find(f'data-testid="{testid}"')
    if start < 0:
        return ""
    return html[start : html.find("</section>", start)]


def test_the_product_page_shows_bought_together_in_english_and_korean(client, session, shop):
    bought(session, shop.venture, "a@example.com", shop.product, shop.cheap)
    bought(session, shop.venture, "b@example.com", shop.product, shop.cheap)
    refresh(session)
    page = f"/products/{shop.product.id}"
    korean = text(client.get(page))
    assert "이 상품을 산 분들이 함께 산 상품" in korean
    assert "현미 누룽지" in section(korean, "bought-together")
    english_page = text(english(client).get(page))
    assert "Shoppers who bought this also bought" in section(english_page, "bought-together")
    assert "Popular in" not in english_page


def test_without_a_model_the_product_page_shows_popular_products_nearby(client, session, shop):
    other = make_product(session, shop.other_venture, title="인기 간식", category="food")
    session.commit()
    html = text(english(client).get(f"/products/{shop.product.id}"))
    assert 'data-testid="bought-together"' not in html
    assert "인기 간식" in section(html, "popular-nearby")
    assert "Popular in " in section(html, "popular-nearby")
    assert "현미 누룽지" in section(html, "more-from-venture")
    assert f"More from {shop.venture.name}" in html
    assert other.title not in section(html, "more-from-venture")


def test_one_shoppers_basket_never_shows_as_bought_together(client, session, shop):
    bought(session, shop.venture, "a@example.com", shop.product, shop.last_one)
    refresh(session)
    page = f"/products/{shop.product.id}"
    html = text(english(client).get(page))
    assert 'data-testid="bought-together"' not in html
    assert "업사이클 가방" not in html  # nowhere else on the page either
    bought(session, shop.venture, "b@example.com", shop.product, shop.last_one)
    refresh(session)
    assert "업사이클 가방" in section(text(client.get(page)), "bought-together")


def test_a_refresh_shows_at_once_on_the_cached_product_page(client, session, shop):
    page = f"/products/{shop.product.id}"
    before = text(client.get(page))  # rendered and kept
    assert 'data-testid="bought-together"' not in before
    bought(session, shop.venture, "a@example.com", shop.product, shop.last_one)
    bought(session, shop.venture, "b@example.com", shop.product, shop.last_one)
    session.commit()
    assert 'data-testid="bought-together"' not in text(client.get(page))
    refresh(session)
    assert "업사이클 가방" in section(text(client.get(page)), "bought-together")


def test_a_product_that_sells_out_leaves_the_sections_at_once(client, session, shop):
    bought(session, shop.venture, "a@example.com", shop.product, shop.last_one)
    bought(session, shop.venture, "b@example.com", shop.product, shop.last_one)
    refresh(session)
    page = f"/products/{shop.product.id}"
    assert "업사이클 가방" in text(client.get(page))
    shop.last_one.stock = 0
    session.commit()
    assert "업사이클 가방" not in text(client.get(page))


def test_a_signed_in_shopper_sees_their_own_recommendations_on_the_home_page(
    make_app, session, shop
):
    app = make_app()  # with the page cache
    bought(session, shop.venture, "a@example.com", shop.product, shop.last_one)
    bought(session, shop.venture, "b@example.com", shop.product, shop.last_one)
    mine_order = bought(session, shop.venture, "me@example.com", shop.product)
    refresh(session)
    visitor, me, other = app.test_client(), app.test_client(), app.test_client()
    assert 'data-testid="for-you"' not in text(visitor.get("/"))  # kept whole for visitors
    sign_up(me, email="me@example.com")
    # the guest order is the account's once its email is verified (services/shoppers.py)
    mine_order.user_id = session.scalar(select(User.id).filter_by(email="me@example.com"))
    session.commit()
    assert "나를 위한 추천" in section(text(me.get("/")), "for-you")
    mine = text(english(me).get("/"))
    assert "Recommended for you" in mine
    assert "업사이클 가방" in section(mine, "for-you")
    assert "우리밀 쿠키 세트" not in section(mine, "for-you")  # bought already
    sign_up(other, email="other@example.com", name="다른사람")
    theirs = section(text(other.get("/")), "for-you")
    assert "우리밀 쿠키 세트" in theirs  # nothing bought: the best sellers, this one included
    assert 'data-testid="for-you"' not in text(visitor.get("/"))  # still nobody's list
    # My page shows the same list, from the account's own orders
    assert "업사이클 가방" in section(text(me.get("/my")), "for-you")
    assert "우리밀 쿠키 세트" in section(text(other.get("/my")), "for-you")  # best sellers
