"""A gunicorn worker killed with SIGKILL while shoppers pay: gunicorn starts another, the
shoppers come back, the hold sweep and the job relay run, and no paid order is lost or
doubled, no hold is left stuck, every email leaves once and the ledger checks.

Where the kill lands is left to chance (after the first payment is answered, with many
still in flight): the invariants are asserted whatever moment it hits, from before the card
is charged to after the order is fulfilled.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.deploy.conftest import Databases, production_env
from tests.deploy.live import (
    CARD,
    CUT,
    SHOP_HOST,
    Browser,
    Processes,
    Server,
    ShopDatabase,
    add_to_cart,
    confirmations,
    expect,
    flask,
    free_port,
    order_number,
    place_order,
    see_order,
    verify_ledger,
    wait_until_ready,
)

pytestmark = pytest.mark.postgres

PRODUCTS = 3
UNITS = 10  # of each product: enough for every order
PAYERS = 20
ABANDONERS = 4  # place an order and never pay: their holds lapse
WALK_AWAY = 3  # at most this many cut-off shoppers see nothing was charged and leave it
LIMITS_DB, JOBS_DB = 13, 14
METRICS_TOKEN = "scrape-" + secrets.token_hex(8)


@dataclass
class Payment:
    shopper: Browser
    pay_path: str
    token: str  # the card form's CSRF token, fetched before the kill
    order: str | None = None  # the order's number, once its page says it is paid
    cut: bool = False  # the kill cut off one of its requests
    via: str = ""  # how it ended: "paid", "paid again", "already paid" or "walked away"


def start_paying(shopper: Browser, product_id: int) -> Payment:
    add_to_cart(shopper, product_id)
    pay_path = place_order(shopper)
    token = expect(shopper.get(pay_path), 200).csrf_token()
    return Payment(shopper, pay_path, token)


def pay_once(payment: Payment, answered: threading.Event) -> None:
    """Press Pay and follow the shop's redirects; a request the kill cuts off is noted."""
    try:
        paid = payment.shopper.post(payment.pay_path, {"csrf_token": payment.token, **CARD})
    except CUT:
        payment.cut = True
        return
    finally:
        answered.set()
    try:
        order_path, status = see_order(payment.shopper, expect(paid, 303).location)
    except CUT:
        payment.cut = True
        return
    assert status == "Paid", order_path
    payment.order, payment.via = order_number(order_path), "paid"


def come_back(payment: Payment, walk_away: bool) -> None:
    """A shopper whose payment was cut off opens the payment page again: the test provider
    offers the card form if nothing was charged (pay, or ``walk_away`` and let the hold
    lapse), else a link back to the shop, which asks the provider what became of the
    session."""
    page = expect(payment.shopper.get(payment.pay_path), 200)
    if 'name="card_number"' in page.body and walk_away:
        payment.via = "walked away"
        return
    if 'name="card_number"' in page.body:
        form = {"csrf_token": page.csrf_token(), **CARD}
        success_path = expect(payment.shopper.post(payment.pay_path, form), 303).location
        payment.via = "paid again"
    else:
        assert "This order is already paid." in page.body, page.body[:2000]
        link = re.search(r'href="([^"]+session_id=[^"]+)"', page.body)
        assert link, "no way back to the shop"
        target = urlsplit(unescape(link.group(1)))
        success_path = f"{target.path}?{target.query}"
        payment.via = "already paid"
    order_path, status = see_order(payment.shopper, success_path)
    assert status == "Paid", order_path
    payment.order = order_number(order_path)


