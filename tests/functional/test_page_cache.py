"""The page cache: what every shopper sees the same is rendered once, shows a change at once,
and never carries one session's cart, CSRF token or language to another."""

from __future__ import annotations

import re
import socket
import uuid

import pytest
from sqlalchemy import update

from storefront import config as settings
from storefront.models import Product
from storefront.services import listings
from storefront.web import page_cache
from tests.factories import Line, make_fund, make_paid_order, make_product
from tests.helpers import add_to_cart, cell, english, sign_up, text

PRICE = 'data-testid="price">'


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert found, "no CSRF token"
    return found.group(1)


def test_a_cached_page_is_served_without_the_database(client, shop, count_queries):
    page = f"/products/{shop.product.id}"
    client.get(page)
    with count_queries() as queries:
        again = client.get(page)
    assert again.status_code == 200 and "₩15,000" in text(again)
    assert queries.statements == []


def test_the_null_cache_renders_every_time(make_app, shop, count_queries):
    app, page = make_app(CACHE_TYPE="NullCache"), f"/products/{shop.product.id}"
    client = app.test_client()
    client.get(page)
    with app.app_context(), count_queries() as queries:  # this app's engine
        client.get(page)
    assert queries.count > 0


def test_a_new_price_shows_at_once_on_the_cached_pages(client, session, shop):
    product_page, listing = f"/products/{shop.product.id}", "/products"
    assert "₩15,000" in text(client.get(product_page)) and "₩15,000" in text(client.get(listing))
    listings.update(
        session,
        shop.product,
        listings.ListingInput(shop.product.title, "새 설명", "food", 17500, 10),
    )
    session.commit()
    assert cell(text(client.get(product_page)), "price") == "₩17,500"
    assert "₩17,500" in text(client.get(listing)) and "₩15,000" not in text(client.get(listing))


def test_stock_changed_by_a_bulk_update_shows_at_once(client, session, shop):
    page = f"/products/{shop.product.id}"
    assert "Sold out" not in text(client.get(page, headers={"Accept-Language": "en"}))
    session.execute(update(Product).where(Product.id == shop.product.id).values(stock=0))
    session.commit()
    assert "Sold out" in text(client.get(page, headers={"Accept-Language": "en"}))


def test_archiving_and_publishing_show_at_once(client, session, shop):
    page = f"/products/{shop.product.id}"
    assert client.get(page).status_code == 200
    listings.change_status(session, shop.product, "archive")
    session.commit()
    assert client.get(page).status_code == 404
    assert shop.product.title not in text(client.get("/products"))

    draft = make_product(session, shop.venture, title="새로 나온 잼", status="draft")
    session.commit()
    assert "새로 나온 잼" not in text(client.get("/products"))
    listings.change_status(session, draft, "publish")
    session.commit()
    assert "새로 나온 잼" in text(client.get("/products"))
    assert "새로 나온 잼" in text(client.get(f"/ventures/{shop.venture.slug}"))


def test_a_fund_that_closes_or_opens_shows_at_once_on_the_product_page(client, session, shop):
    page = f"/products/{shop.last_one.id}"
    assert 'data-testid="fund-offer"' in text(client.get(page))
    shop.fund.active = False
    session.commit()
    assert 'data-testid="fund-offer"' not in text(client.get(page))
    make_fund(session, name="새해 매칭", sponsor="상생은행")
    session.commit()
    assert "새해 매칭" in text(client.get(page))


def test_a_paid_order_shows_at_once_on_the_ledger_home_and_venture_pages(client, session, shop):
    pages = ["/", "/ledger", f"/ventures/{shop.venture.slug}", "/impact"]
    before = {page: text(client.get(page)) for page in pages}
    assert cell(before["/"], "total-given") == "₩0"
    make_paid_order(session, shop.venture, [Line(shop.product, 2)], fund=shop.fund)
    session.commit()
    after = {page: text(client.get(page)) for page in pages}
    assert cell(after["/"], "total-given") == "₩3,000"  # 5% of ₩30,000, matched 1:1
    for page in pages:
        assert after[page] != before[page], page


def test_a_cached_page_never_shows_another_sessions_cart(make_app, shop):
    app = make_app()
    alice, bob = app.test_client(), app.test_client()
    add_to_cart(alice, shop.product.id, 3)
    page = f"/products/{shop.product.id}"
    assert cell(text(alice.get(page)), "cart-count") == "3"  # rendered and stored for Alice
    assert cell(text(bob.get(page)), "cart-count") == "0"  # served from the cache to Bob
    assert cell(text(alice.get("/products")), "cart-count") == "3"


def test_a_cached_page_carries_each_sessions_own_csrf_token(make_app, shop):
    app = make_app(WTF_CSRF_ENABLED=True)
    alice, bob = app.test_client(), app.test_client()
    page = f"/products/{shop.product.id}"
    alice_token, bob_token = csrf_of(text(alice.get(page))), csrf_of(text(bob.get(page)))
    assert page_cache.CSRF_SLOT not in text(bob.get(page))
    for client, token in ((alice, alice_token), (bob, bob_token)):
        added = client.post(
            "/cart/add", data={"product_id": shop.product.id, "quantity": 1, "csrf_token": token}
        )
        assert added.status_code == 302
    stolen = bob.post(
        "/cart/add",
        data={"product_id": shop.product.id, "quantity": 1, "csrf_token": alice_token},
    )
    assert stolen.status_code == 400  # Alice's token is no good in Bob's session


