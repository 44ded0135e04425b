"""The shop window as a shopper sees it."""

import html
import re
from datetime import timedelta

import pytest

from storefront.models import Product, utcnow
from tests.factories import make_product, make_venture
from tests.helpers import text


def test_home_shows_ventures_products_and_the_running_donation_total(client, shop):
    page = text(client.get("/"))
    assert shop.venture.name in page
    assert shop.product.title in page
    assert 'data-testid="total-given">₩0<' in page


def test_the_product_page_shows_price_stock_story_and_what_it_gives(client, shop):
    page = text(client.get(f"/products/{shop.product.id}"))
    assert "₩15,000" in page
    # 5% of 15,000 to the venture's cause, and the platform matches 1:1
    assert "₩750" in page and shop.cause.name in page
    assert shop.venture.name in page


def test_low_and_sold_out_stock_are_shown(client, shop):
    assert "1개 남음" in text(
        client.get(f"/products/{shop.last_one.id}", headers={"Accept-Language": "ko"})
    )
    sold_out = text(client.get(f"/products/{shop.sold_out.id}", headers={"Accept-Language": "en"}))
    assert "Sold out" in sold_out and "Add to cart" not in sold_out


def test_unknown_or_hidden_products_are_not_found(client, session, shop):
    pending = make_venture(session, status="pending")
    hidden = make_product(session, pending, title="숨은 상품")
    draft = make_product(session, shop.venture, title="초안 상품", status="draft")
    session.commit()
    for product_id in (999999, hidden.id, draft.id):
        assert client.get(f"/products/{product_id}").status_code == 404
    listing = text(client.get("/products"))
    assert "숨은 상품" not in listing and "초안 상품" not in listing


def test_search_filters_and_sort(client, shop):
    assert shop.product.title in text(client.get("/products?q=쿠키"))
    assert shop.cheap.title not in text(client.get("/products?q=쿠키"))
    fashion = text(client.get("/products?category=fashion"))
    assert shop.last_one.title in fashion and shop.product.title not in fashion
    by_venture = text(client.get(f"/products?venture={shop.other_venture.slug}"))
    assert shop.last_one.title in by_venture and shop.cheap.title not in by_venture
    cheap_first = text(client.get("/products?sort=price_asc"))
    assert cheap_first.index(shop.cheap.title) < cheap_first.index(shop.product.title)
    dear_first = text(client.get("/products?sort=price_desc"))
    assert dear_first.index(shop.last_one.title) < dear_first.index(shop.cheap.title)


def test_search_treats_wildcards_as_plain_text(client, shop):
    assert shop.product.title not in text(client.get("/products?q=%25"))
    assert client.get("/products?q=" + "x" * 5000).status_code == 200


def test_pagination_walks_the_whole_list(make_app, session):
    app = make_app(PRODUCTS_PER_PAGE=5)
    with app.app_context():
        from storefront.extensions import db

        venture = make_venture(db.session)
        titles = {
            make_product(db.session, venture, title=f"페이지 상품 {i:02d}").title for i in range(12)
        }
        db.session.commit()
        client = app.test_client()
        seen = set()
        for page in (1, 2, 3):
            body = text(client.get(f"/products?page={page}"))
            seen |= {t for t in titles if t in body}
        assert seen == titles
        # an old link deeper than pagination.MAX_OFFSET rows shows the first page
        assert "페이지 상품 11" in text(client.get("/products?page=999"))
        assert client.get("/products?page=abc").status_code == 200