def respawned(server: Server, killed: int, seconds: float = 30) -> list[int]:
    """Wait for gunicorn to replace the killed worker; its workers' pids."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workers = server.workers()
        if len(workers) == 2 and killed not in workers:
            return workers
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not replace worker {killed} in {seconds} s")


def test_a_worker_killed_while_paying_loses_and_doubles_nothing(
    databases: Databases, demo_catalogue: str, processes: Processes, tmp_path: Path
) -> None:
    started = time.monotonic()
    url = databases.url(databases.create("killed", template=demo_catalogue))
    env = production_env(
        url,
        tmp_path,
        limits_db=LIMITS_DB,
        jobs_db=JOBS_DB,
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="4",  # more payments in flight in the worker that is killed
        METRICS_TOKEN=METRICS_TOKEN,
    )
    db = ShopDatabase(url)
    try:
        products = db.plain_products(PRODUCTS)
        db.execute(
            "UPDATE product SET stock = :units WHERE id = ANY(:ids)", units=UNITS, ids=products
        )
        sold_before = dict(
            db.rows("SELECT id, units_sold FROM product WHERE id = ANY(:ids)", ids=products)
        )
        # The every-minute jobs are left to the commands below, run when the test says.
        processes.worker(env, "--no-periodic")
        server = processes.gunicorn(env, free_port())
        wait_until_ready(server)

        shoppers = [Browser((server.port,), SHOP_HOST) for _ in range(PAYERS + ABANDONERS)]
        with ThreadPoolExecutor(8) as pool:
            begun = list(
                pool.map(
                    start_paying, shoppers, [products[i % PRODUCTS] for i in range(len(shoppers))]
                )
            )
        payments = begun[:PAYERS]  # the rest never pay

        # Everyone presses Pay at once; once the first is answered, the worker serving the
        # most of the others is killed.
        answered = threading.Event()
        with ThreadPoolExecutor(PAYERS) as pool:
            paying = [pool.submit(pay_once, payment, answered) for payment in payments]
            assert answered.wait(timeout=60), "no payment was answered"
            victim = server.busiest_worker()
            os.kill(victim, signal.SIGKILL)
            for future in paying:
                future.result(timeout=60)
        cut = [payment for payment in payments if payment.cut]
        assert cut, "the kill cut off no payment: it tested nothing"
        respawned(server, victim)

        # The shoppers whose payment was cut off come back to it; a few leave it unpaid.
        for payment in payments:
            if payment.order is None:
                walked = sum(p.via == "walked away" for p in payments)
                come_back(payment, walk_away=walked < WALK_AWAY)
        paid = [payment for payment in payments if payment.order]
        unpaid = len(shoppers) - len(paid)
        # The holds of those who never paid lapse, and the hold sweep gives the stock back.
        lapsed = db.execute(
            """UPDATE orders SET expires_at = now() - interval '1 minute'
               WHERE status = 'pending_payment'"""
        )
        assert lapsed == unpaid  # every other order is paid: none is left waiting
        swept = flask(env, "orders", "expire-holds").strip()
        assert swept == (
            f"Released {unpaid} unpaid orders; fulfilled 0 paid ones; left 0 for the next sweep."
        )
        # A confirmation whose hand-off to the queue died with the worker is handed over again
        # by the relay (the worker's every-minute job; here at once, for anything pending).
        flask({**env, "JOBS_RELAY_AFTER_SECONDS": "0"}, "jobs", "relay")

        # Every order is paid once, or expired with its stock back; none is stuck.
        numbers = sorted(payment.order or "" for payment in paid)
        assert len(set(numbers)) == len(paid)
        orders = db.rows(
            """SELECT o.number, o.status, o.stock_held, s.status AS session
               FROM orders o LEFT JOIN test_payment_session s ON s.order_id = o.id"""
        )
        assert sorted(o.number for o in orders if o.status == "paid") == numbers
        assert sorted((o.status, o.stock_held, o.session) for o in orders) == sorted(
            # an expired order was never charged, and its session was closed at the provider first
            [("paid", True, "complete")] * len(paid) + [("expired", False, "expired")] * unpaid
        )
        units = dict(
            db.rows(
                """SELECT l.product_id, sum(l.quantity) FROM order_line l
                   JOIN orders o ON o.id = l.order_id WHERE o.status = 'paid'
                   GROUP BY l.product_id"""
            )
        )
        assert sum(units.values()) == len(paid)
        stock = db.rows(
            "SELECT id, stock, units_sold FROM product WHERE id = ANY(:ids)", ids=products
        )
        assert {row.id: (row.stock, row.units_sold - sold_before[row.id]) for row in stock} == {
            product: (UNITS - units.get(product, 0), units.get(product, 0)) for product in products
        }
        assert db.unexpected_ledger() == []
        entries = db.ledger_entries_of_paid_orders()

        db.wait_for_jobs()
        emails = confirmations(Path(env["MAIL_FILE_PATH"]))
        assert emails == dict.fromkeys(numbers, 1)
        verified = verify_ledger(env)

        # Which way the orders were marked paid, as counted (the killed worker's counts stay in
        # the sums, but one killed between its commit and its count is missing).
        scraped = Browser((server.port,), SHOP_HOST).get(
            "/metrics", Authorization=f"Bearer {METRICS_TOKEN}"
        )
        via = dict(
            re.findall(
                r'sangsaeng_orders_paid_total\{via="(\w+)"\} (\d+)', expect(scraped, 200).body
            )
        )
        processes.stop_all()  # flushes every worker's log lines
        assert server.server_errors() == []
    finally:
        db.close()
    ways = Counter(payment.via for payment in cut)
    print(
        f"\nworker killed: 1 gunicorn x 2 workers x 4 threads, {PAYERS} shoppers paying at "
        f"once and {ABANDONERS} who never pay; SIGKILL after the first answer cut off "
        f"{len(cut)} payments ({ways['paid again']} paid again, {ways['already paid']} found "
        f"their order already paid, {ways['walked away']} walked away); {len(paid)} paid "
        f"orders (counted paid by the webhook {via.get('webhook', 0)}, by the success page "
        f"asking the provider {via.get('success_page', 0)}), {unpaid} expired with their "
        f"stock back, 0 stuck, 0 server errors; {entries} ledger entries; "
        f"{sum(emails.values())} confirmation emails; {verified!r}; "
        f"whole test {time.monotonic() - started:.1f} s"
    )
