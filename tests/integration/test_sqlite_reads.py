"""SQLite in WAL mode: GET views read a snapshot without the write lock; writers still queue.

Each test runs on a file-backed database (see ``database_url`` in conftest), with a second,
plain ``sqlite3`` connection playing the other gunicorn worker.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from storefront import sqlite
from storefront.extensions import db
from storefront.models import Order, Product
from tests.conftest import BACKEND
from tests.factories import make_product
from tests.helpers import buyer, run_together

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's locking")


@pytest.fixture
def other_worker(database_url: str) -> Iterator[sqlite3.Connection]:
    """Another connection to the same file, as a second gunicorn worker would hold one.

    Its busy timeout is short: it never waits for the app, the app waits for it.
    """
    path = database_url.removeprefix("sqlite:///")
    connection = sqlite3.connect(path, isolation_level=None, timeout=0.1, check_same_thread=False)
    yield connection
    if connection.in_transaction:
        connection.execute("ROLLBACK")
    connection.close()


def test_pages_are_read_while_another_worker_holds_the_write_lock(
    app, client, session, shop, other_worker
):
    app.config["PROPAGATE_EXCEPTIONS"] = True
    product_id = shop.product.id
    session.commit()  # the test's own session holds no transaction either
    other_worker.execute("BEGIN IMMEDIATE")
    other_worker.execute("UPDATE product SET title = 'Being written' WHERE id = ?", (product_id,))
    for path in ("/products", f"/products/{product_id}", "/ledger", "/"):
        assert client.get(path).status_code == 200, path
    page = client.get(f"/products/{product_id}").get_data(as_text=True)
    assert (
        "Being written" not in page
    )  # the snapshot: what was committed, not what is being written
    other_worker.execute("COMMIT")


def test_a_get_that_writes_runs_again_holding_the_lock_and_loses_no_update(
    make_app, session, shop, other_worker, caplog
):
    """The first run reads a stock that another worker changes before this one writes:
    upgrading its snapshot would fail ("database is locked") or, if forced, lose that update.
    """
    app = make_app()
    runs: list[int] = []

    def take_one(product_id: int) -> str:
        product = db.session.get(Product, product_id)
        assert product is not None
        seen = product.stock
        runs.append(seen)
        if len(runs) == 1:  # another worker sells one between this read and the write
            other_worker.execute("UPDATE product SET stock = stock - 1 WHERE id = ?", (product_id,))
        product.stock = seen - 1
        db.session.commit()
        return str(product.stock)

    app.add_url_rule("/probe/<int:product_id>", view_func=take_one)
    stock = shop.product.stock
    session.commit()
    response = app.test_client().get(f"/probe/{shop.product.id}")
    assert response.status_code == 200
    assert runs == [stock, stock - 1]  # ran again, reading the other worker's sale
    assert response.get_data(as_text=True) == str(stock - 2)
    session.expire_all()
    assert session.get(Product, shop.product.id).stock == stock - 2
    assert "mark the view @sqlite.writes" in caplog.text


def test_a_rerun_starts_from_the_cookie_session_the_request_brought(make_app, session, shop):
    app = make_app()

    def flash_and_write(product_id: int) -> str:
        from flask import flash, get_flashed_messages

        flash("once")
        db.session.get(Product, product_id).stock += 1  # type: ignore[union-attr]
        db.session.commit()
        return ",".join(get_flashed_messages())

    app.add_url_rule("/probe/<int:product_id>", view_func=flash_and_write)
    session.commit()
    response = app.test_client().get(f"/probe/{shop.product.id}")
    assert response.get_data(as_text=True) == "once"


def test_a_view_that_swallows_the_refusal_still_runs_again(make_app, session, shop):
    app = make_app()
    runs: list[int] = []

    def careless(product_id: int) -> str:
        runs.append(product_id)
        try:
            db.session.get(Product, product_id).stock += 1  # type: ignore[union-attr]
            db.session.commit()
        except Exception:  # what a careless view might do
            db.session.rollback()
            return "lost"
        return "saved"

    app.add_url_rule("/probe/<int:product_id>", view_func=careless)
    stock = shop.product.stock
    session.commit()
    assert app.test_client().get(f"/probe/{shop.product.id}").get_data(as_text=True) == "saved"
    assert len(runs) == 2
    session.expire_all()
    assert session.get(Product, shop.product.id).stock == stock + 1


def test_a_marked_view_takes_the_write_lock_first_and_waits_for_the_other_worker(
    make_app, session, shop, other_worker
):
    app = make_app()
    runs: list[int] = []

    @sqlite.writes
    def take_one(product_id: int) -> str:
        runs.append(product_id)
        db.session.get(Product, product_id).stock -= 1  # type: ignore[union-attr]
        db.session.commit()
        return "ok"

    app.add_url_rule("/probe/<int:product_id>", view_func=take_one)
    product_id, stock = shop.product.id, shop.product.stock
    session.commit()
    other_worker.execute("BEGIN IMMEDIATE")
    other_worker.execute("UPDATE product SET stock = stock - 1 WHERE id = ?", (product_id,))
    release = threading.Timer(0.2, lambda: other_worker.execute("COMMIT"))
    release.start()
    response = app.test_client().get(f"/probe/{product_id}")
    release.join()
    assert response.status_code == 200 and len(runs) == 1
    session.expire_all()
    assert session.get(Product, product_id).stock == stock - 2


def test_shoppers_reading_and_buying_together_never_see_locks_or_oversell(
    app: Flask, session: Any, shop: Any
):
    app.config["PROPAGATE_EXCEPTIONS"] = True
    product_id = make_product(session, shop.venture, stock=5, price=12000).id
    session.commit()  # from here on the test's session holds no transaction (nor the lock)
    buy = buyer(app, [(product_id, 1, 12000)])
    pages = ("/products", f"/products/{product_id}", "/ledger", "/cart")

    def work(i: int) -> Any:
        if i % 2:
            return buy(i)
        return [app.test_client().get(path).status_code for path in pages]

    results = run_together(app, 16, work)
    orders = [r for i, r in enumerate(results) if i % 2 and r is not None]
    statuses = [s for i, r in enumerate(results) if not i % 2 for s in r]
    assert len(orders) == 5
    assert statuses == [200] * len(statuses)
    assert session.get(Product, product_id).stock == 0
    assert session.scalar(select(func.count()).select_from(Order)) == 5
