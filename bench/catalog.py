"""Time the storefront's pages against a large catalogue.

    .venv/bin/python bench/catalog.py --products 100000            # a fresh SQLite file
    .venv/bin/python bench/catalog.py --products 100000 --database-url postgresql+psycopg://postgres@127.0.0.1/bench

It builds the schema from the migrations, loads the demo catalogue, grows it to ``--products``
with ``flask demo load --products``' loader, then requests each page through the WSGI app
(no network) and prints the median and 95th percentile time and the SQL statements per request.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from bench.timing import bench_app, time_pages
from storefront.demo import loader
from storefront.extensions import db
from storefront.models import Product, Venture
from storefront.services.checkout import ShopRules
from storefront.services.pagination import encode_cursor

PAGES = [
    ("home", "/"),
    ("product list", "/products"),
    ("list, old link page 40", "/products?page=40"),  # by OFFSET: the deepest one served
    ("list, deep page", "/products?after={middle}"),  # by keyset, halfway down the list
    ("list, category + price sort", "/products?category=food&sort=price_asc"),
    ("list, popular", "/products?sort=popular"),
    ("search", "/products?q=쿠키"),
    ("product page", "/products/{product_id}"),
    ("venture page", "/ventures/{venture_slug}"),
    ("ledger", "/ledger"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    app, tmp = bench_app(args.database_url)
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        session = db.session()
        if loader.is_empty(session):
            loader.load_catalogue(session, tmp / "media")
            loader.load_orders(session, ShopRules.from_config(app.config))
            session.commit()
        loader.load_scaled(session, args.products)
        session.commit()
        elapsed = time.perf_counter() - started
        print(f"{args.products:,} products ready in {elapsed:.1f} s on {db.engine.dialect.name}")
        product_id = session.query(Product.id).order_by(Product.id.desc()).limit(1).scalar()
        venture_slug = session.query(Venture.slug).order_by(Venture.id).limit(1).scalar()
        half = session.query(Product).order_by(Product.id).offset(args.products // 2).first()
        middle = encode_cursor([half.created_at, half.id])
        engine = db.engine
    client = app.test_client()
    pages = [
        (name, path.format(product_id=product_id, venture_slug=venture_slug, middle=middle))
        for name, path in PAGES
    ]
    time_pages(client, engine, pages, args.repeat)


if __name__ == "__main__":
    main()
