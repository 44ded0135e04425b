"""CI boots the production profile: migrate a fresh PostgreSQL database, start gunicorn as
docs/deploy.md says, and walk a purchase through it over HTTP."""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.deploy.conftest import Databases, flask, production_env
from tests.deploy.live import (
    Browser,
    Processes,
    Server,
    add_to_cart,
    confirmations,
    free_port,
    order_number,
    pay,
    place_order,
    see_order,
    stop,
    wait_until_ready,
)

pytestmark = pytest.mark.postgres

METRICS_TOKEN = "scrape-" + secrets.token_hex(8)


@dataclass
class Shop:
    server: Server
    outbox: Path


@pytest.fixture
def shop(databases: Databases, processes: Processes, tmp_path: Path) -> Iterator[Shop]:
    """The shop in production mode: migrated, a catalogue, an operator, two workers."""
    port = free_port()
    url = databases.url(databases.create("boot"))
    env = production_env(
        url,
        tmp_path,
        METRICS_TOKEN=METRICS_TOKEN,
        WEB_CONCURRENCY="2",
        # Production links are https; TLS ends at the proxy, so the test speaks plain HTTP to
        # gunicorn with the public host name the links carry.
        PUBLIC_URL=f"https://127.0.0.1:{port}",
    )
    flask(env, "db", "upgrade")
    assert "0 paid orders" in flask(env, "demo", "load", "--orders", "0")
    created = flask(
        env, "operators", "create", "ops@example.com", "--password", "a long operator pw"
    )
    assert "is an operator" in created
    processes.worker(env)
    server = processes.gunicorn(env, port)
    wait_until_ready(server)
    yield Shop(server, Path(env["MAIL_FILE_PATH"]))


def buy_the_first_product(shopper: Browser) -> str:
    """Product page, cart, checkout, the test provider's card form; the order page's path."""
    listing = shopper.get("/products")
    assert listing.status == 200
    product_path = re.search(r'href="/products/(\d+)"', listing.body)
    assert product_path, "no product in the catalogue"
    add_to_cart(shopper, int(product_path.group(1)))
    order_path, status = see_order(shopper, pay(shopper, place_order(shopper)))
    assert status == "Paid"
    return order_path


def test_the_production_profile_boots_and_sells(shop: Shop) -> None:
    server = shop.server
    shopper = Browser((server.port,))
    order_path = buy_the_first_product(shopper)
    order = shopper.get(order_path)
    assert order.status == 200
    # The confirmation leaves through the outbox, the Redis queue and the worker process, with
    # a link built from PUBLIC_URL.
    number = order_number(order_path)
    deadline = time.monotonic() + 90  # the worker starts while the machine is busy
    while not any(shop.outbox.glob("*.log")) and time.monotonic() < deadline:
        time.sleep(0.2)
    emails = [path.read_text() for path in shop.outbox.glob("*.log")]
    worker_log = server.log.with_name("worker.stderr")
    assert len(emails) == 1 and number in emails[0], worker_log.read_text()[-3000:]
    assert confirmations(shop.outbox) == {number: 1}
    assert f"https://127.0.0.1:{server.port}/orders/{number}" in emails[0]

    alive = shopper.get("/healthz")
    assert (alive.status, json.loads(alive.body)) == (200, {"status": "ok"})
    ready = shopper.get("/readyz")
    assert ready.status == 200
    assert json.loads(ready.body)["checks"] == {
        "database": "ok",
        "migrations": "ok",
        "redis": "ok",
    }

    assert shopper.get("/metrics").status == 401
    scraped = shopper.get("/metrics", Authorization=f"Bearer {METRICS_TOKEN}")
    assert scraped.status == 200
    # Both workers' samples are added up: the webhook ran in one, the pages in either.
    assert 'sangsaeng_orders_paid_total{via="webhook"} 1.0' in scraped.body
    assert 'sangsaeng_webhook_deliveries_total{outcome="paid"} 1.0' in scraped.body
    assert re.search(
        r'sangsaeng_http_requests_total\{endpoint="shop.product",method="GET",status="200"\} 1.0',
        scraped.body,
    )
    assert 'sangsaeng_http_request_duration_seconds_bucket{endpoint="checkout.place"' in (
        scraped.body
    )

    traced = shopper.get("/healthz", **{"X-Request-ID": "boot-test-" + secrets.token_hex(6)})
    request_id = traced.headers["X-Request-ID"]
    assert request_id.startswith("boot-test-")
    generated = order.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)

    stop(server.process)  # flushes every worker's log lines
    lines = server.log_lines()
    access = {line["request_id"]: line for line in lines if line["logger"] == "gunicorn.access"}
    assert access[request_id]["http"] == {
        "method": "GET",
        "path": "/healthz",
        "status": 200,
        "duration_ms": access[request_id]["http"]["duration_ms"],
        "bytes": 16,
        "remote": "127.0.0.1",
    }
    assert generated in access
    token = re.search(r"token=([^&\"]+)", order_path)
    assert token and token.group(1) not in server.log.read_text()  # links' tokens are redacted
