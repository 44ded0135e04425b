"""Build a ledger of a million entries in bulk, then time ``flask ledger verify`` and the exports.

    .venv/bin/python bench/ledger_million.py --database-url sqlite:////tmp/ledgerio_bench.db
    createdb -h 127.0.0.1 -U postgres ledgerio_bench
    .venv/bin/python bench/ledger_million.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1/ledgerio_bench

It migrates the (empty) database, loads the demo catalogue, funds and accounts, bulk-inserts
paid orders of four lines (``bench.seller_dashboard.fill``), and writes a donation and a match
entry for every line, in the order the orders were paid: each entry is hashed with
``chain.entry_hash`` (and is a leaf of the donation log, ``log.append_bulk``) and linked to the one before, exactly as ``ledger.append`` does, but the
rows go in by batch (``executemany`` on SQLite, ``COPY`` on PostgreSQL) rather than order by
order. The running totals are folded with the service's own key (``ledger.sum_deltas``) and
written once; the matches are drawn from the first fund, which is topped up by as much; a
few hundred payouts are recorded against chain heads spread over the ledger. Then it runs
``flask ledger verify`` and downloads both exports, each in a child process under
``/usr/bin/time -v``, and prints wall time and peak memory (RSS).

``--skip-build`` times an existing bench database again; ``--jobs N`` (repeatable) times
``flask ledger verify --jobs N``, ``--in-python`` the Python pass beside it (what verify did
before the database did the work), ``--no-exports`` skips the downloads.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text, update

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = (
    "id", "created_at", "kind", "amount", "currency", "order_id", "order_line_id", "venture_id",
    "cause_id", "rule", "reverses_id", "refund_id", "fund_id", "prev_hash", "hash",
)  # fmt: skip
BATCH = 20_000


def build(database_url: str, entries: int) -> None:
    from bench.seller_dashboard import fill
    from bench.timing import demo_bench_app
    from storefront.domain import chain, merkle
    from storefront.domain.pricing import DonationRule
    from storefront.extensions import db
    from storefront.models import LedgerEntry, MatchingFund, Order, OrderLine, Payout, Venture
    from storefront.services import funds, ledger, log

    app = demo_bench_app(database_url)
    with app.app_context():
        session = db.session()
        started = time.perf_counter()
        venture = session.scalars(select(Venture).order_by(Venture.id)).first()
        fill(session, venture, entries // 2)  # a donation and a match per line
        session.commit()
        print(f"orders and lines: {time.perf_counter() - started:.1f} s", flush=True)

        started = time.perf_counter()
        fund = session.get(MatchingFund, 1)
        lines = session.execute(
            select(
                Order.paid_at, Order.currency, OrderLine.order_id, OrderLine.id,
                OrderLine.venture_id, OrderLine.cause_id, OrderLine.giving_rate_bp,
                OrderLine.match_rate_bp, OrderLine.donation_amount, OrderLine.match_amount,
            )
            .join(Order, Order.id == OrderLine.order_id)
            .where(Order.number.like("SS-B%"))
            .order_by(Order.paid_at, Order.id, OrderLine.id)
        ).all()  # fmt: skip
        previous = session.scalar(select(LedgerEntry.hash).order_by(LedgerEntry.id.desc()).limit(1))
        previous = previous or chain.GENESIS
        next_id = (session.scalar(select(func.max(LedgerEntry.id))) or 0) + 1
        rows: list[dict] = []
        leaves: list[tuple[int | None, int | None, bytes]] = []  # the log's, in chain order
        deltas: dict = {}
        matched = written = 0
        for paid_at, currency, order_id, line_id, venture_id, cause_id, g, m, give, match in lines:
            rule = DonationRule(g, m).describe()
            for kind, amount, fund_id in (("donation", give, None), ("match", match, fund.id)):
                if amount <= 0:
                    continue
                fields = {
                    "created_at": paid_at, "kind": kind, "amount": amount, "currency": currency,
                    "order_id": order_id, "order_line_id": line_id, "venture_id": venture_id,
                    "cause_id": cause_id, "rule": rule, "reverses_id": None, "refund_id": None,
                    "fund_id": fund_id, "prev_hash": previous,
                }  # fmt: skip
                data = chain.canonical(fields)
                fields["hash"] = previous = hashlib.sha256(data).hexdigest()
                fields["id"] = next_id
                leaves.append((next_id, None, merkle.leaf_hash(data)))
                next_id += 1
                rows.append(fields)
                matched += amount if kind == "match" else 0
            if len(rows) >= BATCH:
                written += _write(session, rows, deltas, ledger)
                log.append_bulk(session, leaves)
                rows, leaves = [], []
        written += _write(session, rows, deltas, ledger)
        log.append_bulk(session, leaves)
        ledger.add_sums(session, deltas)
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT setval('ledger_entry_id_seq', max(id)) FROM ledger_entry"))
        # the fund was topped up by what the matches drew: budget up, remaining unchanged
        funds.top_up(session, fund, matched, "bench", None, lines[-1][0])
        session.execute(
            update(MatchingFund).where(MatchingFund.id == fund.id)
            .values(remaining=MatchingFund.remaining - matched)
        )  # fmt: skip
        heads = range(next_id - 1, 0, -max(1, (next_id - 1) // 200))
        session.execute(
            insert(Payout),
            [
                {
                    "cause_id": venture.default_cause_id, "amount": 1000, "currency": "KRW",
                    "paid_on": lines[-1][0].date(), "bank_reference": f"BENCH-{head}",
                    "ledger_head_id": head, "created_at": lines[-1][0] + timedelta(seconds=1),
                }
                for head in sorted(heads)
            ],
        )  # fmt: skip
        bench_payouts = session.scalars(
            select(Payout).where(Payout.bank_reference.like("BENCH-%")).order_by(Payout.id)
        ).all()
        log.append_bulk(
            session, ((None, p.id, merkle.leaf_hash(log.leaf_data(p))) for p in bench_payouts)
        )
        session.commit()
        session.execute(text("ANALYZE"))
        session.commit()
        spent = time.perf_counter() - started
        print(f"{written:,} entries hashed, chained and written in {spent:.1f} s", flush=True)


def _write(session, rows: list[dict], deltas: dict, ledger) -> int:
    """One batch of entries: COPY on PostgreSQL, executemany elsewhere."""
    from storefront.models import LedgerEntry

    if not rows:
        return 0
    ledger.fold_sums(deltas, rows)
    if session.get_bind().dialect.name == "postgresql":
        raw = session.connection().connection.driver_connection
        copy_in = f"COPY ledger_entry ({', '.join(COLUMNS)}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(copy_in) as copy:
            for row in rows:
                copy.write_row([row[c] for c in COLUMNS])
    else:
        session.execute(insert(LedgerEntry), rows)
    return len(rows)


def measure(label: str, argv: list[str], env: dict[str, str]) -> None:
    """Run a command under /usr/bin/time -v; print its wall time and peak memory."""
    done = subprocess.run(  # noqa: S603 (the bench's own commands)
        ["/usr/bin/time", "-v", *argv], env=env, cwd=ROOT, capture_output=True, text=True
    )
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", done.stderr)
    cpu = sum(float(m) for m in re.findall(r"(?:User|System) time \(seconds\): (\S+)", done.stderr))
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    last = (done.stdout.strip().splitlines() or [""])[-1]
    mb = int(rss.group(1)) / 1024 if rss else 0
    print(f"{label:24} wall {wall.group(1) if wall else '?':>8}  CPU {cpu:6.1f} s  peak RSS {mb:6.0f} MB  "
          f"exit {done.returncode}  {last[:90]}", flush=True)  # fmt: skip


def download(path: str) -> None:
    """Stream one export through the WSGI app and count its bytes (run as a child process)."""
    from storefront import create_app

    app = create_app()
    client = app.test_client()
    started = time.perf_counter()
    response = client.get(path, buffered=False)
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    print(f"{path}: {size:,} bytes in {time.perf_counter() - started:.1f} s, {response.status}")


def python_pass(jobs: int) -> None:
    """The audit ``flask ledger verify`` makes, by the Python pass that read every entry
    before the database did the work (run as a child process; ``jobs`` 0: the default)."""
    from storefront import create_app
    from storefront.extensions import db
    from storefront.services import ledger_verify

    with create_app().app_context():
        found = ledger_verify.audit(db.session(), jobs or None, in_python=True)
    print(f"{found.checked} entries, first break {found.first_break}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--download", help=argparse.SUPPRESS)
    parser.add_argument(
        "--jobs", type=int, action="append", help="time verify with --jobs N (repeatable)"
    )
    parser.add_argument("--no-exports", action="store_true", help="time verify only")
    parser.add_argument(
        "--in-python", action="store_true",
        help="also time the Python pass (ledger_verify.audit(in_python=True)) beside verify",
    )  # fmt: skip
    parser.add_argument("--python-pass", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.download:
        download(args.download)
        return
    if args.python_pass is not None:
        python_pass(args.python_pass)
        return
    if not args.skip_build:
        build(args.database_url, args.entries)
    env = {**os.environ, "DATABASE_URL": args.database_url, "FLASK_APP": "storefront"}
    python = sys.executable
    flask = str(Path(python).with_name("flask"))
    for jobs in args.jobs or [None]:
        option = [] if jobs is None else ["--jobs", str(jobs)]
        label = " ".join(["flask ledger verify", *option])
        measure(label, [flask, "ledger", "verify", *option], env)
        if args.in_python:
            argv = [python, __file__, "--database-url", args.database_url]
            measure(f"Python pass --jobs {jobs}", [*argv, "--python-pass", str(jobs or 0)], env)
    for path in () if args.no_exports else ("/ledger/export.json", "/ledger/export.csv"):
        argv = [python, __file__, "--database-url", args.database_url, "--download", path]
        measure(path, argv, env)


if __name__ == "__main__":
    main()
