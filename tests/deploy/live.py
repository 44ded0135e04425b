"""The shop as an operator runs it (gunicorn, the job worker, ``flask`` commands) and as
shoppers reach it (plain HTTP with cookies), for the deploy tests to share."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import create_engine, text

from tests.helpers import SHOPPER

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# The name shoppers reach the shop by, as a reverse proxy in front of several gunicorns
# would pass it on: every instance answers to it and builds its links from it.
SHOP_HOST = "shop.sangsaeng.test"
CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"}
# What a shopper's request may fail with when the process serving it dies.
CUT = (OSError, http.client.HTTPException)


def flask(env: dict[str, str], *args: str) -> str:
    """Run ``flask <args>`` as an operator would; its output, or the test fails with it."""
    done = subprocess.run(  # noqa: S603 - our own venv's flask
        [str(BIN / "flask"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- shoppers ---------------------------------------------------------------------------------


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
        assert found, f"no CSRF token on the page ({self.status})"
        return found.group(1)


@dataclass
class Browser:
    """A shopper's HTTP client: keeps cookies (Secure ones too: this is plain HTTP on
    loopback, where a reverse proxy would have ended TLS), follows no redirect by itself.

    Given several ports it sends each request to the next one, like a load balancer without
    sticky sessions; ``host`` is the ``Host`` it claims (else the address it connects to).
    """

    ports: tuple[int, ...]
    host: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    sent: int = 0

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, **headers: str
    ) -> Reply:
        port = self.ports[self.sent % len(self.ports)]
        self.sent += 1
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
        body = urlencode(form) if form is not None else None
        sent = {"Accept-Language": "en", **headers}
        if self.host:
            sent["Host"] = self.host
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
        return self.request("GET", path, None, **headers)

    def post(self, path: str, form: dict[str, str]) -> Reply:
        return self.request("POST", path, form)


class SoldOut(Exception):
    """The shop said, clearly and without a server error, that the product is gone."""


def expect(reply: Reply, *statuses: int) -> Reply:
    assert reply.status in statuses, f"{reply.status}, wanted {statuses}:\n{reply.body[:2000]}"
    return reply


def add_to_cart(shopper: Browser, product_id: int) -> None:
    """Open the product page and add one; ``SoldOut`` when either says it is gone."""
    page = expect(shopper.get(f"/products/{product_id}"), 200)
    if 'class="stock stock-out"' in page.body:
        raise SoldOut("product page")
    added = shopper.post(
        "/cart/add",
        {"csrf_token": page.csrf_token(), "product_id": str(product_id), "quantity": "1"},
    )
    if added.status == 409 and "is sold out" in unescape(added.body):
        raise SoldOut("adding to the cart")
    expect(added, 302, 303)


def place_order(shopper: Browser) -> str:
    """Check out the cart; the test provider's payment page, or ``SoldOut``."""
    checkout = expect(shopper.get("/checkout"), 200, 302)
    if checkout.status == 302:  # the cart page says what is short
        assert checkout.location == "/cart", checkout.location
        raise SoldOut("opening the checkout")
    placed = shopper.post("/checkout", {**SHOPPER, "csrf_token": checkout.csrf_token()})
    if placed.status == 409 and re.search(r"is sold out|are left", unescape(placed.body)):
        raise SoldOut("placing the order")
    expect(placed, 303)
    assert placed.location.startswith("/test-pay/"), placed.location
    return placed.location


def pay(shopper: Browser, pay_path: str) -> str:
    """Pay with the test card that succeeds; the success page's path."""
    card_form = expect(shopper.get(pay_path), 200)
    paid = expect(shopper.post(pay_path, {"csrf_token": card_form.csrf_token(), **CARD}), 303)
    return paid.location


def see_order(shopper: Browser, success_path: str) -> tuple[str, str]:
    """Come back from the provider; the order page's path and the status it shows."""
    success = expect(shopper.get(success_path), 302, 303)
    order = expect(shopper.get(success.location), 200)
    status = re.search(r'data-testid="order-status">([^<]+)<', order.body)
    assert status, "no status on the order page"
    return success.location, unescape(status.group(1)).strip()


def order_number(order_path: str) -> str:
    return order_path.split("/")[2].split("?")[0]


# -- processes --------------------------------------------------------------------------------


