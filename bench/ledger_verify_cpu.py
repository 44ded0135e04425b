"""Where ``flask ledger verify`` spends its CPU on PostgreSQL, in this process and in the
database's, one step at a time and in one process each (no parallel workers), so the figures
hold however loaded the machine is (wall times do not):

    .venv/bin/python bench/ledger_verify_cpu.py \\
        postgresql+psycopg://postgres@127.0.0.1/ledgerio_bench

The database's CPU is read from /proc for the connection's backend (the database must run on
this machine). Steps: the Python pass (``ledger.entry_rows`` into ``audit.Audit``: the rows
the database formats and sends, and the Python that hashes and sums them), then each query
of ``ledger_verify.in_database`` (the database writes, hashes, links and sums).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

TICK = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def step(label: str, pid: int, run: Callable[[], Any]) -> tuple[float, float]:
    wall, mine, theirs = time.perf_counter(), time.process_time(), backend_cpu(pid)
    result = run()
    wall, mine = time.perf_counter() - wall, time.process_time() - mine
    theirs = backend_cpu(pid) - theirs
    print(
        f"{label:34} wall {wall:6.2f} s  CPU here {mine:5.2f} s  in the database {theirs:5.2f} s"
        f"  total {mine + theirs:5.2f} s  -> {str(result)[:40]}",
        flush=True,
    )  # fmt: skip
    return mine, theirs


def main() -> None:
    from storefront.domain import audit, chain
    from storefront.models import LedgerEntry
    from storefront.services import ledger, ledger_verify

    engine = create_engine(sys.argv[1])
    with Session(engine) as session:
        pid = session.scalar(text("SELECT pg_backend_pid()"))
        session.execute(text("SET max_parallel_workers_per_gather = 0"))
        payouts = ledger.payout_facts(session)
        raw: Any = session.connection().connection.driver_connection
        rows = ledger.entry_rows(raw, engine.dialect)
        python = step(
            "Python pass (before)", pid, lambda: audit.Audit(payouts).add_all(rows).checked
        )
        session.execute(text("SET work_mem = '64MB'"))
        first, last = session.execute(
            select(func.min(LedgerEntry.created_at), func.max(LedgerEntry.created_at))
        ).one()
        starts = audit.month_starts(first, last)
        heads = audit.head_bounds(payouts)
        causes = sorted({p.cause_id for p in payouts if p.ledger_head_id is not None})
        spent = [
            step(label, pid, lambda q=query, p=params: len(session.execute(q, p).all()))
            for label, query, params in [
                ("in the database: hashes and totals", ledger_verify._TOTALS, {"months": starts}),
                ("in the database: links", ledger_verify._FIRST_BAD_LINK, {"genesis": chain.GENESIS}),
                ("in the database: net per head", ledger_verify._NET_PER_HEAD,
                 {"after": [h + 1 for h in heads], "causes": causes}),
            ]
        ]  # fmt: skip
        total = sum(mine + theirs for mine, theirs in spent)
        print(f"CPU in all: Python pass {sum(python):.2f} s, in the database {total:.2f} s")


if __name__ == "__main__":
    main()
