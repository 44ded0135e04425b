"""When PostgreSQL or Redis goes away for a while: a friendly 503 (never a 500), nothing
lost, and the shop is back by itself once they return, with no restart."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import has_request_context
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError

from storefront.extensions import db
from storefront.models import Order, Product
from tests.conftest import PG_ADMIN_URL
from tests.helpers import SHOPPER, add_to_cart, english, pay, place_order, sign_in, sign_up
from tests.helpers import text as page_text


@contextmanager
def refusing_connections(database_url: str) -> Iterator[None]:
    """Cut every connection to the test's database and refuse new ones (as when the server
    restarts or the network drops), without touching the server or anyone else's database."""
    name = make_url(database_url).database
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()


@pytest.mark.postgres
def test_postgresql_away_gives_a_translated_503_and_the_shop_recovers_by_itself(
    make_app, database_url, session, shop
):
    # As in production: no test-only re-raising. Without the page cache, which would answer
    # the product page it already holds without asking the database.
    app = make_app(PROPAGATE_EXCEPTIONS=False, CACHE_TYPE="NullCache")
    client = app.test_client()
    product_id, stock = shop.product.id, shop.product.stock
    assert client.get(f"/products/{product_id}").status_code == 200
    assert add_to_cart(client, product_id, 2).status_code == 302
    session.commit()  # the test's own session holds no connection through the outage
    with refusing_connections(database_url):
        away = client.get(
            f"/products/{product_id}",
            headers={"Accept-Language": "ko", "X-Request-ID": "ref-outage-1"},
        )
        assert away.status_code == 503
        body = page_text(away)
        assert "잠시만 기다려 주세요" in body and "잃어버린 내용은 없으니" in body
        assert "ref-outage-1" in body  # the reference the shopper can quote
        checkout = client.post("/checkout", data=SHOPPER, headers={"X-Request-ID": "ref-outage-2"})
        assert checkout.status_code == 503 and "ref-outage-2" in page_text(checkout)
    # back, with no restart: the pool's pre-ping throws the dead connections away
    assert client.get(f"/products/{product_id}").status_code == 200
    assert session.scalar(select(func.count()).select_from(Order)) == 0  # nothing half-done
    placed = place_order(client)  # the cart survived the outage (it lives in the cookie)
    assert placed.status_code == 303
    assert pay(client, placed.headers["Location"]).status_code == 303
    order = session.scalars(select(Order)).one()
    assert order.status == "paid" and sum(line.quantity for line in order.lines) == 2
    assert session.get(Product, product_id).stock == stock - 2


@pytest.mark.postgres
def test_postgresql_away_gives_a_signed_in_shopper_the_busy_page_too(
    make_app, database_url, session, shop
):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    client = english(app.test_client())
    sign_up(client, email="shopper@example.com")
    assert sign_in(client, email="shopper@example.com").status_code == 302
    session.commit()
    with refusing_connections(database_url):
        away = client.get("/")  # loading the signed-in user needs the database too
        assert away.status_code == 503
        assert "The shop is busy right now. Nothing was lost" in page_text(away)
    back = client.get("/")
    assert back.status_code == 200 and "Sign out" in page_text(back)  # still signed in


@contextmanager
def statements_failing(engine: Engine) -> Iterator[None]:
    """Fail every statement a request sends, as a database that has just gone away does."""

    def fail(*args: object) -> None:
        if has_request_context():
            raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    event.listen(engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", fail)


def test_the_busy_page_needs_no_database_even_for_a_signed_in_shopper(make_app, session, shop):
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    client = english(app.test_client())
    sign_up(client, email="shopper@example.com")
    with app.app_context():
        engine = db.engine
    with statements_failing(engine):
        away = client.get("/", headers={"X-Request-ID": "ref-away-1"})
    assert away.status_code == 503
    assert "The shop is busy right now" in page_text(away) and "ref-away-1" in page_text(away)
    assert "Sign out" in page_text(client.get("/"))  # still signed in once it is back
