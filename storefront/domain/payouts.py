"""The rule a verifier checks on payouts: no cause is ever paid more than it was owed.

A payout is checked against the ledger as it stood when the payout was recorded: the entries
up to the chain's head it names (``ledger_head_id``; payouts and ledger entries are written
under one lock, so that head is exactly what the payout's check saw). Replayed per cause in
the order recorded (payout ids), leaving out every payout a correction cancelled together
with its correction, what the remaining payouts add up to must never exceed the cause's net
pledges (pledges less reversals) up to each payout's head. A refund that comes after a
payout lowers only the later heads' nets, so it never fails the payouts before it; it leaves
the cause "paid ahead" and the next pledges absorb that. docs/verify_ledger.py applies the
same rule to the public export with the standard library only. See docs/ledger.md.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate


@dataclass(frozen=True)
class EntryFacts:
    id: int
    cause_id: int
    amount: int  # pledges positive, reversals negative
    created_at: datetime


@dataclass(frozen=True)
class PayoutFacts:
    id: int
    cause_id: int
    amount: int  # a correction is negative
    corrects_id: int | None
    ledger_head_id: int | None  # None only on payouts recorded before heads were kept
    created_at: datetime


@dataclass(frozen=True)
class Overpaid:
    payout_id: int
    cause_id: int
    paid: int  # what the cause had been paid, this payout included
    owed: int  # its net pledges when the payout was recorded


def bad_corrections(payouts: Iterable[PayoutFacts]) -> list[str]:
    """Corrections that do not cancel exactly one earlier payout of the same cause."""
    by_id = {p.id: p for p in payouts}
    seen: set[int] = set()
    found = []
    for p in sorted(by_id.values(), key=lambda p: p.id):
        if p.corrects_id is None:
            continue
        original = by_id.get(p.corrects_id)
        if (
            original is None
            or original.corrects_id is not None
            or original.id > p.id
            or original.cause_id != p.cause_id
            or p.amount != -original.amount
            or original.id in seen
        ):
            found.append(f"payout {p.id} does not cancel exactly payout {p.corrects_id}")
        seen.add(p.corrects_id)
    return found


class _Pledges:
    """One cause's net pledges up to any entry id or moment (running sums, found by bisection)."""

    def __init__(self, entries: list[EntryFacts]) -> None:
        by_id = sorted(entries, key=lambda e: e.id)
        by_time = sorted(entries, key=lambda e: (e.created_at, e.id))
        self.ids = [e.id for e in by_id]
        self.times = [e.created_at for e in by_time]
        self.net_by_id = list(accumulate((e.amount for e in by_id), initial=0))
        self.net_by_time = list(accumulate((e.amount for e in by_time), initial=0))

    def owed_when(self, payout: PayoutFacts) -> int:
        if payout.ledger_head_id is not None:
            return self.net_by_id[bisect_right(self.ids, payout.ledger_head_id)]
        # recorded before heads were kept: the entries made up to its moment
        return self.net_by_time[bisect_right(self.times, payout.created_at)]


def overpaid(entries: Iterable[EntryFacts], payouts: Iterable[PayoutFacts]) -> list[Overpaid]:
    """Every payout that took its cause past what it was owed when it was recorded."""
    per_cause: dict[int, list[EntryFacts]] = defaultdict(list)
    for entry in entries:
        per_cause[entry.cause_id].append(entry)
    pledges = {cause_id: _Pledges(rows) for cause_id, rows in per_cause.items()}

    def owed(p: PayoutFacts) -> int:
        cause = pledges.get(p.cause_id)
        return cause.owed_when(p) if cause else 0

    return overpaid_given(payouts, owed)


def overpaid_given(
    payouts: Iterable[PayoutFacts], owed: Callable[[PayoutFacts], int]
) -> list[Overpaid]:
    """``overpaid`` with what each payout's cause was owed when it was recorded already known
    (``owed(payout)``), as a one-pass reader of the ledger finds it."""
    rows = list(payouts)
    cancelled = {p.corrects_id for p in rows if p.corrects_id is not None}
    kept = [p for p in rows if p.corrects_id is None and p.id not in cancelled]
    paid: dict[int, int] = defaultdict(int)
    found = []
    for p in sorted(kept, key=lambda p: p.id):
        owed_then = owed(p)
        paid[p.cause_id] += p.amount
        if paid[p.cause_id] > owed_then:
            found.append(Overpaid(p.id, p.cause_id, paid[p.cause_id], owed_then))
    return found
