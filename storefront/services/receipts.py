"""Donation receipts for one order and donation statements for an email over a period.

Both are read from the ledger, not from order lines, so they stay right after refunds: a
refunded line's reversals are new entries that take its donation and match back off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storefront.domain.errors import BadStatementLink, DomainError, ReceiptRefused
from storefront.domain.receipts import (
    REVERSAL_KINDS,
    Net,
    StatementPeriod,
    mask_email,
    net_of,
    receipt_number,
)
from storefront.models import Cause, LedgerEntry, Order
from storefront.models.ledger import LEDGER_KINDS

# Orders that were paid: a fully refunded order keeps its receipt, which then shows 0.
RECEIPT_STATUSES = ("paid", "refunded")
HASH_PREFIX = 12


def has_receipt(order: Order) -> bool:
    return order.status in RECEIPT_STATUSES and order.paid_at is not None


@dataclass(frozen=True)
class ReceiptEntry:
    """One ledger entry as a receipt shows it, with the start of its hash to check it by."""

    id: int
    created_at: datetime
    kind: str
    amount: int
    cause_name: str
    hash_prefix: str

    @property
    def is_reversal(self) -> bool:
        return self.kind in REVERSAL_KINDS


@dataclass(frozen=True)
class CauseGiving:
    """What an order (or a statement) pledged to one cause, net of refunds."""

    cause_id: int
    name: str
    registration: str
    net: Net
    reversals: tuple[ReceiptEntry, ...] = ()


@dataclass(frozen=True)
class Receipt:
    number: str
    order_number: str
    donor_name: str
    email: str  # masked
    paid_at: datetime
    currency: str
    causes: tuple[CauseGiving, ...]
    entries: tuple[ReceiptEntry, ...]

    @property
    def net(self) -> Net:
        return sum((c.net for c in self.causes), Net())

    @property
    def reversals(self) -> tuple[ReceiptEntry, ...]:
        return tuple(e for e in self.entries if e.is_reversal)


def _causes(rows: list[tuple[ReceiptEntry, int, str, str]]) -> tuple[CauseGiving, ...]:
    """Group entries by cause, in the order each cause first appears in the ledger."""
    grouped: dict[int, list[tuple[ReceiptEntry, str, str]]] = {}
    for entry, cause_id, name, registration in rows:
        grouped.setdefault(cause_id, []).append((entry, name, registration))
    return tuple(
        CauseGiving(
            cause_id=cause_id,
            name=items[0][1],
            registration=items[0][2],
            net=net_of((e.kind, e.amount) for e, _, _ in items),
            reversals=tuple(e for e, _, _ in items if e.is_reversal),
        )
        for cause_id, items in grouped.items()
    )


def receipt_for(db: Session, order: Order) -> Receipt:
    """Build the donation receipt of a paid order from its ledger entries (one query).

    Refuses an order that was never paid (``receipt.not_paid``).
    """
    if not has_receipt(order) or order.paid_at is None:
        raise ReceiptRefused("receipt.not_paid")
    rows = db.execute(
        select(LedgerEntry, Cause.id, Cause.name, Cause.registration)
        .join(Cause, Cause.id == LedgerEntry.cause_id)
        .where(LedgerEntry.order_id == order.id)
        .order_by(LedgerEntry.id)
    ).all()
    shown = [
        (
            ReceiptEntry(
                id=e.id,
                created_at=e.created_at,
                kind=e.kind,
                amount=e.amount,
                cause_name=name,
                hash_prefix=e.hash[:HASH_PREFIX],
            ),
            cause_id,
            name,
            registration,
        )
        for e, cause_id, name, registration in rows
    ]
    return Receipt(
        number=receipt_number(order.number),
        order_number=order.number,
        donor_name=order.name,
        email=mask_email(order.email),
        paid_at=order.paid_at,
        currency=order.currency,
        causes=_causes(shown),
        entries=tuple(e for e, _, _, _ in shown),
    )


# -- statements ------------------------------------------------------------------------------

STATEMENT_SALT = "sangsaeng-donation-statement"
STATEMENT_MAX_AGE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class StatementRequest:
    email: str
    period: StatementPeriod


@dataclass(frozen=True)
class StatementLinks:
    """Statement links: signed with the app's secret, carrying the email and the period,
    good for a week. Anyone holding one sees that email's donations, so it is only ever sent
    to that address."""

    secret_key: str
    max_age: int = STATEMENT_MAX_AGE_SECONDS

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=STATEMENT_SALT)

    def issue(self, email: str, period: StatementPeriod) -> str:
        data = {
            "e": email.strip().lower(),
            "f": period.start.isoformat(),
            "t": period.end.isoformat(),
        }
        return str(self._serializer().dumps(data))

    def read(self, token: str) -> StatementRequest:
        """Return what the link asks for; refuse it if it is not one we signed
        or is older than ``max_age`` seconds."""
        try:
            data = self._serializer().loads(token, max_age=self.max_age)
        except SignatureExpired as exc:
            raise BadStatementLink("statement.link_expired") from exc
        except BadSignature as exc:
            raise BadStatementLink("statement.link_invalid") from exc
        try:
            email, start, end = data["e"], data["f"], data["t"]
            period = StatementPeriod.checked(date.fromisoformat(start), date.fromisoformat(end))
        except (TypeError, KeyError, ValueError, DomainError) as exc:
            raise BadStatementLink("statement.link_invalid") from exc
        if not isinstance(email, str) or "@" not in email:
            raise BadStatementLink("statement.link_invalid")
        return StatementRequest(email, period)


@dataclass(frozen=True)
class StatementOrder:
    number: str
    receipt_number: str
    paid_at: datetime
    causes: tuple[CauseGiving, ...]

    @property
    def net(self) -> Net:
        return sum((c.net for c in self.causes), Net())


@dataclass(frozen=True)
class DonationStatement:
    email: str  # masked
    period: StatementPeriod
    currency: str
    orders: tuple[StatementOrder, ...]
    by_cause: tuple[CauseGiving, ...]

    @property
    def net(self) -> Net:
        return sum((o.net for o in self.orders), Net())


def _paid_orders(email: str, period: StatementPeriod) -> Any:
    return select(Order).where(
        func.lower(Order.email) == email.strip().lower(),
        Order.status.in_(RECEIPT_STATUSES),
        Order.paid_at >= period.begins_at,
        Order.paid_at < period.ends_before,
    )


def has_orders(db: Session, email: str, period: StatementPeriod) -> bool:
    """Whether the email has a paid order in the period (one query)."""
    found = db.scalar(_paid_orders(email, period).with_only_columns(Order.id).limit(1))
    return found is not None


def _sum_kind(kind: str) -> Any:
    return func.coalesce(func.sum(LedgerEntry.amount).filter(LedgerEntry.kind == kind), 0)


def statement_for(
    db: Session, email: str, period: StatementPeriod, currency: str
) -> DonationStatement:
    """Every paid order of ``email`` (any case) paid within ``period`` (Seoul days), with what
    each gave to each cause net of refunds, and the totals per cause. Two queries, however
    many orders there are."""
    orders = list(
        db.execute(
            _paid_orders(email, period)
            .with_only_columns(Order.id, Order.number, Order.paid_at)
            .order_by(Order.paid_at, Order.id)
        )
    )
    sums: dict[int, list[tuple[int, str, str, Net]]] = {}
    if orders:
        kinds = LEDGER_KINDS
        rows = db.execute(
            select(
                LedgerEntry.order_id,
                Cause.id,
                Cause.name,
                Cause.registration,
                *(_sum_kind(kind) for kind in kinds),
            )
            .join(Cause, Cause.id == LedgerEntry.cause_id)
            .where(LedgerEntry.order_id.in_([o.id for o in orders]))
            .group_by(LedgerEntry.order_id, Cause.id, Cause.name, Cause.registration)
            .order_by(LedgerEntry.order_id, Cause.id)
        )
        for order_id, cause_id, name, registration, *amounts in rows:
            net = net_of(zip(kinds, (int(a) for a in amounts), strict=True))
            sums.setdefault(order_id, []).append((cause_id, name, registration, net))
    statement_orders = tuple(
        StatementOrder(
            number=o.number,
            receipt_number=receipt_number(o.number),
            paid_at=o.paid_at,
            causes=tuple(CauseGiving(c, n, r, net) for c, n, r, net in sums.get(o.id, [])),
        )
        for o in orders
    )
    totals: dict[int, CauseGiving] = {}
    for order in statement_orders:
        for giving in order.causes:
            before = totals.get(giving.cause_id)
            totals[giving.cause_id] = CauseGiving(
                giving.cause_id,
                giving.name,
                giving.registration,
                giving.net if before is None else before.net + giving.net,
            )
    return DonationStatement(
        email=mask_email(email),
        period=period,
        currency=currency,
        orders=statement_orders,
        by_cause=tuple(sorted(totals.values(), key=lambda c: (-c.net.total, c.name))),
    )
