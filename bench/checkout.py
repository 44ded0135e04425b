"""Paid orders per second through the real HTTP path, with shoppers racing for limited stock.

    .venv/bin/python bench/checkout.py                  # PostgreSQL database bench_checkout
    .venv/bin/python bench/checkout.py --shoppers 320 --units 20 --out /tmp/checkout.json

It builds a PostgreSQL database (``flask db upgrade``, ``flask demo load``; ``--reuse`` keeps
it; only databases named ``bench...`` are dropped), gives ``--stock-products`` plain products
``--units`` units each, and starts gunicorn with gunicorn.conf.py in the production profile
(docs/deploy.md: the test payment provider, rate limits and jobs in a local Redis) with a
``flask jobs worker`` beside it, as production runs. Then ``--shoppers`` shoppers, on
``--concurrency`` threads, each buy one unit as a browser would: the product page, add to
the cart (with its CSRF token), the checkout form, the test provider's card page (whose
payment delivers the signed webhook to the shop), the success page and the order page. More
shoppers than units: the rest must be told the product is sold out. It prints paid orders per
second, refusals and errors, then checks from the database that no product sold more units
than it had, and runs ``flask ledger verify``; it exits non-zero if either fails.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import bindparam, create_engine, text

from bench.live import (
    BIN,
    ROOT,
    SHOP_HOST,
    Gunicorn,
    flask,
    flush_redis,
    free_port,
    load_average,
    prepare_database,
    production_env,
    stop_on_sigterm,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_checkout"
CARD = {"card_number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"}
SHOPPER = {
    "email": "buyer@example.com",
    "name": "김민지",
    "phone": "010-1234-5678",
    "postcode": "04524",
    "address": "서울특별시 중구 세종대로 110",
    "address_detail": "101동 202호",
    "cause": "",
}


class SoldOut(Exception):
    """The shop said, without a server error, that the product is gone."""


class Unexpected(Exception):
    """An answer a shopper should not get (a 5xx, a missing form...)."""


@dataclass
class Reply:
    status: int
    location: str
    body: str

    def csrf_token(self) -> str:
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.body)
        if not found:
            raise Unexpected(f"no CSRF token on the page ({self.status})")
        return found.group(1)


@dataclass
class Browser:
    """A shopper's HTTP client: one keep-alive connection, cookies (the Secure ones too: this
    is plain HTTP on loopback, where the reverse proxy would have ended TLS), no redirects."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Reply:
        headers = {"Host": SHOP_HOST, "Accept-Language": "en"}
        body = urlencode(form) if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.close()  # the server closed a kept-alive connection: try once more, afresh
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        target = urlsplit(response.headers.get("Location", ""))
        location = target.path + (f"?{target.query}" if target.query else "")
        reply = Reply(response.status, location, raw.decode())
        if reply.status >= 500:
            raise Unexpected(f"{method} {path.split('?')[0]}: {reply.status}")
        return reply

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def expect(reply: Reply, *statuses: int) -> Reply:
    if reply.status not in statuses:
        raise Unexpected(f"{reply.status}, wanted {statuses}: {reply.body[:300]}")
    return reply


def buy(shopper: Browser, product_id: int) -> str:
    """One unit, from the product page to the order page; the paid order's number."""
    page = expect(shopper.request("GET", f"/products/{product_id}"), 200)
    if 'class="stock stock-out"' in page.body:
        raise SoldOut("product page")
    form = {"csrf_token": page.csrf_token(), "product_id": str(product_id), "quantity": "1"}
    added = shopper.request("POST", "/cart/add", form)
    if added.status == 409 and "is sold out" in unescape(added.body):
        raise SoldOut("adding to the cart")
    expect(added, 302, 303)
    checkout = expect(shopper.request("GET", "/checkout"), 200, 302)
    if checkout.status == 302:
        raise SoldOut("opening the checkout")
    placed = shopper.request("POST", "/checkout", {**SHOPPER, "csrf_token": checkout.csrf_token()})
    if placed.status == 409 and re.search(r"is sold out|are left", unescape(placed.body)):
        raise SoldOut("placing the order")
    pay_path = expect(placed, 303).location
    card_page = expect(shopper.request("GET", pay_path), 200)
    paid = shopper.request("POST", pay_path, {"csrf_token": card_page.csrf_token(), **CARD})
    success = expect(shopper.request("GET", expect(paid, 303).location), 302, 303)
    order = expect(shopper.request("GET", success.location), 200)
    status = re.search(r'data-testid="order-status">([^<]+)<', order.body)
    if not status or unescape(status.group(1)).strip() != "Paid":
        raise Unexpected(f"order page says {status.group(1) if status else 'nothing'}")
    return success.location.split("/")[2].split("?")[0]


@dataclass
class Outcome:
    product_id: int
    seconds: float
    order: str | None = None
    refused: str | None = None
    error: str | None = None


def shop(port: int, product_id: int) -> Outcome:
    shopper = Browser(port)
    started = time.perf_counter()
    outcome = Outcome(product_id, 0.0)
    try:
        outcome.order = buy(shopper, product_id)
    except SoldOut as refusal:
        outcome.refused = str(refusal)
    except Exception as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        shopper.close()
    outcome.seconds = time.perf_counter() - started
    return outcome


