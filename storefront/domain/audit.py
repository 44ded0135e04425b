"""One pass over the ledger in chain order that finds what ``flask ledger verify`` checks: the
first entry whose link or hash does not match (``chain``), the running totals recomputed, and
each cause's net pledges at the chain heads its payouts name (``payouts``).

The entries arrive as plain rows, one at a time, and nothing is kept per entry, so a ledger
of any length is checked in constant memory.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from itertools import accumulate
from typing import Any

from storefront.domain import chain
from storefront.domain.payouts import PayoutFacts
from storefront.domain.periods import SEOUL, seoul_month

# What an entry row holds, in this order: its id, the hashed columns, its hash.
COLUMNS = ("id", *chain.ROW, "hash")
SumKey = tuple[int, int, str, str]  # cause, venture, Seoul month, kind
_NEVER = 1 << 62


class Audit:
    """Feed it every entry in id order (``add``), then ``finish``; read the findings."""

    def __init__(
        self, payouts: Iterable[PayoutFacts] = (), previous: str | None = chain.GENESIS
    ) -> None:
        """``previous``: the hash the first entry links to; None for a range of the chain that
        starts after other entries (its first link is kept as ``first_link``, for ``joined``).
        """
        self.checked = 0
        self.first_id: int | None = None
        self.first_link: str | None = None
        self.first_break: int | None = None
        self.sums: dict[SumKey, list[int]] = {}  # [amount, entries] per running total
        self.owed_at: dict[tuple[int, int], int] = {}  # (head id, cause) -> net pledges
        self._previous = previous
        self._net: dict[int, int] = defaultdict(int)
        wanted: dict[int, set[int]] = defaultdict(set)
        for p in payouts:
            if p.ledger_head_id is not None:
                wanted[p.ledger_head_id].add(p.cause_id)
        self._heads = sorted(wanted.items(), reverse=True)  # popped from the end
        self._next_head = self._heads[-1][0] if self._heads else _NEVER
        # the Seoul month of the last entry, bounds as chain text: the same format compares
        # in time order, so the next entries of the month need no parsing
        self._month: tuple[str, str, str] | None = None

    def add(self, row: Sequence[Any]) -> None:
        """One entry, as the values of ``COLUMNS``; ``created_at`` either a datetime or already
        the chain's text (``chain.iso``), which is what ``flask ledger verify`` reads."""
        entry_id = row[0]
        if entry_id > self._next_head:
            self._reach(entry_id)
        self.checked += 1
        if self.first_break is None:
            digest = hashlib.sha256(chain.canonical_row(*row[1:14])).hexdigest()
            if row[13] != self._previous or digest != row[14]:
                self.first_break = entry_id
            self._previous = row[14]
        created, amount, cause_id = row[1], row[3], row[8]
        if type(created) is not str:
            created = chain.iso(created)
        month = self._month
        if month is None or not month[0] <= created < month[1]:
            month = self._month = _month_of(created)
        total = self.sums.get((cause_id, row[7], month[2], row[2]))
        if total is None:
            total = self.sums[(cause_id, row[7], month[2], row[2])] = [0, 0]
        total[0] += amount
        total[1] += 1
        self._net[cause_id] += amount

    def add_all(self, rows: Iterable[Sequence[Any]]) -> Audit:
        rows = iter(rows)
        first = next(rows, None)
        if first is not None:
            self.first_id = first[0]
            if self._previous is None:
                self._previous = self.first_link = first[13]
            self.add(first)
        for row in rows:
            self.add(row)
        return self.finish()

    def finish(self) -> Audit:
        self._reach(_NEVER)
        return self

    def _reach(self, entry_id: int) -> None:
        """Note the net pledges at every payout head before ``entry_id``."""
        while self._heads and self._heads[-1][0] < entry_id:
            head, causes = self._heads.pop()
            for cause_id in causes:
                self.owed_at[(head, cause_id)] = self._net.get(cause_id, 0)
        self._next_head = self._heads[-1][0] if self._heads else _NEVER

    def sums_that_differ(self, stored: dict[SumKey, tuple[int, int]]) -> list[SumKey]:
        """The running totals (amount, entries) that do not match the entries, in key order."""
        recomputed = {key: (v[0], v[1]) for key, v in self.sums.items()}
        keys = recomputed.keys() | stored.keys()
        return sorted(k for k in keys if recomputed.get(k) != stored.get(k))


