"""One pass over the ledger in chain order that finds what ``flask ledger verify`` checks: the
first entry whose link or hash does not match (``chain``), the running totals recomputed, and
each cause's net pledges at the chain heads its payouts name (``payouts``).

The entries arrive as plain rows, one at a time, and nothing is kept per entry, so a ledger
of any length is checked in constant memory.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
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

    def __init__(self, payouts: Iterable[PayoutFacts] = ()) -> None:
        self.checked = 0
        self.first_break: int | None = None
        self.sums: dict[SumKey, list[int]] = {}  # [amount, entries] per running total
        self.owed_at: dict[tuple[int, int], int] = {}  # (head id, cause) -> net pledges
        self._previous = chain.GENESIS
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


def _month_of(created: str) -> tuple[str, str, str]:
    """The Seoul month of a moment given as ``chain.iso`` text, with its bounds in the same
    form (so the next entries skip the parsing and the time zone)."""
    moment = datetime.fromisoformat(created)
    local = moment.astimezone(SEOUL)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    after = start.replace(year=start.year + start.month // 12, month=start.month % 12 + 1)
    return chain.iso(start), chain.iso(after), seoul_month(moment)
