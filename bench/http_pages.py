"""Measure the shop's pages over HTTP with wrk, beside a hello-world Flask app, through gunicorn.

    .venv/bin/python bench/http_pages.py              # the SQLite demo (a fresh file)
    .venv/bin/python bench/http_pages.py --products 100000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_http
    .venv/bin/python bench/http_pages.py --reuse --cache off --out /tmp/bench.json

It builds a database with the operator's commands (``flask db upgrade``, ``flask demo load``,
grown to ``--products``), unless ``--reuse`` keeps the one it finds (PostgreSQL databases it
may drop must be named ``bench...``). Then it starts gunicorn with gunicorn.conf.py in the
production profile (docs/deploy.md; the test payment provider, a local Redis) on a loopback
port, with ``--workers`` sync workers, first on a hello-world app, then on the shop, and runs
``wrk -t2 -c16 -d<duration>s --latency`` against each page. It prints req/s, p50, p99 and each
page's share of hello world's req/s, the resident memory of each worker after the run, and
writes all of it as JSON (``--out``). docs/performance.md has the numbers and how to read them.
Needs wrk (``apt-get install -y wrk``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import unicodedata
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text

from bench import wrk
from bench.live import (
    ROOT,
    SHOP_HOST,
    Gunicorn,
    flush_redis,
    free_port,
    load_average,
    prepare_database,
    production_env,
    sqlite_url,
    stop_on_sigterm,
)

# Searches: two syllables, a word with a particle, a venture's name, an English word that the
# demo has only inside "30pcs" (the index's tokens are whole words: it finds nothing), a miss.
SEARCHES = ["노트", "비누", "비누를", "{venture_name}", "pcs", "없는상품xyz"]
PAGES = [
    ("home", "/"),
    ("products", "/products"),
    ("products, deep page", "/products?page={deep_page}"),
    ("products, next link", "{next_link}"),
    *[(f"search {query}", "/products?q=" + query) for query in SEARCHES],
    ("product page", "/products/{product_id}"),
    ("venture page", "/ventures/{venture_slug}"),
    ("ledger", "/ledger"),
    ("impact", "/impact"),
]
PER_PAGE = 24  # PRODUCTS_PER_PAGE's default


def scene(database_url: str) -> dict[str, Any]:
    """What the pages' paths need: a demo product, a venture, the catalogue's size."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            product_id = conn.scalar(
                text(
                    """SELECT p.id FROM product p JOIN venture v ON v.id = p.venture_id
                       WHERE p.status = 'published' AND v.status = 'approved'
                       ORDER BY p.id LIMIT 1"""
                )
            )
            venture = conn.execute(
                text("SELECT slug, name FROM venture WHERE status = 'approved' ORDER BY id LIMIT 1")
            ).one()
            published = conn.scalar(
                text(
                    """SELECT count(*) FROM product p JOIN venture v ON v.id = p.venture_id
                       WHERE p.status = 'published' AND v.status = 'approved'"""
                )
            )
            products = conn.scalar(text("SELECT count(*) FROM product"))
            entries = conn.scalar(text("SELECT count(*) FROM ledger_entry"))
    finally:
        engine.dispose()
    pages = max(1, -(-int(published) // PER_PAGE))
    return {
        "product_id": product_id,
        "venture_slug": venture.slug,
        "venture_name": venture.name,
        "deep_page": max(1, pages // 2),
        "products": int(products),
        "published": int(published),
        "ledger_entries": int(entries),
    }


def next_link(server: Gunicorn) -> str:
    """The catalogue's "next" link as the first page shows it (a page number or a cursor)."""
    status, body = server.get("/products")
    tag = re.search(r'<a\b[^>]*\brel="next"[^>]*>', body.decode())
    href = re.search(r'\bhref="([^"]+)"', tag.group(0)) if tag else None
    if status != 200 or not href:
        return "/products"
    target = urlsplit(unescape(href.group(1)))
    return target.path + (f"?{target.query}" if target.query else "")


def encode(path: str) -> str:
    """The path with its non-ASCII characters percent-encoded, as a browser sends them."""
    return quote(path, safe="/?=&%:+,;@")


def measure(server: Gunicorn, name: str, path: str, args: argparse.Namespace) -> dict[str, Any]:
    status, body = server.get(path)
    url = server.url + path
    headers = {"Host": SHOP_HOST}
    wrk.run(url, seconds=args.warmup, threads=1, connections=4, headers=headers)
    server.wait_until_idle()
    result, _ = wrk.run(
        url,
        seconds=args.duration,
        threads=args.threads,
        connections=args.connections,
        headers=headers,
        timeout_seconds=args.timeout,
    )
    server.wait_until_idle()  # the requests wrk left queued are not the next page's
    row = {"page": name, "path": path, "status": status, "bytes": len(body), **result.as_dict()}
    print(
        f"  {pad(name, 24)} {result.requests_per_second:9.1f} req/s  p50 {result.p50_ms:8.1f} ms  "
        f"p99 {result.p99_ms:8.1f} ms  ({status}, errors {result.errors})",
        flush=True,
    )
    return row


def pad(name: str, width: int) -> str:
    """``name`` left-aligned in ``width`` terminal columns (Hangul takes two each)."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in name)
    return name + " " * max(0, width - columns)


def print_table(report: dict[str, Any]) -> None:
    hello = report["hello"]["requests_per_second"]
    print()
    print(f"{'page':26} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'share':>7} {'errors':>7}")
    rows = [{"page": "hello world", **report["hello"], "share": 1.0}, *report["pages"]]
    for row in rows:
        share = row["requests_per_second"] / hello if hello else 0.0
        print(
            f"{pad(row['page'], 26)} {row['requests_per_second']:9.1f} "
            f"{row['latency_ms']['50']:9.1f} {row['latency_ms']['99']:9.1f} "
            f"{share:7.1%} {row['non_2xx_3xx'] + sum(row['socket_errors'].values()):7d}"
        )
    rss = report["worker_rss_mib"]
    print(f"\nworker RSS after the run (MiB): hello {rss['hello']}, shop {rss['shop']}")
    print(f"load average {report['load_average']['before']} -> {report['load_average']['after']}")


def markdown(report: dict[str, Any]) -> str:
    """The table as docs/performance.md shows it."""
    hello = report["hello"]["requests_per_second"]
    lines = [
        "| page | req/s | p50 | p99 | share of hello world | errors |",
        "|---|---|---|---|---|---|",
    ]
    for row in [{**report["hello"], "page": "hello world"}, *report["pages"]]:
        path = f" `{unquote(row['path'])}`" if row["page"] != "hello world" else ""
        lines.append(
            f"| {row['page']}{path} | {row['requests_per_second']:,.1f} "
            f"| {row['latency_ms']['50']:,.0f} ms | {row['latency_ms']['99']:,.0f} ms "
            f"| {row['requests_per_second'] / hello:.1%} "
            f"| {row['non_2xx_3xx'] + sum(row['socket_errors'].values())} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=0, help="grow the catalogue to N")
    parser.add_argument("--database-url", default="", help="default: a SQLite file in --workdir")
    parser.add_argument("--reuse", action="store_true", help="keep the database found")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of wrk before each")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t")
    parser.add_argument("--connections", type=int, default=16, help="wrk -c")
    parser.add_argument("--timeout", type=int, default=10, help="wrk --timeout, seconds")
    parser.add_argument("--cache", choices=("on", "off"), default="on")
    parser.add_argument("--only", default="", help="measure only pages whose name has this")
    parser.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="PATH",
        help="measure this path too, after the pages (repeatable; e.g. /healthz)",
    )
    parser.add_argument("--workdir", type=Path, default=ROOT / "instance" / "bench")
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--from-json", type=Path, default=None, help="print a saved --out")
    args = parser.parse_args()
    if args.from_json:
        saved = json.loads(args.from_json.read_text())
        if args.markdown:
            print(markdown(saved))
        else:
            print_table(saved)
        return
    wrk.require_wrk()
    stop_on_sigterm()

    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    url = args.database_url or sqlite_url(workdir / f"http-{args.products}.db")
    env = production_env(url, workdir, args.workers, args.cache)
    flush_redis()
    started = time.perf_counter()
    loaded = prepare_database(url, workdir, args.products, args.reuse, env)
    print(f"database ready in {time.perf_counter() - started:.0f} s: {loaded or 'reused'}")
    values = scene(url)
    print(
        f"{values['products']:,} products ({values['published']:,} in the shop), "
        f"{values['ledger_entries']:,} ledger entries, on {url.split(':', 1)[0]}"
    )

    report: dict[str, Any] = {
        "command": " ".join(sys.argv),
        "database": url.split("://", 1)[0],
        "scene": values,
        "settings": {
            "workers": args.workers,
            "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s --latency",
            "cache": args.cache,
            "env": "production (docs/deploy.md) with PAYMENT_PROVIDER=test, local Redis",
        },
        "cpus": os.cpu_count(),
        "load_average": {"before": load_average()},
    }
    hello_env = {**env, "DATABASE_URL": "sqlite://"}
    with Gunicorn(hello_env, free_port(), workdir / "hello.log", "bench.hello:app") as hello:
        print("hello world")
        report["hello"] = measure(hello, "hello world", "/", args)
        hello_rss = hello.worker_rss_mib()
    pages = []
    with Gunicorn(env, free_port(), workdir / "gunicorn.log") as shop:
        report["worker_rss_mib_at_start"] = shop.worker_rss_mib()
        values["next_link"] = next_link(shop)
        print(f"the shop ({args.workers} workers, cache {args.cache})")
        for name, template in [*PAGES, *((path, path) for path in args.also)]:
            if args.only and args.only not in name and name not in args.also:
                continue
            path = encode(template.format(**values))
            row = measure(shop, name.format(**values), path, args)
            row["share_of_hello"] = round(
                row["requests_per_second"] / report["hello"]["requests_per_second"], 4
            )
            pages.append(row)
        report["worker_rss_mib"] = {"hello": hello_rss, "shop": shop.worker_rss_mib()}
    report["pages"] = pages
    report["load_average"]["after"] = load_average()
    print_table(report)
    if args.markdown:
        print(markdown(report))
    if args.out:
        args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
