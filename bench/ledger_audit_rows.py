"""CPU per entry of the verify pass's Python side, without a database: the audit fed rows as the
driver hands them, before (SQLite's naive text parsed into a datetime per row, the audit of
commit e464b00 formatting it back) and now (``created_at`` already ``chain.iso`` text).

    .venv/bin/python bench/ledger_audit_rows.py [entries]
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storefront.domain import chain  # noqa: E402
from storefront.domain.audit import COLUMNS, Audit  # noqa: E402


def _old_audit() -> type:
    source = subprocess.run(
        ["git", "show", "e464b00:storefront/domain/audit.py"],  # noqa: S607
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    path = Path(tempfile.mkdtemp()) / "old_audit.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("old_audit", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Audit  # type: ignore[no-any-return]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rows, previous, moment = [], chain.GENESIS, datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(1, n + 1):
        moment += timedelta(seconds=7, microseconds=1234)
        entry = {
            "id": i, "created_at": moment, "kind": "donation", "amount": 750, "currency": "KRW",
            "order_id": i, "order_line_id": i, "venture_id": 3, "cause_id": 1 + i % 3,
            "rule": "5% + match 100%", "reverses_id": None, "refund_id": None,
            "fund_id": None if i % 2 else 1, "prev_hash": previous,
        }  # fmt: skip
        entry["hash"] = previous = chain.entry_hash(entry)
        rows.append(entry)
    naive = [
        (r["id"], r["created_at"].replace(tzinfo=None).isoformat(sep=" "), *[r[c] for c in COLUMNS[2:]])
        for r in rows
    ]  # fmt: skip
    canonical = [(r["id"], chain.iso(r["created_at"]), *[r[c] for c in COLUMNS[2:]]) for r in rows]

    def before():  # type: ignore[no-untyped-def]
        for row in naive:
            yield (row[0], datetime.fromisoformat(row[1]).replace(tzinfo=UTC), *row[2:])

    def now():  # type: ignore[no-untyped-def]
        for row in canonical:
            if len(row[1]) == 32:
                yield row

    for label, audit, source in (("before", _old_audit(), before), ("now", Audit, now)):
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            found = audit().add_all(source())
            best = min(best, time.process_time() - started)
        assert found.first_break is None and found.checked == n
        print(f"{label:7} {best / n * 1e6:5.2f} us CPU per entry")


if __name__ == "__main__":
    main()
