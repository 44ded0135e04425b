"""Size and CPU time of a receipt PDF and a statement PDF, drawn from made-up data (no database).

    .venv/bin/python bench/receipt_pdf.py              # Korean, 20 renders each
    .venv/bin/python bench/receipt_pdf.py --lang en --repeat 50 --out /tmp/pdfs

The first render of a process is timed apart ("first"): it registers the fonts, which the
later renders reuse. CPU rather than wall time: the machine is shared. ``--out`` keeps the
files, to look at them (``pdffonts``, ``pdftoppm -png``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_babel import force_locale

from bench.timing import bench_app
from storefront.domain.receipts import Net, StatementPeriod
from storefront.services.receipts import (
    CauseGiving,
    DonationStatement,
    Receipt,
    ReceiptEntry,
    StatementOrder,
)
from storefront.web import receipt_pdf
from storefront.web.receipt_text import NOT_A_TAX_RECEIPT, in_both_languages

PAID = datetime(2026, 3, 10, 1, 30, tzinfo=UTC)
CAUSES = [
    ("징검다리재단", "102-82-00001"),
    ("푸른물결기금", "802-82-12345"),
    ("숲속작은도서관", ""),
]


def _giving(i: int, name: str, registration: str, scale: int = 1) -> CauseGiving:
    return CauseGiving(i, name, registration, Net(1500 * scale, 1500 * scale, -165, -165))


def make_receipt() -> Receipt:
    """A receipt of three causes, one reversal each and twelve ledger entries."""
    causes = tuple(_giving(i, n, r) for i, (n, r) in enumerate(CAUSES, 1))
    entries = tuple(
        ReceiptEntry(
            100 + i,
            PAID + timedelta(minutes=i),
            ("donation", "match", "donation_reversal", "match_reversal")[i % 4],
            1665 if i % 4 < 2 else -165,
            CAUSES[i % 3][0],
            f"{i:02x}" * 4,
        )
        for i in range(12)
    )
    return Receipt(
        "DR-260310-ABCDE",
        "SS-260310-ABCDE",
        "김민지",
        "ki***@example.com",
        PAID,
        "KRW",
        causes,
        entries,
    )


def make_statement(orders: int = 24) -> DonationStatement:
    """A year's statement of ``orders`` orders, each to one or two causes."""
    made = []
    for i in range(orders):
        picked = CAUSES[: 1 + i % 2]
        made.append(
            StatementOrder(
                f"SS-2603{i:02d}-ABCDE",
                f"DR-2603{i:02d}-ABCDE",
                PAID + timedelta(days=i),
                tuple(_giving(j, n, r) for j, (n, r) in enumerate(picked, 1)),
            )
        )
    by_cause = tuple(_giving(j, n, r, orders) for j, (n, r) in enumerate(CAUSES, 1))
    period = StatementPeriod(date(2026, 1, 1), date(2026, 12, 31))
    return DonationStatement("ki***@example.com", period, "KRW", tuple(made), by_cause)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="ko", choices=["ko", "en"])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--out", type=Path, help="a folder to write the two PDFs into")
    args = parser.parse_args()
    app, _tmp = bench_app("")
    found, statement = make_receipt(), make_statement()
    url = "https://shop.example/ledger/orders/SS-260310-ABCDE"
    with app.test_request_context("/"), force_locale(args.lang):
        note = in_both_languages(NOT_A_TAX_RECEIPT)
        drawings = {
            "receipt": lambda: receipt_pdf.receipt(found, url, note),
            "statement (24 orders)": lambda: receipt_pdf.statement(statement, note),
        }
        print(f"{'pdf':24} {'bytes':>8} {'first ms':>9} {'median ms':>10} {'p95 ms':>8}")
        for name, draw in drawings.items():
            started = time.process_time()
            content = draw()
            first = (time.process_time() - started) * 1000
            timings = []
            for _ in range(args.repeat):
                started = time.process_time()
                draw()
                timings.append((time.process_time() - started) * 1000)
            timings.sort()
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            median = statistics.median(timings)
            print(f"{name:24} {len(content):8d} {first:9.1f} {median:10.1f} {p95:8.1f}")
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / f"{name.split()[0]}-{args.lang}.pdf").write_bytes(content)


if __name__ == "__main__":
    main()