@dataclass
class Server:
    """One gunicorn: its master process, port, the host name it answers to, and its log."""

    port: int
    host: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_lines(self) -> list[dict[str, Any]]:
        """gunicorn's stderr, each line a JSON object (the test fails on any that is not)."""
        lines = []
        for raw in self.log.read_text().splitlines():
            try:
                lines.append(json.loads(raw))
            except json.JSONDecodeError:
                pytest.fail(f"a log line is not JSON: {raw}")
        return lines

    def server_errors(self) -> list[dict[str, Any]]:
        """Access lines of requests answered with a 5xx."""
        return [
            line
            for line in self.log_lines()
            if line["logger"] == "gunicorn.access" and line["http"]["status"] >= 500
        ]

    def workers(self) -> list[int]:
        """The pids of its worker processes."""
        found = subprocess.run(  # noqa: S603
            ["pgrep", "-P", str(self.process.pid)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        return sorted(int(pid) for pid in found.stdout.split())

    def busiest_worker(self) -> int:
        """The worker holding the most client connections open (it is serving them)."""
        return max(self.workers(), key=lambda pid: connections(pid, self.port))


def connections(pid: int, port: int) -> int:
    """How many established connections to ``port`` the process holds (read from /proc)."""
    sockets = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            sockets.add(target[len("socket:[") : -1])
    held = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            established = state == "01"
            if established and int(local.rsplit(":", 1)[1], 16) == port and inode in sockets:
                held += 1
    return held


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process and its children (their own process group), by force if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


class Processes:
    """Start gunicorns and job workers for one test, and stop them all afterwards."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def _start(self, name: str, env: dict[str, str], *argv: str) -> tuple[Path, Any]:
        log = self.logs / f"{name}.stderr"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - our own venv's programs
                list(argv),
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=out,
                start_new_session=True,  # its own process group, so that stop() reaches all
            )
        self.started.append(process)
        return log, process

    def gunicorn(self, env: dict[str, str], port: int, name: str = "gunicorn") -> Server:
        """gunicorn with gunicorn.conf.py on 127.0.0.1:``port``, started but maybe not ready
        (``wait_until_ready``)."""
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        log, process = self._start(
            name, env, str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "storefront:create_app()"
        )
        return Server(port, urlsplit(env["PUBLIC_URL"]).netloc, process, log)

    def worker(self, env: dict[str, str], *options: str) -> subprocess.Popen[bytes]:
        """``flask jobs worker``: it sends the emails."""
        return self._start("worker", env, str(BIN / "flask"), "jobs", "worker", *options)[1]

    def stop_all(self) -> None:
        for process in reversed(self.started):
            stop(process)


def wait_until_ready(server: Server, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"gunicorn exited ({server.process.returncode}):\n{server.log.read_text()}")
        try:
            if Browser((server.port,), server.host).get("/readyz").status == 200:
                return
        except CUT:
            pass
        time.sleep(0.3)
    pytest.fail(f"gunicorn was not ready in {seconds} s:\n{server.log.read_text()}")


# -- what the shop recorded -------------------------------------------------------------------


class ShopDatabase:
    """Read (and, to set the scene, write) the shop's database behind its back."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, pool_size=2)

    def rows(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.begin() as conn:
            return list(conn.execute(text(sql), params))

    def execute(self, sql: str, **params: Any) -> int:
        """Change rows; how many."""
        with self.engine.begin() as conn:
            return int(conn.execute(text(sql), params).rowcount)

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.begin() as conn:
            return conn.scalar(text(sql), params)

    def close(self) -> None:
        self.engine.dispose()

    def plain_products(self, count: int) -> list[int]:
        """Published products without options, of approved ventures."""
        return [
            row.id
            for row in self.rows(
                """SELECT p.id FROM product p JOIN venture v ON v.id = p.venture_id
                   WHERE p.status = 'published' AND v.status = 'approved'
                   AND NOT EXISTS (SELECT 1 FROM product_option o WHERE o.product_id = p.id)
                   ORDER BY p.id LIMIT :count""",
                count=count,
            )
        ]

    def wait_for_jobs(self, seconds: float = 30) -> None:
        """Until the worker has done every job (none ``pending``); fail after ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not self.scalar("SELECT count(*) FROM job WHERE status = 'pending'"):
                return
            time.sleep(0.2)
        left = self.rows("SELECT kind, attempts, last_error FROM job WHERE status = 'pending'")
        pytest.fail(f"jobs still pending after {seconds} s: {left}")

    def unexpected_ledger(self) -> list[Any]:
        """Paid orders whose ledger is not one donation entry a line (and one match entry a
        matched line), or entries of orders that are not paid."""
        return self.rows(
            """WITH wanted AS (
                 SELECT l.id AS line_id, l.order_id, 'donation' AS kind FROM order_line l
                   JOIN orders o ON o.id = l.order_id
                   WHERE o.status = 'paid' AND l.donation_amount > 0
                 UNION ALL
                 SELECT l.id, l.order_id, 'match' FROM order_line l
                   JOIN orders o ON o.id = l.order_id
                   WHERE o.status = 'paid' AND l.match_amount > 0),
               got AS (
                 SELECT order_line_id AS line_id, order_id, kind, count(*) AS n,
                        sum(amount) AS amount
                   FROM ledger_entry WHERE order_id IS NOT NULL
                   GROUP BY order_line_id, order_id, kind)
               SELECT coalesce(w.order_id, g.order_id) AS order_id,
                      coalesce(w.kind, g.kind) AS kind, g.n
                 FROM wanted w FULL JOIN got g
                   ON g.line_id = w.line_id AND g.kind = w.kind
                WHERE w.line_id IS NULL OR g.line_id IS NULL OR g.n <> 1"""
        )

    def ledger_entries_of_paid_orders(self) -> int:
        return int(
            self.scalar(
                """SELECT count(*) FROM ledger_entry e JOIN orders o ON o.id = e.order_id
                   WHERE o.status = 'paid'"""
            )
        )


def confirmations(outbox: Path) -> Counter[str]:
    """How many confirmation emails the file mail backend wrote, by order number."""
    sent: Counter[str] = Counter()
    for path in outbox.glob("*.log"):
        sent.update(
            re.findall(r"^Subject: Sangsaeng order (\S+): thank you$", path.read_text(), re.M)
        )
    return sent


def verify_ledger(env: dict[str, str]) -> str:
    """``flask ledger verify``: its success line (the test fails on anything else)."""
    said = flask(env, "ledger", "verify").strip().splitlines()
    assert said[0].startswith("The ledger checks:"), said
    assert said[-1].startswith("The log checks:"), said  # the Merkle log, after the chain
    return said[0]