def _link(body: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', body)
    return html.unescape(found.group(1)) if found else None


def _titles(body: str) -> list[str]:
    return re.findall(r"페이지 상품 \d\d", body)


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc", "popular"])
def test_next_and_previous_links_walk_every_product_once_in_every_sort(make_app, sort):
    app = make_app(PRODUCTS_PER_PAGE=5)
    with app.app_context():
        from storefront.extensions import db

        venture = make_venture(db.session)
        when = utcnow()
        for i in range(12):  # ties in every sort key but the id
            make_product(
                db.session, venture, title=f"페이지 상품 {i:02d}", price=1000 + 1000 * (i % 2),
                units_sold=i % 3, created_at=when - timedelta(hours=i // 4),
            )  # fmt: skip
        db.session.commit()
        client = app.test_client()
        url: str | None = f"/products?sort={sort}"
        pages = []
        while url:
            body = text(client.get(url))
            pages.append(_titles(body))
            url = _link(body, "next")
        walked = [t for page in pages for t in page]
        assert sorted(walked) == sorted(f"페이지 상품 {i:02d}" for i in range(12))
        assert [len(p) for p in pages] == [5, 5, 2]
        assert "12 products" in body or "상품 12개" in body
        back = []
        url = _link(body, "prev")
        while url:
            body = text(client.get(url))
            back.append(_titles(body))
            url = _link(body, "prev")
        assert back == pages[-2::-1]
        assert _link(body, "first") is None


def test_a_cursor_that_is_not_ours_shows_the_first_page(client, shop):
    for cursor in ("nonsense", "WyJ4Il0", "WzEsMl0", "W1siZHQiLCJ4Il0sMV0", "e30"):
        response = client.get(f"/products?after={cursor}&before={cursor}")
        assert response.status_code == 200
        assert shop.product.title in text(response)


def test_a_cursor_with_a_number_no_column_holds_shows_the_first_page(client, shop):
    for cursor in (
        "WzAsIDEwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwXQ",
        "W1siZHQiLCAiMjAyNi0wMS0wMVQwMDowMDowMCswMDowMCJdLCAtMTAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMF0",
    ):  # [0, 10**25], [a time, -10**30]
        for search in ("", "&q=x"):
            response = client.get(f"/products?after={cursor}{search}")
            assert response.status_code == 200


def test_venture_page_shows_story_mission_products_and_what_it_gave(client, shop):
    page = text(client.get(f"/ventures/{shop.venture.slug}"))
    assert shop.venture.name in page and shop.product.title in page
    assert 'data-testid="venture-given">₩0<' in page
    assert client.get("/ventures/no-such-venture").status_code == 404


def test_language_follows_the_browser_and_the_switch(client, shop):
    assert "장바구니" in text(client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9"}))
    assert "Cart" in text(client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}))
    response = client.get("/lang/en?next=/products")
    assert response.status_code == 302 and response.headers["Location"] == "/products"
    assert "Products" in text(client.get("/products", headers={"Accept-Language": "ko"}))
    assert client.get("/lang/en?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/lang/fr").status_code == 404


def test_the_form_library_s_own_messages_follow_the_language_too(client, shop):
    too_long = {"number": "x" * 40, "email": "a@example.com"}
    korean = text(client.post("/orders/lookup", data=too_long))
    assert "이 항목은 30자 보다 많을 수 없습니다." in korean
    client.get("/lang/en")
    english = text(client.post("/orders/lookup", data=too_long))
    assert "Field cannot be longer than 30 characters." in english


def test_the_test_mode_banner_is_visible(client, shop):
    assert "TEST MODE" in text(client.get("/", headers={"Accept-Language": "en"}))


def test_every_page_has_a_phone_viewport(client, shop):
    assert 'name="viewport"' in text(client.get("/"))


def test_product_counts_stay_out_of_archived(client, session, shop):
    session.get(Product, shop.cheap.id).status = "archived"
    session.commit()
    assert shop.cheap.title not in text(client.get("/products"))


def test_best_match_is_offered_and_chosen_only_while_searching(client, shop):
    searching = text(client.get("/products?q=쿠키", headers={"Accept-Language": "ko"}))
    assert '<option value="relevance" selected>정확도순</option>' in searching
    assert 'value="relevance"' not in text(client.get("/products"))
    assert 'value="newest" selected' in text(client.get("/products?sort=relevance"))
    by_price = text(client.get("/products?q=쿠키&sort=price_asc"))
    assert 'value="price_asc" selected' in by_price and shop.product.title in by_price
