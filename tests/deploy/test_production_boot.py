"""CI boots the production profile: migrate a fresh PostgreSQL database, start gunicorn as
docs/deploy.md says, and walk a purchase through it over HTTP."""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from tests.deploy.conftest import BIN, ROOT, Databases, flask, production_env
from tests.helpers import SHOPPER

pytestmark = pytest.mark.postgres

METRICS_TOKEN = "scrape-" + secrets.token_hex(8)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        """Where a redirect points, as a path on this server (links may say https://host)."""
        target = urlsplit(self.headers["Location"])
        return target.path + (f"?{target.query}" if target.query else "")

    def csrf_token(self) -> str:
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.body)
        assert found, "no CSRF token on the page"
        return found.group(1)


@dataclass
class Browser:
    """A shopper's HTTP client: keeps cookies (Secure ones too: this is plain HTTP on
    loopback, where a reverse proxy would have ended TLS), follows no redirect by itself."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, **headers: str
    ) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        body = urlencode(form) if form is not None else None
        sent = {"Accept-Language": "en", **headers}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            reply = Reply(response.status, response.headers, response.read().decode())
        finally:
            conn.close()
        for cookie in reply.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return reply

    def get(self, path: str, **headers: str) -> Reply:
        return self.request("GET", path, **headers)

    def post(self, path: str, form: dict[str, str]) -> Reply:
        return self.request("POST", path, form)


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    outbox: Path

    def log_lines(self) -> list[dict[str, object]]:
        """gunicorn's stderr, each line a JSON object (the test fails on any that is not)."""
        lines = []
        for raw in self.log.read_text().splitlines():
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                pytest.fail(f"a log line is not JSON: {raw}")
        return lines


def wait_until_ready(server: Server, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"gunicorn exited ({server.process.returncode}):\n{server.log.read_text()}")
        try:
            if Browser(server.port).get("/readyz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"gunicorn was not ready in {seconds} s:\n{server.log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn and its workers (their own process group), by force if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@pytest.fixture
def server(databases: Databases, tmp_path: Path) -> Iterator[Server]:
    """The shop in production mode: migrated, a catalogue, an operator, two workers."""
    port = free_port()
    url = databases.url(databases.create("boot"))
    env = production_env(
        url,
        tmp_path,
        METRICS_TOKEN=METRICS_TOKEN,
        WEB_CONCURRENCY="2",
        GUNICORN_BIND=f"127.0.0.1:{port}",
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
    log = tmp_path / "gunicorn.stderr"
    with log.open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "storefront:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=stderr,
            stderr=stderr,
            start_new_session=True,  # its own process group, so that stop() reaches the workers
        )
    with (tmp_path / "worker.stderr").open("wb") as worker_log:
        worker = subprocess.Popen(  # noqa: S603 - our own venv's flask
            [str(BIN / "flask"), "jobs", "worker"],
            cwd=ROOT,
            env=env,
            stdout=worker_log,
            stderr=worker_log,
            start_new_session=True,
        )
    running = Server(port, process, log, Path(env["MAIL_FILE_PATH"]))
    try:
        wait_until_ready(running)
        yield running
    finally:
        stop(process)
        stop(worker)


def buy_the_first_product(shopper: Browser) -> str:
    """Product page, cart, checkout, the test provider's card form; the order page's path."""
    listing = shopper.get("/products")
    assert listing.status == 200
    product_path = re.search(r'href="(/products/\d+)"', listing.body)
    assert product_path, "no product in the catalogue"
    product = shopper.get(product_path.group(1))
    assert product.status == 200
    product_id = re.search(r'name="product_id"[^>]*value="(\d+)"', product.body)
    assert product_id
    added = shopper.post(
        "/cart/add",
        {"csrf_token": product.csrf_token(), "product_id": product_id.group(1), "quantity": "1"},
    )
    assert added.status in (302, 303), added.body

    checkout = shopper.get("/checkout")
    assert checkout.status == 200
    placed = shopper.post("/checkout", {**SHOPPER, "csrf_token": checkout.csrf_token()})
    assert placed.status == 303, placed.body
    assert placed.location.startswith("/test-pay/")

    card_form = shopper.get(placed.location)
    assert card_form.status == 200
    paid = shopper.post(
        placed.location,
        {
            "csrf_token": card_form.csrf_token(),
            "card_number": "4242 4242 4242 4242",
            "expiry": "12/30",
            "cvc": "123",
        },
    )
    assert paid.status == 303, paid.body
    success = shopper.get(paid.location)
    assert success.status in (302, 303)
    return success.location


def test_the_production_profile_boots_and_sells(server: Server) -> None:
    shopper = Browser(server.port)
    order_path = buy_the_first_product(shopper)
    order = shopper.get(order_path)
    assert order.status == 200
    status = re.search(r'data-testid="order-status">([^<]+)<', order.body)
    assert status and unescape(status.group(1)).strip() == "Paid"
    # The confirmation leaves through the outbox, the Redis queue and the worker process, with
    # a link built from PUBLIC_URL.
    number = order_path.split("/")[2].split("?")[0]
    deadline = time.monotonic() + 90  # the worker starts while the machine is busy
    while not any(server.outbox.glob("*.log")) and time.monotonic() < deadline:
        time.sleep(0.2)
    emails = [path.read_text() for path in server.outbox.glob("*.log")]
    worker_log = server.log.with_name("worker.stderr")
    assert len(emails) == 1 and number in emails[0], worker_log.read_text()[-3000:]
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
    assert access[request_id]["http"] == {  # type: ignore[comparison-overlap]
        "method": "GET",
        "path": "/healthz",
        "status": 200,
        "duration_ms": access[request_id]["http"]["duration_ms"],  # type: ignore[index]
        "bytes": 16,
        "remote": "127.0.0.1",
    }
    assert generated in access
    token = re.search(r"token=([^&\"]+)", order_path)
    assert token and token.group(1) not in server.log.read_text()  # links' tokens are redacted
