"""Time the donation log on a ledger built by ``bench/ledger_million.py``: proofs and the audit.

    .venv/bin/python bench/ledger_million.py --database-url sqlite:////tmp/ledgerio_bench.db
    .venv/bin/python bench/log_proofs.py --database-url sqlite:////tmp/ledgerio_bench.db

It signs a checkpoint of the log if it grew (``log.checkpoint``), then times, each on its own:

- ``log.inclusion`` of random leaves at the latest checkpoint (reading tiles, as the proof
  endpoint does), and ``merkle.consistency_proof`` from random older sizes to it over the
  same tiles (the service's ``log.consistency`` adds only the checks that both sizes were
  published); median and 95th percentile wall clock, and CPU time, each in a fresh
  transaction;
- ``log.audit`` (what ``flask ledger verify`` adds for the log) and, for scale, the chain's
  single pass ``ledger.audit``: CPU and wall time.

The machine is shared: CPU time is the steadier number.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--proofs", type=int, default=500)
    args = parser.parse_args()

    from storefront import create_app
    from storefront.domain import merkle
    from storefront.extensions import db
    from storefront.models import utcnow
    from storefront.services import ledger, log

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url})
    with app.app_context():
        session = db.session()
        log.checkpoint(session, app.extensions["log_signer"], utcnow())
        session.commit()
        latest = log.latest(session)
        if latest is None:
            raise SystemExit("the log is empty: build a ledger with bench/ledger_million.py")
        size = latest.size
        rng = random.Random(11)
        for label, prove in (
            ("inclusion", lambda: log.inclusion(session, rng.randrange(size), size)),
            (
                "consistency",
                lambda: merkle.consistency_proof(
                    log.source(session, size), rng.randrange(1, size), size
                ),
            ),
        ):
            times = []
            cpu = time.process_time()
            for _ in range(args.proofs):
                started = time.perf_counter()
                prove()
                times.append(time.perf_counter() - started)
                session.rollback()
            cpu_each = (time.process_time() - cpu) / args.proofs
            times.sort()
            median, p95 = times[len(times) // 2], times[len(times) * 95 // 100]
            print(
                f"{label:12} proof at {size:,} leaves: median {median * 1000:.2f} ms, "
                f"95th percentile {p95 * 1000:.2f} ms, CPU {cpu_each * 1000:.2f} ms each "
                f"({args.proofs} proofs)",
                flush=True,
            )
        keys = app.extensions["log_verifier_keys"]
        for label, run in (
            ("log.audit", lambda: log.audit(session, keys)),
            ("ledger.audit", lambda: ledger.audit(session)),
        ):
            cpu, wall = time.process_time(), time.perf_counter()
            result = run()
            session.rollback()
            findings = len(result) if isinstance(result, list) else result.first_break
            print(
                f"{label:12} CPU {time.process_time() - cpu:6.2f} s  wall "
                f"{time.perf_counter() - wall:6.2f} s  ({findings or 'no'} findings)",
                flush=True,
            )


if __name__ == "__main__":
    main()