def test_a_whole_cached_page_never_shows_another_shoppers_account_or_messages(make_app, shop):
    app = make_app()
    visitor, owner = app.test_client(), app.test_client()
    page = f"/products/{shop.product.id}"
    assert "Sign out" not in text(english(visitor).get(page))  # stored whole for visitors
    sign_up(english(owner))
    assert "Sign out" in text(owner.get(page))  # the shell of a signed-in session
    with visitor.session_transaction() as cookie:
        cookie["_flashes"] = [("success", "Welcome back")]
    assert "Welcome back" in text(visitor.get(page))
    again = text(visitor.get(page))
    assert "Welcome back" not in again and "Sign out" not in again
    assert page_cache.CART_SLOT not in again and cell(again, "cart-count") == "0"


def test_the_language_is_part_of_the_key(client, shop):
    page = f"/products/{shop.sold_out.id}"
    korean, english = 'stock-out">품절<', 'stock-out">Sold out<'
    assert korean in text(client.get(page, headers={"Accept-Language": "ko"}))
    assert english in text(client.get(page, headers={"Accept-Language": "en"}))
    client.get("/lang/ko")  # the shopper's choice outranks the browser's
    assert korean in text(client.get(page, headers={"Accept-Language": "en"}))


def test_the_query_string_is_part_of_the_key(client, shop):
    assert shop.last_one.title in text(client.get("/products?category=fashion"))
    assert shop.last_one.title not in text(client.get("/products?category=food"))


def test_a_cache_that_is_down_leaves_the_pages_working(make_app, session, shop):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = make_app(
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL=f"redis://127.0.0.1:{port}/0",
        CACHE_OPTIONS={"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    )
    page_cache._down_until[0] = 0.0
    client = app.test_client()
    try:
        assert "₩15,000" in text(client.get(f"/products/{shop.product.id}"))
        shop.product.price = 16000
        session.commit()  # the renewal fails too, and the commit stands
        assert "₩16,000" in text(client.get(f"/products/{shop.product.id}"))
        assert client.get("/ledger").status_code == 200
    finally:
        page_cache._down_until[0] = 0.0


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_available(), reason="needs Redis at 127.0.0.1:6379")
def test_instances_sharing_redis_see_each_others_changes_at_once(make_app, session, shop):
    redis = {
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": "redis://127.0.0.1:6379/0",
        "CACHE_KEY_PREFIX": f"sangsaeng-test-{uuid.uuid4().hex}:",  # no other run's keys
    }
    reader, writer = make_app(**redis), make_app(**redis)
    product_id = shop.product.id
    page = f"/products/{product_id}"
    session.commit()  # the test's own session holds no lock while the apps work
    assert cell(text(reader.test_client().get(page)), "price") == "₩15,000"
    with writer.app_context():
        from storefront.extensions import db

        db.session.execute(update(Product).where(Product.id == product_id).values(price=9900))
        db.session.commit()
        db.session.remove()
    with reader.app_context():
        assert cell(text(reader.test_client().get(page)), "price") == "₩9,900"
        reader.extensions["cache"][next(iter(reader.extensions["cache"]))].clear()


def test_production_shares_the_cache_through_redis(tmp_path):
    env = {
        "SANGSAENG_ENV": "production",
        "SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789",
        "DATABASE_URL": "postgresql+psycopg://db/shop",
        "PUBLIC_URL": "https://shop.example.org",
        "PAYMENT_PROVIDER": "test",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "JOBS_BROKER_URL": "redis://127.0.0.1:6379/1",
        "LOG_SIGNING_KEY_FILE": "/run/secrets/log-signing.key",
    }
    loaded = settings.load(str(tmp_path), env)
    assert loaded["CACHE_TYPE"] == "RedisCache"
    assert loaded["CACHE_REDIS_URL"] == "redis://127.0.0.1:6379/0"
    off = settings.load(str(tmp_path), {**env, "CACHE_TYPE": "NullCache"})
    assert off["CACHE_TYPE"] == "NullCache"
    with pytest.raises(settings.ConfigError):
        settings.load(str(tmp_path), {**env, "CACHE_TYPE": "SimpleCache"})
    assert settings.load(str(tmp_path), {})["CACHE_TYPE"] == "SimpleCache"
    with_redis = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert settings.load(str(tmp_path), with_redis)["CACHE_TYPE"] == "RedisCache"


def test_a_shared_page_answers_a_conditional_get_with_304(client, shop):
    first = client.get("/products")
    assert first.headers["ETag"]
    assert {"private", "no-cache"} <= {p.strip() for p in first.headers["Cache-Control"].split(",")}
    assert "Accept-Language" in first.headers["Vary"] and "Cookie" in first.headers["Vary"]
    same = client.get("/products", headers={"If-None-Match": first.headers["ETag"]})
    assert same.status_code == 304 and same.data == b""
    shop.cheap.price = 3500
    from storefront.extensions import db

    db.session.commit()
    changed = client.get("/products", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "₩3,500" in text(changed)
