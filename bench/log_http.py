"""Time the donation log's HTTP answers, and the pages that print proofs, on a large ledger.

    createdb -h 127.0.0.1 -U postgres logweb_bench
    .venv/bin/python bench/log_http.py --entries 1000000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1/logweb_bench
    dropdb -h 127.0.0.1 -U postgres logweb_bench

It builds the ledger as ``bench/ledger_million.py`` does (every entry and payout a leaf of
the log), unless ``--skip-build``; signs a checkpoint, records one payout and signs another
(so that a consistency proof has two sizes), then requests each URL through the WSGI app
(``bench.timing.time_pages``: median and p95 over ``--repeat`` requests, and the SQL
statements of one), by wall clock and by the process's CPU clock.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    if not args.skip_build:
        from bench.ledger_million import build

        build(args.database_url, args.entries)

    from bench.timing import bench_app, time_pages
    from storefront.extensions import db
    from storefront.models import LedgerEntry, LogLeaf, Order, utcnow
    from storefront.services import log, payouts

    app, tmp = bench_app(args.database_url, WTF_CSRF_ENABLED=False, JOBS_IN_PROCESS=False)
    with app.app_context():
        session = db.session()
        key = app.extensions["log_signer"]
        log.checkpoint(session, key, utcnow())
        session.commit()
        old = log.latest(session)
        assert old is not None
        cause_id = session.scalar(select(LedgerEntry.cause_id).limit(1))
        payouts.record(
            session, cause_id, 1, date.today(), f"LOGBENCH-{time.time_ns()}", "", None, tmp,
            None, "KRW", utcnow(),
        )  # fmt: skip
        session.commit()
        log.checkpoint(session, key, utcnow())
        session.commit()
        new = log.latest(session)
        assert new is not None and new.size > old.size
        middle = new.size // 2
        entry_id = session.scalar(select(LogLeaf.entry_id).where(LogLeaf.idx == middle))
        if entry_id is None:  # a payout's leaf: take the entry before it
            entry_id = session.scalar(
                select(func.max(LogLeaf.entry_id)).where(LogLeaf.idx < middle)
            )
        order = session.get(Order, session.get(LedgerEntry, entry_id).order_id)
        number, token = order.number, order.access_token
        full = max(0, new.size // 256 - 1)
        print(f"log of {new.size:,} leaves; proofs of leaf {middle:,} (entry {entry_id})")
        engine = db.engine
    pages = [
        ("latest checkpoint", "/ledger/log/checkpoint"),
        ("inclusion proof", f"/ledger/log/proof/inclusion?index={middle}&size={new.size}"),
        ("entry proof", f"/ledger/log/entries/{entry_id}/proof"),
        ("consistency proof", f"/ledger/log/proof/consistency?old={old.size}&new={new.size}"),
        ("full tile", f"/ledger/log/tile/0/{_tile_index(full)}"),
        ("order ledger page", f"/ledger/orders/{number}"),
        ("receipt", f"/orders/{number}/receipt?token={token}"),
    ]
    client = app.test_client()
    print(f"wall clock, {args.repeat} requests a page")
    time_pages(client, engine, pages, args.repeat)
    print("CPU of this process (the app's side, not the database server's)")
    time_pages(client, engine, pages, args.repeat, clock=time.process_time)


def _tile_index(index: int) -> str:
    from storefront.domain.merkle import tile_index_path

    return tile_index_path(index)


if __name__ == "__main__":
    main()
