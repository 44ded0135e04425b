"""Re-verify Sangsaeng's public ledger with nothing but the export and the standard library.

    curl -o ledger.json https://<shop>/ledger/export.json
    python3 verify_ledger.py ledger.json

Prints the number of entries and the sums, or the id of the first entry that does not match.
"""

import hashlib
import json
import sys

FIELDS = ["amount", "cause_id", "created_at", "currency", "kind", "order_id", "order_line_id",
          "prev_hash", "refund_id", "reverses_id", "rule", "venture_id"]  # fmt: skip


def check(entries):
    previous = "0" * 64
    for entry in sorted(entries, key=lambda e: e["id"]):
        body = {name: entry[name] for name in FIELDS}
        encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(encoded.encode()).hexdigest()
        if entry["prev_hash"] != previous or digest != entry["hash"]:
            return entry["id"]
        previous = entry["hash"]
    return None


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        entries = json.load(handle)["entries"]
    broken = check(entries)
    if broken is not None:
        sys.exit(f"entry {broken} does not match the chain")
    given = sum(e["amount"] for e in entries if e["kind"].startswith("donation"))
    matched = sum(e["amount"] for e in entries if e["kind"].startswith("match"))
    print(f"{len(entries)} entries check; donations {given}, matches {matched} (minor units)")
