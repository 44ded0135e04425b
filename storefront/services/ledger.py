"""Record donations in the append-only ledger and read its public totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storefront.domain.pricing import DonationRule
from storefront.models import Cause, LedgerEntry, Order, Venture


def record_order(db: Session, order: Order, now: datetime) -> list[LedgerEntry]:
    """Add the donation and match entries a paid order pledges. Never edits an entry."""
    entries = []
    for line in order.lines:
        rule = DonationRule(line.giving_rate_bp, line.match_rate_bp).describe()
        for kind, amount in (("donation", line.donation_amount), ("match", line.match_amount)):
            if amount <= 0:
                continue
            entries.append(
                LedgerEntry(
                    created_at=now,
                    kind=kind,
                    amount=amount,
                    currency=order.currency,
                    order_id=order.id,
                    order_line_id=line.id,
                    venture_id=line.venture_id,
                    cause_id=line.cause_id,
                    rule=rule,
                )
            )
    db.add_all(entries)
    return entries


def total_pledged(db: Session) -> int:
    return db.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0))) or 0


@dataclass(frozen=True)
class Total:
    label: str
    key: str
    donation: int
    match: int

    @property
    def amount(self) -> int:
        return self.donation + self.match


def _split_sums() -> tuple[object, object]:
    donation = func.coalesce(func.sum(LedgerEntry.amount).filter(LedgerEntry.kind == "donation"), 0)
    match = func.coalesce(func.sum(LedgerEntry.amount).filter(LedgerEntry.kind == "match"), 0)
    return donation, match


def totals_by_cause(db: Session) -> list[Total]:
    donation, match = _split_sums()
    rows = db.execute(
        select(Cause.name, Cause.slug, donation, match)  # type: ignore[call-overload]
        .join(LedgerEntry, LedgerEntry.cause_id == Cause.id)
        .group_by(Cause.id, Cause.name, Cause.slug)
        .order_by(func.sum(LedgerEntry.amount).desc())
    )
    return [Total(r[0], r[1], int(r[2]), int(r[3])) for r in rows]


def totals_by_venture(db: Session, limit: int = 50) -> list[Total]:
    donation, match = _split_sums()
    rows = db.execute(
        select(Venture.name, Venture.slug, donation, match)  # type: ignore[call-overload]
        .join(LedgerEntry, LedgerEntry.venture_id == Venture.id)
        .group_by(Venture.id, Venture.name, Venture.slug)
        .order_by(func.sum(LedgerEntry.amount).desc())
        .limit(limit)
    )
    return [Total(r[0], r[1], int(r[2]), int(r[3])) for r in rows]


def totals_by_month(db: Session, entries_limit: int = 24) -> list[Total]:
    """Totals per calendar month in Seoul time (UTC+9, no daylight saving)."""
    donation, match = _split_sums()
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        month = func.to_char(func.timezone("Asia/Seoul", LedgerEntry.created_at), "YYYY-MM")
    else:
        month = func.strftime("%Y-%m", LedgerEntry.created_at, "+9 hours")
    rows = db.execute(
        select(month.label("month"), donation, match)  # type: ignore[call-overload]
        .group_by("month")
        .order_by(month.desc())
        .limit(entries_limit)
    )
    return [Total(r[0], r[0], int(r[1]), int(r[2])) for r in rows]


def latest_entries(db: Session, limit: int = 50) -> list[tuple[LedgerEntry, str, str, str]]:
    """The newest entries with their order number, venture and cause names (one query)."""
    rows = db.execute(
        select(LedgerEntry, Order.number, Venture.name, Cause.name)
        .join(Order, Order.id == LedgerEntry.order_id)
        .join(Venture, Venture.id == LedgerEntry.venture_id)
        .join(Cause, Cause.id == LedgerEntry.cause_id)
        .order_by(LedgerEntry.id.desc())
        .limit(limit)
    )
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def order_entries(db: Session, order_id: int) -> list[LedgerEntry]:
    return list(
        db.scalars(
            select(LedgerEntry).where(LedgerEntry.order_id == order_id).order_by(LedgerEntry.id)
        )
    )
