"""Matching funds: offer them at checkout, draw from them when an order is paid, give back
what a refund returns, and record top-ups. See storefront/domain/matching.py for the rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from storefront.domain.errors import FundError
from storefront.domain.matching import FundTerms, allocate
from storefront.models import (
    FundTopUp,
    LedgerEntry,
    MatchingFund,
    Order,
    OrderLine,
    Product,
    Venture,
)
from storefront.models.base import UTCDateTime
from storefront.models.funds import fund_venture


def terms(fund: MatchingFund, venture_ids: Iterable[int] | None = None) -> FundTerms:
    """The fund's terms; its ventures' ids from ``fund.ventures`` unless given."""
    if venture_ids is None:
        venture_ids = (v.id for v in fund.ventures)
    return FundTerms(
        id=fund.id,
        rate_bp=fund.rate_bp,
        cap_per_order=fund.cap_per_order,
        venture_ids=frozenset(venture_ids),
        categories=frozenset(fund.category_list),
        starts_at=fund.starts_at,
        ends_at=fund.ends_at,
    )


def _open(stmt: Select[Any], moment: Any, currency: Any) -> Select[Any]:
    """``stmt`` of the active funds in their period with money left, in the order checkout
    tries them."""
    return stmt.where(
        MatchingFund.active,
        MatchingFund.currency == currency,
        MatchingFund.remaining > 0,
        or_(MatchingFund.starts_at.is_(None), MatchingFund.starts_at <= moment),
        or_(MatchingFund.ends_at.is_(None), MatchingFund.ends_at > moment),
    ).order_by(MatchingFund.id)


def open_funds(db: Session, moment: datetime, currency: str) -> list[MatchingFund]:
    """Active funds in their period with money left, in the order checkout tries them."""
    stmt = _open(select(MatchingFund), moment, currency)
    return list(db.scalars(stmt.options(selectinload(MatchingFund.ventures))))


# Built once (the product page asks on every view): only the moment and currency change.
_OFFERS = _open(
    select(MatchingFund, fund_venture.c.venture_id),
    bindparam("moment", type_=UTCDateTime()),
    bindparam("currency", type_=String()),
).outerjoin(fund_venture, fund_venture.c.fund_id == MatchingFund.id)


def offer_for(
    db: Session, product: Product, moment: datetime, currency: str
) -> MatchingFund | None:
    """The fund that would match a purchase of the product now, as checkout would choose it.

    One query: the open funds with the ids of the ventures each names (a row per venture),
    rather than the funds and then their ventures' whole rows, which terms need only the ids
    of."""
    rows = db.execute(_OFFERS, {"moment": moment, "currency": currency})
    by_id: dict[int, MatchingFund] = {}
    venture_ids: dict[int, list[int]] = {}
    for fund, venture_id in rows:
        by_id[fund.id] = fund
        named = venture_ids.setdefault(fund.id, [])
        if venture_id is not None:
            named.append(venture_id)
    candidates = (terms(f, venture_ids[f.id]) for f in by_id.values())
    for fund_terms in sorted(candidates, key=FundTerms.sort_key):
        if fund_terms.covers(product.venture_id, product.category):
            return by_id[fund_terms.id]
    return None


def create(
    db: Session,
    *,
    name: str,
    sponsor: str,
    currency: str,
    rate_bp: int,
    budget: int,
    cap_per_order: int | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    venture_ids: Iterable[int] = (),
    categories: Iterable[str] = (),
    description: str = "",
    recorded_by_id: int | None = None,
    now: datetime,
) -> MatchingFund:
    """Open a fund with its first budget, recorded as its first top-up."""
    if rate_bp <= 0 or budget <= 0 or (cap_per_order is not None and cap_per_order <= 0):
        raise FundError("fund.amounts", field="budget")
    if starts_at and ends_at and ends_at <= starts_at:
        raise FundError("fund.period", field="budget")
    fund = MatchingFund(
        name=name,
        sponsor=sponsor,
        currency=currency,
        rate_bp=rate_bp,
        cap_per_order=cap_per_order,
        starts_at=starts_at,
        ends_at=ends_at,
        categories=",".join(sorted(set(categories))),
        description=description,
        budget=0,
        remaining=0,
        created_at=now,
    )
    ids = list(venture_ids)
    if ids:
        fund.ventures = list(db.scalars(select(Venture).where(Venture.id.in_(ids))))
    db.add(fund)
    db.flush()
    top_up(db, fund, budget, "", recorded_by_id, now)  # the first top-up is the opening budget
    return fund


def top_up(
    db: Session,
    fund: MatchingFund,
    amount: int,
    note: str,
    recorded_by_id: int | None,
    now: datetime,
) -> FundTopUp:
    """Add money to a fund: a new top-up row, and the budget and remaining raised in SQL."""
    if amount <= 0:
        raise FundError("fund.amounts", field="amount")
    row = FundTopUp(
        fund_id=fund.id, amount=amount, note=note, recorded_by_id=recorded_by_id, created_at=now
    )
    db.add(row)
    db.execute(
        update(MatchingFund)
        .where(MatchingFund.id == fund.id)
        .values(budget=MatchingFund.budget + amount, remaining=MatchingFund.remaining + amount)
        .execution_options(synchronize_session=False)
    )
    db.flush()
    db.expire(fund, ["budget", "remaining"])
    return row


def top_ups(db: Session, fund_id: int) -> list[FundTopUp]:
    return list(
        db.scalars(select(FundTopUp).where(FundTopUp.fund_id == fund_id).order_by(FundTopUp.id))
    )


def draw(db: Session, order: Order) -> None:
    """Draw each fund's match for a paid order, as much as the fund still has.

    The fund's row is locked (``FOR UPDATE`` on PostgreSQL; SQLite transactions already begin
    IMMEDIATE) before its remaining amount is read (a fund an operator has closed since the
    order was placed gives nothing), and lowered with an update that refuses to go below
    zero, so orders paid at once can never spend more than the fund holds. A partial draw is
    shared between the lines by ``allocate``; each line's ``match_amount`` becomes what was
    drawn for it.
    """
    by_fund: dict[int, list[OrderLine]] = {}
    for line in order.lines:
        if line.fund_id is not None and line.match_wanted > 0:
            by_fund.setdefault(line.fund_id, []).append(line)
        else:
            line.match_amount = 0
    for fund_id in sorted(by_fund):  # a fixed order, so two orders never wait on each other
        lines = by_fund[fund_id]
        wanted = [line.match_wanted for line in lines]
        left, active = db.execute(
            select(MatchingFund.remaining, MatchingFund.active)
            .where(MatchingFund.id == fund_id)
            .with_for_update()
        ).one()
        got = min(sum(wanted), left) if active else 0  # a fund closed since checkout gives nothing
        if got:
            result = db.execute(
                update(MatchingFund)
                .where(MatchingFund.id == fund_id, MatchingFund.remaining >= got)
                .values(remaining=MatchingFund.remaining - got)
                .execution_options(synchronize_session=False)
            )
            if not result.rowcount:  # type: ignore[attr-defined]
                got = 0  # cannot happen under the lock; never overspend if it does
        for line, share in zip(lines, allocate(got, wanted), strict=True):
            line.match_amount = share
    order.match_total = sum(line.match_amount for line in order.lines)
    db.flush()


def give_back(db: Session, reversals: Iterable[LedgerEntry]) -> None:
    """Return reversed matches to their funds (the amounts are negative)."""
    returned: dict[int, int] = {}
    for entry in reversals:
        if entry.kind == "match_reversal" and entry.fund_id is not None:
            returned[entry.fund_id] = returned.get(entry.fund_id, 0) - entry.amount
    for fund_id in sorted(returned):
        db.execute(
            update(MatchingFund)
            .where(MatchingFund.id == fund_id)
            .values(remaining=MatchingFund.remaining + returned[fund_id])
            .execution_options(synchronize_session=False)
        )


@dataclass(frozen=True)
class FundBalance:
    fund: MatchingFund
    topped_up: int
    drawn: int
    returned: int

    @property
    def expected_remaining(self) -> int:
        return self.topped_up - self.drawn + self.returned

    @property
    def consistent(self) -> bool:
        return self.fund.budget == self.topped_up and self.fund.remaining == self.expected_remaining


def balances(db: Session) -> list[FundBalance]:
    """Each fund's top-ups, draws and returns from the append-only rows, beside its counters."""
    funds = list(db.scalars(select(MatchingFund).order_by(MatchingFund.id)))
    topped = dict(
        db.execute(
            select(FundTopUp.fund_id, func.sum(FundTopUp.amount)).group_by(FundTopUp.fund_id)
        ).all()
    )
    moved = db.execute(
        select(LedgerEntry.fund_id, LedgerEntry.kind, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.fund_id.is_not(None))
        .group_by(LedgerEntry.fund_id, LedgerEntry.kind)
    )
    drawn: dict[int, int] = {}
    returned: dict[int, int] = {}
    for fund_id, kind, amount in moved:
        if fund_id is None:
            continue
        if kind == "match":
            drawn[fund_id] = int(amount)
        elif kind == "match_reversal":
            returned[fund_id] = -int(amount)
    return [
        FundBalance(f, int(topped.get(f.id, 0)), drawn.get(f.id, 0), returned.get(f.id, 0))
        for f in funds
    ]