def rows(url: str, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return list(result) if result.returns_rows else []
    finally:
        engine.dispose()


def paid_units(url: str, ids: list[int]) -> dict[int, int]:
    """Units of each product in paid orders."""
    query = text(
        """SELECT l.product_id, sum(l.quantity) AS units FROM order_line l
           JOIN orders o ON o.id = l.order_id
           WHERE o.status = 'paid' AND l.product_id IN :ids GROUP BY l.product_id"""
    ).bindparams(bindparam("ids", expanding=True))
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            sold = {
                int(row.product_id): int(row.units) for row in conn.execute(query, {"ids": ids})
            }
    finally:
        engine.dispose()
    return {product_id: sold.get(product_id, 0) for product_id in ids}


def set_stock(url: str, count: int, units: int) -> dict[int, int]:
    """Give ``count`` published products without options ``units`` each; their ids and the
    units already sold (earlier runs' orders, with ``--reuse``)."""
    ids = [
        row.id
        for row in rows(
            url,
            """SELECT p.id FROM product p JOIN venture v ON v.id = p.venture_id
               WHERE p.status = 'published' AND v.status = 'approved'
               AND NOT EXISTS (SELECT 1 FROM product_option o WHERE o.product_id = p.id)
               ORDER BY p.id LIMIT :count""",
            count=count,
        )
    ]
    if len(ids) < count:
        sys.exit(f"only {len(ids)} plain products to sell")
    for product_id in ids:
        rows(url, "UPDATE product SET stock = :units WHERE id = :id", units=units, id=product_id)
    return paid_units(url, ids)


def oversold(url: str, units: int, before: dict[int, int]) -> dict[int, dict[str, int]]:
    """Products that sold more than ``units`` in this run, or whose stock went below zero."""
    sold = paid_units(url, list(before))
    stock = {int(r.id): int(r.stock) for r in rows(url, "SELECT id, stock FROM product")}
    bad = {}
    for product_id, earlier in before.items():
        this_run = sold[product_id] - earlier
        if this_run > units or stock[product_id] < 0:
            bad[product_id] = {"sold": this_run, "stock": stock[product_id], "had": units}
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--reuse", action="store_true", help="keep the database found")
    parser.add_argument("--products", type=int, default=0, help="grow the catalogue to N")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--shoppers", type=int, default=160, help="each buys one unit")
    parser.add_argument("--concurrency", type=int, default=16, help="shoppers at once")
    parser.add_argument("--stock-products", type=int, default=8, help="products on sale")
    parser.add_argument("--units", type=int, default=10, help="units of each in stock")
    parser.add_argument("--workdir", type=Path, default=ROOT / "instance" / "bench-checkout")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    args = parser.parse_args()
    stop_on_sigterm()

    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    url = args.database_url
    env = production_env(url, workdir, args.workers)
    flush_redis()
    loaded = prepare_database(url, workdir, args.products, args.reuse, env)
    print(f"database ready: {loaded or 'reused'}")
    before = set_stock(url, args.stock_products, args.units)
    products = list(before)
    load_before = load_average()

    with (workdir / "worker.log").open("wb") as log:
        worker = subprocess.Popen(  # noqa: S603 - our own venv's flask
            [str(BIN / "flask"), "jobs", "worker"], cwd=ROOT, env=env, stdout=log, stderr=log
        )
    try:
        with Gunicorn(env, free_port(), workdir / "gunicorn.log") as server:
            started = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                outcomes = list(
                    pool.map(
                        lambda i: shop(server.port, products[i % len(products)]),
                        range(args.shoppers),
                    )
                )
            elapsed = time.perf_counter() - started
            rss = server.worker_rss_mib()
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    paid = [o for o in outcomes if o.order]
    refused = [o for o in outcomes if o.refused]
    errors = [o for o in outcomes if o.error]
    bad = oversold(url, args.units, before)
    said = flask(env, "ledger", "verify").strip().splitlines()[-1]
    buying = sorted(o.seconds for o in paid) or [0.0]
    report = {
        "command": " ".join(sys.argv),
        "database": url.split("://", 1)[0],
        "workers": args.workers,
        "shoppers": args.shoppers,
        "concurrency": args.concurrency,
        "stock": {"products": len(products), "units_each": args.units},
        "seconds": round(elapsed, 2),
        "paid": len(paid),
        "paid_per_second": round(len(paid) / elapsed, 2),
        "shoppers_per_second": round(args.shoppers / elapsed, 2),
        "refused": len(refused),
        "refused_at": {
            where: sum(1 for o in refused if o.refused == where)
            for where in sorted({o.refused or "" for o in refused})
        },
        "errors": len(errors),
        "error_samples": sorted({o.error or "" for o in errors})[:5],
        "purchase_seconds": {
            "p50": round(statistics.median(buying), 3),
            "p99": round(buying[max(0, int(len(buying) * 0.99) - 1)], 3),
        },
        "oversold": bad,
        "ledger_verify": said,
        "worker_rss_mib": rss,
        "load_average": {"before": load_before, "after": load_average()},
        "outcomes": [asdict(o) for o in outcomes] if args.out else [],
    }
    print(
        f"{args.shoppers} shoppers on {args.concurrency} threads, {len(products)} products x "
        f"{args.units} units, {args.workers} workers: {len(paid)} paid in {elapsed:.1f} s = "
        f"{report['paid_per_second']} paid orders/s; {len(refused)} refused "
        f"{report['refused_at']}; {len(errors)} errors {report['error_samples']}"
    )
    print(
        f"a purchase (7 requests) took p50 {report['purchase_seconds']['p50']} s, "
        f"p99 {report['purchase_seconds']['p99']} s; worker RSS {rss} MiB; "
        f"load {load_before} -> {report['load_average']['after']}"
    )
    print(f"oversold: {bad or 'none'}; {said}")
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        print(f"wrote {args.out}")
    if bad or not said.startswith("The ledger checks"):
        sys.exit(1)


if __name__ == "__main__":
    main()
