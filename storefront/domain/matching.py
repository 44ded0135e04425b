"""Matching funds: which fund matches a line, how much it promises, and how a draw is shared.

Rules, all in the currency's minor unit (see docs/ledger.md, "Matching funds"):

* a line is matched by at most one fund: the first eligible fund that is open when the order
  is placed, taking funds that name ventures or categories before funds for everything (a
  sponsor who chose its ventures wants its money spent on them), then the fund that closes
  soonest (open-ended funds last), then the oldest; a fund is eligible for a line when it
  names neither ventures nor categories, or names the line's venture, or the product's
  category;
* a line's wanted match is ``donation x fund rate``, rounded down (10000 bp is 1:1);
* a fund's cap per order limits what it gives one order; when the lines want more, the cap
  is shared between them by :func:`allocate`;
* when the order is paid the fund gives what it still has, up to what the lines want; a
  partial draw is shared between the lines by :func:`allocate` too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storefront.domain.money import apply_rate_bp


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Share ``total`` between weights in proportion, in whole units that add up to ``total``.

    Each share is first rounded down; the units left over go one each to the largest
    remainders (ties to the earlier weight). No share exceeds its weight when ``total`` does
    not exceed their sum.
    """
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("total and weights must not be negative")
    whole = sum(weights)
    if whole == 0 or total == 0:
        return [0] * len(weights)
    if total >= whole:
        return list(weights)
    shares = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares


@dataclass(frozen=True)
class FundTerms:
    """What a fund offers, as checkout sees it."""

    id: int
    rate_bp: int
    cap_per_order: int | None
    venture_ids: frozenset[int]
    categories: frozenset[str]
    starts_at: datetime | None
    ends_at: datetime | None

    def open_at(self, moment: datetime) -> bool:
        return (self.starts_at is None or self.starts_at <= moment) and (
            self.ends_at is None or moment < self.ends_at
        )

    def covers(self, venture_id: int, category: str) -> bool:
        if not self.venture_ids and not self.categories:
            return True
        return venture_id in self.venture_ids or category in self.categories

    @property
    def targeted(self) -> bool:
        return bool(self.venture_ids or self.categories)

    def sort_key(self) -> tuple[int, int, datetime | int, int]:
        first = 0 if self.targeted else 1
        return (first, 0, self.ends_at, self.id) if self.ends_at else (first, 1, 0, self.id)


@dataclass(frozen=True)
class MatchLine:
    venture_id: int
    category: str
    donation: int


@dataclass(frozen=True)
class Match:
    fund_id: int | None
    rate_bp: int
    wanted: int


def plan(lines: Sequence[MatchLine], funds: Sequence[FundTerms], moment: datetime) -> list[Match]:
    """Choose each line's fund and what it wants, caps per order applied."""
    open_funds = sorted((f for f in funds if f.open_at(moment)), key=FundTerms.sort_key)
    chosen: list[Match] = []
    for line in lines:
        fund = next((f for f in open_funds if f.covers(line.venture_id, line.category)), None)
        if fund is None or line.donation <= 0:
            chosen.append(Match(None, 0, 0))
        else:
            chosen.append(Match(fund.id, fund.rate_bp, apply_rate_bp(line.donation, fund.rate_bp)))
    for fund in open_funds:
        if fund.cap_per_order is None:
            continue
        mine = [i for i, m in enumerate(chosen) if m.fund_id == fund.id]
        wanted = [chosen[i].wanted for i in mine]
        if sum(wanted) <= fund.cap_per_order:
            continue
        for i, share in zip(mine, allocate(fund.cap_per_order, wanted), strict=True):
            chosen[i] = Match(fund.id, chosen[i].rate_bp, share)
    return chosen
