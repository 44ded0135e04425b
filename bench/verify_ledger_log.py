"""What the log adds to docs/verify_ledger.py on a big export, and what its Ed25519 check costs.

Builds a synthetic export of N entries (a chain of donations, one payout every 1,000 entries,
every row with its ``leaf_index``, a checkpoint signed over the tree of all of them), then runs
the script on it under ``/usr/bin/time -v`` twice: the export as it is (chain, balances and
the tree rebuilt against the checkpoint) and the same export without its ``log`` (the checks
of before). The difference is the tree's cost in CPU; its memory is measured in this process
with tracemalloc (the peak of what the tree pass allocates beyond the loaded export), since
the runs' peak RSS is that of ``json.loads`` (the whole export as text, then as objects).
Then it times one signature check with ``cryptography`` and with the script's pure-Python
RFC 8032 check.

    .venv/bin/python bench/verify_ledger_log.py [entries]
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storefront.domain import chain, merkle, notes  # noqa: E402

SCRIPT = ROOT / "docs" / "verify_ledger.py"
ORIGIN = "bench.example.org/ledger"


def build(n: int, signer: notes.Signer) -> dict:
    entries, payouts, tree = [], [], merkle.MemoryTree()
    previous, moment = chain.GENESIS, datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(1, n + 1):
        moment += timedelta(seconds=7, microseconds=1234)
        fields = {
            "created_at": chain.iso(moment), "kind": "donation", "amount": 750,
            "currency": "KRW", "order_id": i, "order_line_id": i, "venture_id": 3, "cause_id": 1,
            "rule": "5% + match 100%", "reverses_id": None, "refund_id": None,
            "prev_hash": previous,
        }  # fmt: skip
        previous = chain.entry_hash(fields)
        entries.append({"id": i, **fields, "hash": previous, "leaf_index": tree.size})
        tree.append(chain.canonical(fields))
        if i % 1000 == 0:
            payout = {
                "id": len(payouts) + 1, "cause_id": 1, "amount": 1000, "currency": "KRW",
                "paid_on": moment.date().isoformat(), "bank_reference": f"KB-{i}",
                "proof_sha256": "ab" * 32, "corrects_id": None, "ledger_head_id": i,
                "created_at": chain.iso(moment), "leaf_index": tree.size,
            }  # fmt: skip
            payouts.append(payout)
            tree.append(chain.payout_canonical(payout))
    note = notes.Checkpoint(ORIGIN, tree.size, tree.root()).sign(signer)
    return {
        "format": "sangsaeng-ledger-5", "entries": entries, "payouts": payouts,
        "causes": [{"id": 1, "name": "징검다리재단", "registration": "1"}], "refunds": [], "funds": [],
        "log": {"origin": ORIGIN, "verifier_key": str(signer.verifier_key), "checkpoint": note},
    }  # fmt: skip


def measured(*args: str) -> tuple[float, int, str]:
    """CPU seconds (user + system), peak RSS in MB and the output of one run of the script."""
    done = subprocess.run(  # noqa: S603 - our own script
        ["/usr/bin/time", "-v", sys.executable, str(SCRIPT), *args],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(done.stderr)

    def field(name: str) -> float:
        return float(re.search(rf"{name}: ([\d.]+)", done.stderr)[1])  # type: ignore[index]

    cpu = field(r"User time \(seconds\)") + field(r"System time \(seconds\)")
    return cpu, int(field(r"Maximum resident set size \(kbytes\)") // 1024), done.stdout


def load_script() -> Any:
    spec = importlib.util.spec_from_file_location("verify_ledger", SCRIPT)
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def tree_pass_peak(path: Path, key: str) -> int:
    """Bytes the tree pass allocates at its peak, beyond the export it reads."""
    script = load_script()
    export = script.read_json(str(path))
    tracemalloc.start()
    script.log_problems(export, [script.parse_key(key)])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def signature_times() -> tuple[float, float]:
    script = load_script()
    signer = notes.Signer.generate(ORIGIN)
    text = notes.Checkpoint(ORIGIN, 10, bytes(32)).text
    signature = signer.sign(text).signature
    public = signer.verifier_key.public_key
    out = []
    for check in (script.ed25519_verify, script.ed25519_verify_pure):
        start, rounds = time.process_time(), 50
        for _ in range(rounds):
            assert check(public, text.encode(), signature)
        out.append((time.process_time() - start) / rounds * 1000)
    return out[0], out[1]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    signer = notes.Signer.generate(ORIGIN)
    export = build(n, signer)
    folder = Path(tempfile.mkdtemp())
    with_log, without = folder / "with_log.json", folder / "without_log.json"
    with_log.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    del export["log"]
    without.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    size_mb = with_log.stat().st_size / 1e6
    print(f"{n} entries, {len(export['payouts'])} payouts, export {size_mb:.0f} MB")
    del export
    before = measured(str(without))
    after = measured(str(with_log), "--key", str(signer.verifier_key))
    print(after[2].splitlines()[-1])
    for label, (cpu, rss, _) in (("chain and balances", before), ("and the log", after)):
        print(f"{label:>20}: {cpu:6.2f} s CPU, peak RSS {rss} MB")
    print(f"the tree: {(after[0] - before[0]) / n * 1e6:.1f} us CPU per entry")
    peak = tree_pass_peak(with_log, str(signer.verifier_key))
    print(f"the tree pass allocates at most {peak / 1024:.0f} KB beyond the export")
    fast, pure = signature_times()
    print(f"one Ed25519 check: {fast:.2f} ms with cryptography, {pure:.2f} ms pure Python")
    with_log.unlink()
    without.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