def joined(parts: Sequence[Audit]) -> Audit:
    """The audit of the whole chain from the audits of its consecutive id ranges, in id order:
    the first from ``GENESIS``, the others each given the payouts whose heads fall in its range
    and ``previous=None``. A range's first link must be the hash its predecessor ended on; the
    first break is the first in id order; the running totals add up; the net pledges at a head
    are those of the ranges before it plus its own range's up to the head."""
    whole = Audit()
    previous = chain.GENESIS
    for part in parts:
        whole.checked += part.checked
        if whole.first_break is None and part.checked:
            if part.first_link is not None and part.first_link != previous:
                whole.first_break = part.first_id
            else:
                whole.first_break = part.first_break
            previous = part._previous or previous
        for (head, cause_id), owed in part.owed_at.items():
            whole.owed_at[(head, cause_id)] = whole._net.get(cause_id, 0) + owed
        for key, (amount, entries) in part.sums.items():
            total = whole.sums.setdefault(key, [0, 0])
            total[0] += amount
            total[1] += entries
        for cause_id, net in part._net.items():
            whole._net[cause_id] += net
    whole._heads = []
    return whole


def _month_of(created: str) -> tuple[str, str, str]:
    """The Seoul month of a moment given as ``chain.iso`` text, with its bounds in the same
    form (so the next entries skip the parsing and the time zone)."""
    moment = datetime.fromisoformat(created)
    local = moment.astimezone(SEOUL)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    after = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    return chain.iso(start), chain.iso(after), seoul_month(moment)


# The same audit when the database did the per-entry work (``ledger_verify`` on PostgreSQL):
# it groups the entries by Seoul month bucket and by payout head bucket, and these functions
# give the bounds of those buckets and put the grouped sums back into an ``Audit``.


def month_starts(first: datetime, last: datetime) -> list[datetime]:
    """The starts of the Seoul months from the one holding ``first`` to the one after the
    one holding ``last`` (aware moments): an entry made at ``t`` is in the month of the
    last start at or before ``t``, the rule ``Audit`` applies (``seoul_month``)."""
    local = first.astimezone(SEOUL)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    starts = [start]
    while start <= last:
        start = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
        starts.append(start)
    return starts


def head_bounds(payouts: Iterable[PayoutFacts]) -> list[int]:
    """The distinct chain heads the payouts name, in id order: an entry's head bucket is how
    many of them are before it (``bisect_left(bounds, entry id)``)."""
    return sorted({p.ledger_head_id for p in payouts if p.ledger_head_id is not None})


def grouped(
    payouts: Iterable[PayoutFacts],
    checked: int,
    first_break: int | None,
    sums: Mapping[SumKey, Sequence[int]],
    net_in_bucket: Mapping[tuple[int, int], int],
) -> Audit:
    """The audit of the whole chain from sums the database grouped: how many entries,
    the first break in id order, the running totals (amount, entries), and each cause's net
    pledges per head bucket (cause, bucket: ``head_bounds``), which add up to its net
    pledges at every head."""
    found = Audit()
    found.checked, found.first_break = checked, first_break
    found.sums = {key: [int(amount), int(entries)] for key, (amount, entries) in sums.items()}
    bounds = head_bounds(payouts := list(payouts))
    upto: dict[int, list[int]] = {}  # cause -> its net pledges up to each head, in order
    for p in payouts:
        if p.ledger_head_id is None:
            continue
        if p.cause_id not in upto:
            nets = (net_in_bucket.get((p.cause_id, b), 0) for b in range(len(bounds)))
            upto[p.cause_id] = list(accumulate(nets))
        head = bisect_left(bounds, p.ledger_head_id)
        found.owed_at[(p.ledger_head_id, p.cause_id)] = upto[p.cause_id][head]
    found._heads = []
    return found
