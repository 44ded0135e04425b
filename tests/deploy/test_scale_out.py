"""Scale out as docs/deploy.md says one may: two gunicorns on one PostgreSQL database and one
Redis, and a job worker. Shoppers spread over both race for the last units; then wrong
passwords spread over both meet the sign-in limit at the same count as on one."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.deploy.conftest import Databases, fresh_redis, production_env
from tests.deploy.live import (
    SHOP_HOST,
    Browser,
    Processes,
    ShopDatabase,
    SoldOut,
    add_to_cart,
    confirmations,
    expect,
    free_port,
    order_number,
    pay,
    place_order,
    see_order,
    verify_ledger,
    wait_until_ready,
)

pytestmark = pytest.mark.postgres

PRODUCTS = 3
UNITS = 4  # of each product
BUYERS = 30  # each wants one unit
THREADS = 16
SIGN_IN_LIMIT = 5  # the default SIGN_IN_RATE_LIMIT: 5 per minute
LIMITS_DB, JOBS_DB = 13, 14


@dataclass(frozen=True)
class Outcome:
    product_id: int
    order: str | None  # the paid order's number
    refused: str | None  # where the shop said the product is sold out


def buy(shopper: Browser, product_id: int) -> Outcome:
    """One unit, from the product page to the order page; a sold-out refusal is an answer."""
    try:
        add_to_cart(shopper, product_id)
        pay_path = place_order(shopper)
    except SoldOut as refusal:
        return Outcome(product_id, None, str(refusal))
    order_path, status = see_order(shopper, pay(shopper, pay_path))
    assert status == "Paid", order_path
    return Outcome(product_id, order_number(order_path), None)


def wrong_passwords_until_refused(shopper: Browser, tries: int = SIGN_IN_LIMIT + 3) -> int:
    """Sign in with a wrong password until the shop says 429; how many it let through."""
    token = expect(shopper.get("/account/sign-in"), 200).csrf_token()
    form = {"csrf_token": token, "email": "nobody@example.com", "password": "not the password"}
    for attempt in range(tries):
        answer = shopper.post("/account/sign-in", form)
        if answer.status == 429:
            return attempt
        expect(answer, 401)
    pytest.fail(f"{tries} wrong passwords and no 429")


class StockWatch:
    """Sample the products' lowest stock while shoppers buy, until stopped (or 120 s)."""

    def __init__(self, db: ShopDatabase, product_ids: list[int]) -> None:
        self.db, self.product_ids = db, product_ids
        self.lowest = UNITS
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        deadline = time.monotonic() + 120
        while not self._stop.is_set() and time.monotonic() < deadline:
            low = self.db.scalar(
                "SELECT min(stock) FROM product WHERE id = ANY(:ids)", ids=self.product_ids
            )
            self.lowest = min(self.lowest, int(low))
            self.samples += 1
            self._stop.wait(0.05)

    def __enter__(self) -> StockWatch:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def test_two_instances_sell_the_last_units_once_and_share_the_sign_in_limit(
    databases: Databases, demo_catalogue: str, processes: Processes, tmp_path: Path
) -> None:
    started = time.monotonic()
    url = databases.url(databases.create("scale", template=demo_catalogue))
    env = production_env(url, tmp_path, limits_db=LIMITS_DB, jobs_db=JOBS_DB, WEB_CONCURRENCY="2")
    db = ShopDatabase(url)
    try:
        products = db.plain_products(PRODUCTS)
        assert len(products) == PRODUCTS
        db.execute(
            "UPDATE product SET stock = :units WHERE id = ANY(:ids)", units=UNITS, ids=products
        )
        sold_before = dict(
            db.rows("SELECT id, units_sold FROM product WHERE id = ANY(:ids)", ids=products)
        )
        processes.worker(env)
        ports = (free_port(), free_port())
        servers = [processes.gunicorn(env, port, f"gunicorn-{port}") for port in ports]
        for server in servers:
            wait_until_ready(server)

        # Each shopper's requests go to one instance, then the other, in turn (no sticky
        # sessions): the cart and the CSRF token live in the signed session cookie.
        shoppers = [Browser(ports[i % 2 :] + ports[: i % 2], SHOP_HOST) for i in range(BUYERS)]
        buying = time.monotonic()
        with StockWatch(db, products) as watch, ThreadPoolExecutor(THREADS) as pool:
            futures = [
                pool.submit(buy, shopper, products[i % PRODUCTS])
                for i, shopper in enumerate(shoppers)
            ]
            outcomes = [future.result(timeout=120) for future in futures]
        bought_in = time.monotonic() - buying

        # No oversell: each product's paid units are at most what it had, and here (every
        # order placed is paid) exactly that: the rest of the shoppers were told it is gone.
        paid = [o for o in outcomes if o.order]
        refused = [o for o in outcomes if o.refused]
        assert len(paid) + len(refused) == BUYERS
        assert len(paid) == PRODUCTS * UNITS
        assert len({o.order for o in paid}) == len(paid)
        units = dict(
            db.rows(
                """SELECT l.product_id, sum(l.quantity) FROM order_line l
                   JOIN orders o ON o.id = l.order_id WHERE o.status = 'paid'
                   GROUP BY l.product_id"""
            )
        )
        assert units == dict.fromkeys(products, UNITS)
        stock = db.rows(
            "SELECT id, stock, units_sold FROM product WHERE id = ANY(:ids)", ids=products
        )
        assert {row.id: (row.stock, row.units_sold - sold_before[row.id]) for row in stock} == {
            product: (0, UNITS) for product in products
        }
        assert watch.lowest >= 0
        statuses = dict(db.rows("SELECT status, count(*) FROM orders GROUP BY status"))
        assert statuses == {"paid": len(paid)}

        # Fulfilled once: one donation entry a line (and a match entry a matched line).
        assert db.unexpected_ledger() == []
        entries = db.ledger_entries_of_paid_orders()
        assert entries >= len(paid)

        # One confirmation email a paid order, sent by the worker.
        db.wait_for_jobs()
        emails = confirmations(Path(env["MAIL_FILE_PATH"]))
        assert emails == dict.fromkeys((o.order for o in paid), 1)
        verified = verify_ledger(env)

        # The sign-in limit is counted in Redis, so two instances (four workers) refuse at the
        # same attempt as one.
        fresh_redis(LIMITS_DB)
        on_one = wrong_passwords_until_refused(Browser(ports[:1], SHOP_HOST))
        fresh_redis(LIMITS_DB)
        on_two = wrong_passwords_until_refused(Browser(ports, SHOP_HOST))
        assert on_one == on_two == SIGN_IN_LIMIT

        processes.stop_all()  # flushes every worker's log lines
        for server in servers:
            assert server.server_errors() == []
    finally:
        db.close()
    print(
        f"\nscale-out: 2 gunicorns x 2 workers, {BUYERS} shoppers on {THREADS} threads for "
        f"{PRODUCTS} products x {UNITS} units: {len(paid)} paid orders, "
        f"{sum(units.values())} units sold of {PRODUCTS * UNITS}, {len(refused)} told sold out, "
        f"0 server errors, lowest stock seen {watch.lowest} ({watch.samples} samples); "
        f"{entries} ledger entries; {sum(emails.values())} confirmation emails; "
        f"sign-in refused after {on_one} wrong passwords on one instance, {on_two} on two; "
        f"{verified!r}; buying {bought_in:.1f} s, whole test {time.monotonic() - started:.1f} s"
    )
