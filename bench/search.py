"""Time catalogue searches on an existing database, and show their plans.

    createdb -h 127.0.0.1 -U postgres search_bench
    export FLASK_APP=storefront DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/search_bench
    .venv/bin/flask db upgrade && .venv/bin/flask demo load --products 100000
    .venv/bin/python bench/search.py                 # median and p99 of each query's page
    .venv/bin/python bench/search.py --explain 노트   # EXPLAIN ANALYZE of its count and page
    .venv/bin/python bench/search.py --extras        # and "did you mean", suggestions

Each run calls ``catalog.search_products`` (the count and the page, as /products?q= does)
through the app's own session, without HTTP or templates: bench/http.py measures whole pages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from storefront import create_app
from storefront.extensions import db
from storefront.models import Venture
from storefront.services import catalog, search
from storefront.services.pagination import Page

# bench/http_pages.py's searches ("{venture_name}": the first approved venture's name), then
# more: a particle, two words, English prefixes, and words in thousands of products.
QUERIES = [
    "노트",
    "비누",
    "비누를",
    "{venture_name}",
    "pcs",
    "없는상품xyz",
    "노트에",
    "쿠키",
    "원목 도마",
    "햇살",
    "수제",
    "soap",
    "soa",
    "a5",
]
# "did you mean" on misses (a vowel off, a venture's name misspelt, English, nothing near)
MISSPELT = ["비니", "햇살담은베이커라", "fahsion", "없는상품xyz"]
TYPED = ["햇", "수제", "so", "햇살담은"]  # suggestions while typing


def page_sql(query: catalog.ProductQuery, per_page: int) -> list[tuple[str, object]]:
    """The two statements search_products runs, with their parameters."""
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append((statement, parameters))

    from sqlalchemy import event

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        catalog.search_products(db.session(), query, per_page)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return statements


def timed(runs: int, call: Callable[[], object]) -> tuple[object, float, float]:
    """Run ``call`` once, then ``runs`` times (rolling back after each): its last result, and
    the median and p99 ms of the timed runs."""
    times = []
    result: object = call()
    db.session.rollback()
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - start) * 1000)
        db.session.rollback()
    times.sort()
    return result, statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--explain", metavar="QUERY", help="EXPLAIN ANALYZE this query (PG)")
    parser.add_argument(
        "--extras", action="store_true", help='also time "did you mean" and suggestions'
    )
    args = parser.parse_args()
    app = create_app()
    per_page = app.config["PRODUCTS_PER_PAGE"]
    with app.app_context():
        session = db.session()
        if args.explain:
            for statement, parameters in page_sql(catalog.ProductQuery(q=args.explain), per_page):
                plan = session.connection().exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
                )
                print("\n".join(row[0] for row in plan), end="\n\n")
            return
        venture_name = session.scalar(
            select(Venture.name).where(Venture.status == "approved").order_by(Venture.id).limit(1)
        )
        print(f"load average {os.getloadavg()[0]:.1f}, {args.runs} runs a query")
        print(f"{'query':12s} {'found':>7s} {'median ms':>10s} {'p99 ms':>8s}")
        for q in (q.format(venture_name=venture_name) for q in QUERIES):
            query = catalog.ProductQuery(q=q)
            page, median, p99 = timed(
                args.runs, lambda query=query: catalog.search_products(session, query, per_page)
            )
            assert isinstance(page, Page)
            found = f"{page.count}{'+' if page.count_capped else ''}"
            print(f"{q:12s} {found:>7s} {median:10.1f} {p99:8.1f}", flush=True)
        if not args.extras:
            return
        print(f"\n{'did you mean':12s} {'offers':>14s} {'median ms':>10s} {'p99 ms':>8s}")
        for q in MISSPELT:
            offer, median, p99 = timed(args.runs, lambda q=q: search.did_you_mean(session, q))
            print(f"{q:12s} {offer!s:>14s} {median:10.1f} {p99:8.1f}", flush=True)
        print(f"\n{'suggest':12s} {'names/titles':>14s} {'median ms':>10s} {'p99 ms':>8s}")
        for q in TYPED:
            found_, median, p99 = timed(args.runs, lambda q=q: catalog.suggestions(session, q))
            assert isinstance(found_, list)
            print(f"{q:12s} {len(found_):14d} {median:10.1f} {p99:8.1f}", flush=True)


if __name__ == "__main__":
    main()
