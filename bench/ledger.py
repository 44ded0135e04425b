"""Time the ledger's pages, export and verification against many paid orders.

    .venv/bin/python bench/ledger.py --orders 5000            # a fresh SQLite file
    .venv/bin/python bench/ledger.py --orders 5000 --database-url postgresql+psycopg://postgres@127.0.0.1/bench

It migrates a fresh database, loads the demo (with its matching funds), bulk-inserts paid
orders of four lines for the first venture (as bench/seller_dashboard.py does), then records
their donations and matches through the shop's own code (funds.draw and ledger.record_order,
which hash-chain every entry) and reports how long that took per entry. Then it times the
public ledger, the impact page, the operator's balances, the JSON export and
``ledger.verify``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text

from bench.seller_dashboard import fill
from bench.timing import demo_bench_app, time_pages
from storefront.demo import loader
from storefront.extensions import db
from storefront.models import LedgerEntry, Order, Venture
from storefront.services import funds, ledger


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    app = demo_bench_app(args.database_url)
    with app.app_context():
        session = db.session()
        venture = session.scalars(select(Venture).order_by(Venture.id)).first()
        fill(session, venture, args.orders * 4)
        session.commit()
        ids = session.scalars(select(Order.id).where(Order.number.like("SS-B%"))).all()
        started = time.perf_counter()
        for n, order_id in enumerate(ids, 1):
            order = session.get(Order, order_id)
            for line in order.lines:  # as checkout would have promised: 1:1 from the big fund
                line.fund_id, line.match_wanted = 1, line.donation_amount
            funds.draw(session, order)
            ledger.record_order(session, order, order.paid_at)
            if n % 500 == 0:
                session.commit()
                session.expunge_all()
        session.commit()
        entries = session.scalar(select(func.count()).select_from(LedgerEntry)) or 0
        spent = time.perf_counter() - started
        print(
            f"{entries:,} ledger entries; recorded {len(ids):,} orders in {spent:.1f} s "
            f"({spent * 1000 / max(entries, 1):.2f} ms per entry) on {db.engine.dialect.name}"
        )
        session.execute(text("ANALYZE"))
        session.commit()
        started = time.perf_counter()
        checked, broken = ledger.verify(session)
        print(f"ledger.verify: {checked:,} entries in {time.perf_counter() - started:.2f} s")
        assert broken is None
        number = session.scalar(select(Order.number).where(Order.id == ids[-1]))
        token = session.scalar(select(Order.access_token).where(Order.id == ids[-1]))
        engine = db.engine
    client = app.test_client()
    time_pages(
        client,
        engine,
        [
            ("ledger", "/ledger"),
            ("ledger, page 100", "/ledger?page=100"),
            ("order's ledger page", f"/ledger/orders/{number}"),
            ("impact", "/impact"),
            ("receipt", f"/orders/{number}/receipt?token={token}"),
        ],
        args.repeat,
    )
    client.post(
        "/account/sign-in",
        data={"email": "operator@sangsaeng.test", "password": loader.DEMO_PASSWORD},
    )
    time_pages(
        client,
        engine,
        [("operator balances", "/operator/balances"), ("operator funds", "/operator/funds")],
        args.repeat,
    )
    time_pages(client, engine, [("export.json", "/ledger/export.json")], 3)


if __name__ == "__main__":
    main()
