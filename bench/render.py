"""CPU per request of the shop's public pages, through the WSGI app (no network, no server).

    .venv/bin/python bench/render.py                      # uncached (CACHE_TYPE=NullCache)
    .venv/bin/python bench/render.py --cache SimpleCache  # served from the page cache
    .venv/bin/python bench/render.py --profile /products/1  # cProfile's top functions
    .venv/bin/python bench/render.py --save /tmp/pages      # each page's HTML, to diff
    .venv/bin/python bench/render.py --database-url postgresql+psycopg://...  # a database
        # already migrated and loaded, as ``bench/http_pages.py --products N`` leaves it

It migrates a fresh SQLite file, loads the demo catalogue, its funds and 60 paid orders, warms
each page once (templates, translations, the cache), then requests it ``--repeat`` times and
prints the process CPU time per request (median and p95) and the SQL statements per request.
CPU rather than wall time: the machine is shared, and rendering is what this measures.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import select

from bench.timing import bench_app, time_pages
from storefront.demo import loader
from storefront.extensions import db
from storefront.models import Product, Venture
from storefront.services.checkout import ShopRules

PAGES = [
    ("home", "/"),
    ("product list", "/products"),
    ("search", "/products?q=비누"),
    ("search, a venture's name", "/products?q=햇살담은베이커리"),
    ("product page", "/products/{product_id}"),
    ("venture page", "/ventures/{venture_slug}"),
    ("ledger", "/ledger"),
    ("impact", "/impact"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", default="NullCache", help="CACHE_TYPE for the app")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--lang", default="ko", choices=["ko", "en"])
    parser.add_argument("--profile", default="", help="profile this path instead of timing")
    parser.add_argument("--save", default="", help="write each page's HTML into this folder")
    parser.add_argument(
        "--database-url", default="", help="a loaded database to read (nothing is written)"
    )
    args = parser.parse_args()

    app, tmp = bench_app(args.database_url, CACHE_TYPE=args.cache, WTF_CSRF_ENABLED=True)
    with app.app_context():
        session = db.session()
        if not args.database_url:
            upgrade()
            loader.load_catalogue(session, tmp / "media")
            loader.load_funds(session, app.config["SHOP_CURRENCY"])
            loader.load_orders(session, ShopRules.from_config(app.config))
            session.commit()
        product_id = session.scalar(select(Product.id).order_by(Product.id).limit(1))
        venture_slug = session.scalar(select(Venture.slug).order_by(Venture.id).limit(1))
        engine = db.engine
    client = app.test_client()
    client.set_cookie("lang", args.lang)
    pages = [(n, p.format(product_id=product_id, venture_slug=venture_slug)) for n, p in PAGES]

    if args.profile:
        for _ in range(5):
            client.get(args.profile)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.repeat):
            client.get(args.profile)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return

    if args.save:
        save_pages(client, pages, Path(args.save))
        return

    print(f"CACHE_TYPE={args.cache}, lang={args.lang}, {args.repeat} requests a page (CPU ms)")
    time_pages(client, engine, pages, args.repeat, clock=time.process_time)


def save_pages(client: Any, pages: list[tuple[str, str]], folder: Path) -> None:
    """Write each page's HTML twice (rendered, then as the cache serves it), with the CSRF
    token, which changes with the session, written as ``CSRF``: two runs can be diffed."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in pages:
        for round_ in ("first", "again"):
            html = client.get(path).get_data(as_text=True)
            html = re.sub(
                r'name="csrf_token" type="hidden" value="[^"]*"',
                'name="csrf_token" type="hidden" value="CSRF"',
                html,
            )
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            (folder / f"{slug}-{round_}.html").write_text(html)
    print(f"{len(pages) * 2} pages written into {folder}")


if __name__ == "__main__":
    main()
