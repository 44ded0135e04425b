"""Re-verify Sangsaeng's public ledger with nothing but the export and the standard library.

    curl -o ledger.json https://<shop>/ledger/export.json
    python3 verify_ledger.py ledger.json

Checks the hash chain, that no entry is reversed beyond its amount, that every reversal
names a refund and an order refunded in full gives nothing any more, that each matching
fund's remaining money is its top-ups less its matches plus what refunds gave back, that
each correction cancels exactly one payout, and that no payout paid a cause more than it
was owed when it was recorded (docs/ledger.md, "Balances and payouts"). Prints each cause's
balance (pledged, reversed, paid out, outstanding), or says what does not check and exits 1.
"""

import hashlib
import json
import sys
from bisect import bisect_right
from collections import defaultdict
from itertools import accumulate

FIELDS = ["amount", "cause_id", "created_at", "currency", "kind", "order_id", "order_line_id",
          "prev_hash", "refund_id", "reverses_id", "rule", "venture_id"]  # fmt: skip


def check(entries):
    """The id of the first entry whose hash or link does not match, or None."""
    previous = "0" * 64
    for entry in sorted(entries, key=lambda e: e["id"]):
        body = {name: entry[name] for name in FIELDS}
        if entry.get("fund_id") is not None:  # hashed only when set
            body["fund_id"] = entry["fund_id"]
        encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(encoded.encode()).hexdigest()
        if entry["prev_hash"] != previous or digest != entry["hash"]:
            return entry["id"]
        previous = entry["hash"]
    return None


def problems(export):
    """What does not add up between the entries, refunds, funds and payouts."""
    entries = {e["id"]: e for e in export["entries"]}
    found = []
    left = {i: e["amount"] for i, e in entries.items() if e["reverses_id"] is None}
    for e in entries.values():
        if e["reverses_id"] is not None:
            left[e["reverses_id"]] += e["amount"]
    found += [f"entry {i} is reversed beyond its amount" for i, v in left.items() if v < 0]
    refunds = {r["id"]: r for r in export.get("refunds", [])}
    found += [
        f"entry {e['id']} reverses without a refund"
        for e in entries.values()
        if e["reverses_id"] is not None and e["refund_id"] not in refunds
    ]
    refunded, totals = defaultdict(int), {}
    for r in refunds.values():
        refunded[r["order_id"]] += r["amount"]
        totals[r["order_id"]] = r["order_total"]
    for order_id, amount in refunded.items():
        net = sum(e["amount"] for e in entries.values() if e["order_id"] == order_id)
        if amount >= totals[order_id] and net != 0:
            found.append(f"order {order_id} is refunded in full but still gives {net}")
    funds = {f["id"]: f for f in export.get("funds", [])}
    for fund in funds.values():
        moved = sum(e["amount"] for e in entries.values() if e.get("fund_id") == fund["id"])
        expected = sum(t["amount"] for t in fund["top_ups"]) - moved
        if expected != fund["remaining"]:
            found.append(f"fund {fund['id']} should have {expected} left, says {fund['remaining']}")
    return found + payout_problems(export)


def payout_problems(export):
    """Corrections that do not cancel exactly one earlier payout of its cause, and payouts
    that took a cause past its net pledges when they were recorded: up to the chain's head
    the payout names (``ledger_head_id``; by ``created_at`` when an older payout has none),
    replayed in id order, leaving out each cancelled payout with its correction."""
    payouts = {d["id"]: d for d in export.get("payouts", export.get("disbursements", []))}
    found, seen = [], set()
    for d in sorted(payouts.values(), key=lambda d: d["id"]):
        target = payouts.get(d["corrects_id"]) if d["corrects_id"] is not None else None
        if d["corrects_id"] is not None and (
            target is None or target["corrects_id"] is not None or target["id"] > d["id"]
            or target["cause_id"] != d["cause_id"] or d["amount"] != -target["amount"]
            or target["id"] in seen
        ):  # fmt: skip
            found.append(f"payout {d['id']} does not cancel exactly payout {d['corrects_id']}")
        seen.add(d["corrects_id"])
    per_cause = defaultdict(list)
    for e in export["entries"]:
        per_cause[e["cause_id"]].append(e)
    running = {}
    for cause_id, entries in per_cause.items():
        by_id = sorted(entries, key=lambda e: e["id"])
        by_time = sorted(entries, key=lambda e: (e["created_at"], e["id"]))
        running[cause_id] = (
            [e["id"] for e in by_id], list(accumulate((e["amount"] for e in by_id), initial=0)),
            [e["created_at"] for e in by_time],
            list(accumulate((e["amount"] for e in by_time), initial=0)),
        )  # fmt: skip
    cancelled = {d["corrects_id"] for d in payouts.values()}
    paid = defaultdict(int)
    for d in sorted(payouts.values(), key=lambda d: d["id"]):
        if d["corrects_id"] is not None or d["id"] in cancelled:
            continue
        ids, net_by_id, times, net_by_time = running.get(d["cause_id"], ([], [0], [], [0]))
        if d.get("ledger_head_id") is not None:
            owed = net_by_id[bisect_right(ids, d["ledger_head_id"])]
        else:
            owed = net_by_time[bisect_right(times, d["created_at"])]
        paid[d["cause_id"]] += d["amount"]
        if paid[d["cause_id"]] > owed:
            found.append(
                f"payout {d['id']} pays cause {d['cause_id']} more than it was owed "
                f"({paid[d['cause_id']]} paid in all, {owed} owed when it was recorded)"
            )
    return found


def balances(export):
    """Per cause id: [pledged, reversed, paid out, outstanding]."""
    rows = defaultdict(lambda: [0, 0, 0, 0])
    for e in export["entries"]:
        rows[e["cause_id"]][0 if e["amount"] > 0 else 1] += abs(e["amount"])
    for d in export.get("payouts", export.get("disbursements", [])):  # -3, or -2's old name
        rows[d["cause_id"]][2] += d["amount"]
    for row in rows.values():
        row[3] = max(row[0] - row[1] - row[2], 0)
    return rows


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        export = json.load(handle)
    entries = export["entries"]
    broken = check(entries)
    if broken is not None:
        sys.exit(f"entry {broken} does not match the chain")
    wrong = problems(export)
    if wrong:
        sys.exit("; ".join(wrong))
    given = sum(e["amount"] for e in entries if e["kind"].startswith("donation"))
    matched = sum(e["amount"] for e in entries if e["kind"].startswith("match"))
    print(f"{len(entries)} entries check; donations {given}, matches {matched} (minor units)")
    names = {c["id"]: c["name"] for c in export.get("causes", [])}
    for cause_id, (pledged, reversed_, paid, owed) in sorted(balances(export).items()):
        print(f"{names.get(cause_id, cause_id)}: pledged {pledged}, reversed {reversed_}, "
              f"paid out {paid}, outstanding {owed}")  # fmt: skip
