"""A venture's numbers, in a fixed handful of queries however many orders it has.

Revenue counts the goods of lines not cancelled (shipping excluded), by the day the order was
paid in Seoul. The average order value is revenue divided by orders, rounded down to the won;
the returning-customer share is the orders from shoppers (by email) who had bought from the
venture before, over all orders, in basis points rounded down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from storefront.domain.money import apply_rate_bp
from storefront.domain.periods import Window, change_bp, period_start, shift, to_utc
from storefront.models import LedgerEntry, Order, OrderLine, Refund, SalesDay, SalesProductDay
from storefront.services.sales import SOLD


def bucket(db: Session, column: Any, grain: str) -> ColumnElement[str]:
    """The Seoul calendar period (as 'YYYY-MM-DD' of its first day) a timestamp falls in."""
    if db.get_bind().dialect.name == "postgresql":
        local = func.timezone("Asia/Seoul", column)
        return func.to_char(func.date_trunc(grain, local), "YYYY-MM-DD")
    if grain == "day":
        return func.date(column, "+9 hours")
    if grain == "week":
        return func.date(column, "+9 hours", "-6 days", "weekday 1")
    return func.strftime("%Y-%m-01", column, "+9 hours")


@dataclass
class PeriodFigures:
    start: date
    revenue: int = 0
    orders: int = 0
    units: int = 0
    donations: int = 0
    returning_orders: int = 0

    @property
    def average_order_value(self) -> int:
        return self.revenue // self.orders if self.orders else 0

    @property
    def returning_share_bp(self) -> int:
        return self.returning_orders * 10_000 // self.orders if self.orders else 0


@dataclass
class BestSeller:
    product_id: int
    title: str
    units: int
    revenue: int


@dataclass
class Dashboard:
    window: Window
    periods: list[PeriodFigures]
    best_sellers: list[BestSeller] = field(default_factory=list)

    @property
    def current(self) -> PeriodFigures:
        return self.periods[-1]

    @property
    def previous(self) -> PeriodFigures:
        return self.periods[-2] if len(self.periods) > 1 else PeriodFigures(self.window.starts[0])

    def change(self, name: str) -> int | None:
        return change_bp(getattr(self.current, name), getattr(self.previous, name))

    @property
    def peak_revenue(self) -> int:
        return max((p.revenue for p in self.periods), default=0)


def dashboard(db: Session, venture_id: int, window: Window, best: int = 5) -> Dashboard:
    """Figures per period of the window, and the best sellers over it (two queries on the
    running totals of services/sales.py, bounded by the days of the window)."""
    first, end = window.starts[0], shift(window.starts[-1], window.grain, 1)
    rows = db.execute(
        select(
            SalesDay.day,
            SalesDay.revenue,
            SalesDay.orders,
            SalesDay.units,
            SalesDay.donations,
            SalesDay.returning_orders,
        ).where(SalesDay.venture_id == venture_id, SalesDay.day >= first, SalesDay.day < end)
    ).all()
    figures = {start: PeriodFigures(start) for start in window.starts}
    for day, revenue, orders, units, donations, returning in rows:
        found = figures.get(period_start(_as_date(day), window.grain))
        if found is not None:
            found.revenue += int(revenue)
            found.orders += int(orders)
            found.units += int(units)
            found.donations += int(donations)
            found.returning_orders += int(returning)

    units_sold = func.sum(SalesProductDay.units)
    best_rows = db.execute(
        select(
            SalesProductDay.product_id,
            func.max(SalesProductDay.title),
            units_sold,
            func.sum(SalesProductDay.revenue),
        )
        .where(
            SalesProductDay.venture_id == venture_id,
            SalesProductDay.day >= first,
            SalesProductDay.day < end,
        )
        .group_by(SalesProductDay.product_id)
        .having(units_sold > 0)
        .order_by(units_sold.desc(), SalesProductDay.product_id)
        .limit(best)
    ).all()
    return Dashboard(
        window=window,
        periods=[figures[start] for start in window.starts],
        best_sellers=[BestSeller(int(p), str(t), int(u), int(r)) for p, t, u, r in best_rows],
    )


def _as_date(day: Any) -> date:
    return day if isinstance(day, date) else date.fromisoformat(str(day)[:10])


@dataclass(frozen=True)
class VentureStatement:
    """What a venture is owed for a calendar month (Seoul).

    gross: goods and shipping of every line of orders paid in the month;
    refunds: money given back that month for the venture's lines;
    fee: the platform's fee on (gross - refunds), rounded down;
    donations: the venture's own share given that month, net of reversals (the match is the
    platform's and is not taken from the venture);
    payout: gross - refunds - fee - donations.
    """

    month: date
    gross: int
    refunds: int
    fee_bp: int
    donations: int

    @property
    def fee(self) -> int:
        return apply_rate_bp(max(self.gross - self.refunds, 0), self.fee_bp)

    @property
    def payout(self) -> int:
        return self.gross - self.refunds - self.fee - self.donations


def statement(db: Session, venture_id: int, month: date, fee_bp: int) -> VentureStatement:
    begins, ends = to_utc(month), to_utc(shift(month, "month", 1))
    gross = db.scalar(
        select(func.coalesce(func.sum(OrderLine.goods_amount + OrderLine.shipping_amount), 0))
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            OrderLine.venture_id == venture_id,
            OrderLine.status != "new",
            Order.status.in_(SOLD),
            Order.paid_at >= begins,
            Order.paid_at < ends,
        )
    )
    refunds = db.scalar(
        select(func.coalesce(func.sum(Refund.amount), 0))
        .join(OrderLine, OrderLine.id == Refund.order_line_id)
        .where(
            OrderLine.venture_id == venture_id,
            Refund.created_at >= begins,
            Refund.created_at < ends,
        )
    )
    donations = db.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.venture_id == venture_id,
            LedgerEntry.kind.in_(("donation", "donation_reversal")),
            LedgerEntry.created_at >= begins,
            LedgerEntry.created_at < ends,
        )
    )
    return VentureStatement(month, int(gross or 0), int(refunds or 0), fee_bp, int(donations or 0))


def order_rows(db: Session, venture_id: int, begins: datetime, ends: datetime) -> list[Any]:
    """Every line of the venture in orders paid in the range, with its order (one query)."""
    return list(
        db.execute(
            select(OrderLine, Order)
            .join(Order, Order.id == OrderLine.order_id)
            .where(
                OrderLine.venture_id == venture_id,
                OrderLine.status != "new",
                Order.status.in_(SOLD),
                Order.paid_at >= begins,
                Order.paid_at < ends,
            )
            .order_by(Order.paid_at, OrderLine.id)
        ).all()
    )
