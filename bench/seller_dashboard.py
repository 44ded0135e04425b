"""Time a venture's numbers page and statement with 100,000 order lines.

    .venv/bin/python bench/seller_dashboard.py --lines 100000
    .venv/bin/python bench/seller_dashboard.py --lines 100000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1/sangsaeng_bench

It migrates a fresh database, loads the demo, then bulk-inserts paid orders for the first
venture (four lines each, over the last year, from 3,000 returning shoppers) and requests the
numbers page by day, week and month and the monthly statement as the venture's owner.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import demo_bench_app, time_pages
from storefront.demo import loader
from storefront.extensions import db
from storefront.models import Order, OrderLine, Product, Venture, utcnow
from storefront.services import sales


def fill(session, venture: Venture, lines: int) -> None:
    rng = random.Random(7)
    products = session.scalars(select(Product).where(Product.venture_id == venture.id)).all()
    now = utcnow()
    start_id = (session.scalar(select(Order.id).order_by(Order.id.desc()).limit(1)) or 0) + 1
    orders, order_lines = [], []
    for n in range(lines // 4):
        oid = start_id + n
        when = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        picks = [rng.choice(products) for _ in range(4)]
        goods = sum(p.price for p in picks)
        orders.append({
            "id": oid, "number": f"SS-B{oid:08d}", "access_token": "b", "status": "paid",
            "email": f"shopper{rng.randint(1, 3000)}@example.com", "name": "벤치", "phone": "01000000000",
            "postcode": "04524", "address": "서울", "address_detail": "", "locale": "ko",
            "currency": "KRW", "goods_total": goods, "shipping_total": 0, "total": goods,
            "donation_total": 0, "match_total": 0, "stock_held": True, "payment_provider": "test",
            "status_note": "", "created_at": when, "expires_at": when, "paid_at": when,
        })  # fmt: skip
        for p in picks:
            order_lines.append({
                "order_id": oid, "product_id": p.id, "venture_id": venture.id,
                "cause_id": venture.default_cause_id, "title": p.title, "unit_price": p.price,
                "quantity": 1, "goods_amount": p.price, "giving_rate_bp": 500,
                "match_rate_bp": 10000, "donation_amount": p.price // 20, "match_amount": p.price // 20,
                "shipping_amount": 0, "status": "paid", "carrier": "", "tracking_number": "",
            })  # fmt: skip
        if len(orders) >= 5000:
            session.execute(insert(Order), orders)
            session.execute(insert(OrderLine), order_lines)
            orders, order_lines = [], []
    if orders:
        session.execute(insert(Order), orders)
        session.execute(insert(OrderLine), order_lines)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT setval('orders_id_seq', (SELECT max(id) FROM orders))"))
    session.execute(text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    app = demo_bench_app(args.database_url)
    with app.app_context():
        session = db.session()
        venture = session.scalars(select(Venture).order_by(Venture.id)).first()
        started = time.perf_counter()
        fill(session, venture, args.lines)
        sales.rebuild(session)  # the bulk insert bypassed the running totals
        session.execute(text("ANALYZE"))
        session.commit()
        count = session.scalar(select(text("count(*)")).select_from(OrderLine))
        print(
            f"{count:,} order lines for {venture.name} in {time.perf_counter() - started:.1f} s on {db.engine.dialect.name}"
        )
        venture_id, engine = venture.id, db.engine
    client = app.test_client()
    client.post(
        "/account/sign-in",
        data={"email": f"owner@{venture.slug}.test", "password": loader.DEMO_PASSWORD},
    )
    time_pages(
        client,
        engine,
        [
            ("numbers, daily", f"/seller/ventures/{venture_id}/numbers?grain=day"),
            ("numbers, weekly", f"/seller/ventures/{venture_id}/numbers?grain=week"),
            ("numbers, monthly", f"/seller/ventures/{venture_id}/numbers?grain=month"),
            ("statement", f"/seller/ventures/{venture_id}/statement"),
            ("orders list", f"/seller/ventures/{venture_id}/orders"),
        ],
        args.repeat,
    )


if __name__ == "__main__":
    main()
