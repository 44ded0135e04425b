"""Running totals of each venture's sales, per Seoul day and per product and day.

``restate`` brings the totals in line with one order's lines; every write that changes what
an order sold (paid, a line cancelled) calls it in the same transaction. It compares the
order's sold items with the ones recorded (``sales_item``) and adds the difference to the
day totals, and re-reads the shopper's purchases with the venture (a handful of rows) to
keep the count of orders from returning customers. ``recompute`` derives everything from
the orders, for ``flask stats verify`` and the migration's backfill.

What counts is what ``stats.py`` counted: the goods of lines in SOLD_LINES of orders in SOLD,
by the Seoul day the order was paid; an order is a returning customer's when the shopper (by
lower-cased email) had a counted order with the venture paid strictly earlier.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storefront.domain.periods import local_date
from storefront.models import Order, OrderLine, SalesDay, SalesItem, SalesProductDay

SOLD = ("paid", "refunded")  # orders whose lines count once not cancelled
# A line stays "new" when its payment was refunded on arrival: nothing was sold.
# A returned line sold nothing in the end; an exchanged one is still sold (services/returns.py).
SOLD_LINES = ("paid", "preparing", "shipped", "delivered", "exchanged")


@dataclass(frozen=True)
class Item:
    order_id: int
    product_id: int
    venture_id: int
    shopper: str
    paid_at: datetime
    day: date
    title: str
    units: int
    revenue: int
    donations: int


def _aware(moment: Any) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _items(db: Session, *where: Any) -> list[Item]:
    rows = db.execute(
        select(
            Order.id,
            OrderLine.product_id,
            OrderLine.venture_id,
            Order.email,
            Order.paid_at,
            func.max(OrderLine.title),
            func.sum(OrderLine.quantity),
            func.sum(OrderLine.goods_amount),
            func.sum(OrderLine.donation_amount),
        )
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            OrderLine.status.in_(SOLD_LINES),
            Order.status.in_(SOLD),
            Order.paid_at.is_not(None),
            *where,
        )
        .group_by(Order.id, OrderLine.product_id, OrderLine.venture_id, Order.email, Order.paid_at)
    ).all()
    return [
        Item(
            int(o),
            int(p),
            int(v),
            str(e).lower(),
            _aware(at),
            local_date(_aware(at)),
            str(t),
            int(u),
            int(r),
            int(d),
        )
        for o, p, v, e, at, t, u, r, d in rows
    ]


def _stored(db: Session, order_id: int) -> list[Item]:
    rows = db.scalars(select(SalesItem).where(SalesItem.order_id == order_id)).all()
    return [
        Item(
            r.order_id,
            r.product_id,
            r.venture_id,
            r.shopper,
            _aware(r.paid_at),
            r.day,
            r.title,
            r.units,
            r.revenue,
            r.donations,
        )
        for r in rows
    ]


DayKey = tuple[int, date]  # venture, day
ProductKey = tuple[int, date, int]  # venture, day, product


def day_figures(purchases: Iterable[tuple[int, datetime, date]]) -> dict[date, list[int]]:
    """Orders and returning orders per day of one shopper's purchases with one venture,
    given as (order, paid at, day)."""
    orders = {order_id: (paid_at, day) for order_id, paid_at, day in purchases}
    first = min((paid_at for paid_at, _ in orders.values()), default=None)
    figures: dict[date, list[int]] = {}
    for paid_at, day in orders.values():
        counts = figures.setdefault(day, [0, 0])
        counts[0] += 1
        counts[1] += 1 if first is not None and paid_at > first else 0
    return figures


def _purchases(db: Session, venture_id: int, shopper: str) -> list[tuple[int, datetime, date]]:
    rows = db.execute(
        select(SalesItem.order_id, SalesItem.paid_at, SalesItem.day)
        .where(SalesItem.venture_id == venture_id, SalesItem.shopper == shopper)
        .distinct()
    ).all()
    return [(int(o), _aware(at), d) for o, at, d in rows]


def restate(db: Session, order_id: int) -> None:
    """Bring the totals in line with what the order sells now (idempotent)."""
    db.flush()
    now = _items(db, Order.id == order_id)
    before = _stored(db, order_id)
    if sorted(now, key=lambda i: i.product_id) == sorted(before, key=lambda i: i.product_id):
        return
    days: dict[DayKey, list[int]] = {}  # orders, units, revenue, donations, returning
    products: dict[ProductKey, list[Any]] = {}  # units, revenue, title
    for sign, items in ((-1, before), (1, now)):
        for item in items:
            d = days.setdefault((item.venture_id, item.day), [0, 0, 0, 0, 0])
            d[1] += sign * item.units
            d[2] += sign * item.revenue
            d[3] += sign * item.donations
            p = products.setdefault((item.venture_id, item.day, item.product_id), [0, 0, ""])
            p[0] += sign * item.units
            p[1] += sign * item.revenue
            p[2] = max(p[2], item.title)
    shoppers = {(i.venture_id, i.shopper) for i in [*before, *now]}
    if db.get_bind().dialect.name == "postgresql":
        # Two orders of one shopper paid at once would each miss the other when deciding
        # which is her first: restate a shopper's purchases with a venture one at a time.
        for venture_id, shopper in sorted(shoppers):
            db.execute(
                select(func.pg_advisory_xact_lock(func.hashtext(f"sales:{venture_id}:{shopper}")))
            )
    old = {key: day_figures(_purchases(db, *key)) for key in shoppers}
    db.execute(delete(SalesItem).where(SalesItem.order_id == order_id))
    for item in now:
        db.add(SalesItem(**item.__dict__))
    db.flush()
    for key in shoppers:
        venture_id = key[0]
        for sign, figures in ((-1, old[key]), (1, day_figures(_purchases(db, *key)))):
            for day, (orders, returning) in figures.items():
                d = days.setdefault((venture_id, day), [0, 0, 0, 0, 0])
                d[0] += sign * orders
                d[4] += sign * returning
    add_days(db, days)
    add_products(db, products)


def _upsert(db: Session) -> Any:
    return pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert


def add_days(db: Session, deltas: dict[DayKey, list[int]]) -> None:
    """Add (orders, units, revenue, donations, returning) deltas, one upsert per day."""
    for (venture_id, day), (orders, units, revenue, donations, returning) in sorted(deltas.items()):
        if not any((orders, units, revenue, donations, returning)):
            continue
        stmt = _upsert(db)(SalesDay).values(
            venture_id=venture_id, day=day, orders=orders, units=units, revenue=revenue,
            donations=donations, returning_orders=returning,
        )  # fmt: skip
        db.execute(
            stmt.on_conflict_do_update(
                index_elements=["venture_id", "day"],
                set_={
                    "orders": SalesDay.orders + stmt.excluded.orders,
                    "units": SalesDay.units + stmt.excluded.units,
                    "revenue": SalesDay.revenue + stmt.excluded.revenue,
                    "donations": SalesDay.donations + stmt.excluded.donations,
                    "returning_orders": SalesDay.returning_orders + stmt.excluded.returning_orders,
                },
            )
        )


def add_products(db: Session, deltas: dict[ProductKey, list[Any]]) -> None:
    """Add (units, revenue, title) deltas, one upsert per product and day; the title kept is
    the greatest seen, as the old query's max(title)."""
    greatest = func.greatest if db.get_bind().dialect.name == "postgresql" else func.max
    for (venture_id, day, product_id), (units, revenue, title) in sorted(deltas.items()):
        if not units and not revenue:
            continue
        stmt = _upsert(db)(SalesProductDay).values(
            venture_id=venture_id, day=day, product_id=product_id, title=title, units=units,
            revenue=revenue,
        )  # fmt: skip
        db.execute(
            stmt.on_conflict_do_update(
                index_elements=["venture_id", "day", "product_id"],
                set_={
                    "units": SalesProductDay.units + stmt.excluded.units,
                    "revenue": SalesProductDay.revenue + stmt.excluded.revenue,
                    "title": greatest(SalesProductDay.title, stmt.excluded.title),
                },
            )
        )


@dataclass
class Totals:
    items: dict[tuple[int, int], Item]
    days: dict[DayKey, tuple[int, int, int, int, int]]
    products: dict[ProductKey, tuple[int, int]]


def recompute(db: Session) -> Totals:
    """Every total derived from the orders (one pass over the sold lines)."""
    items = _items(db)
    days: dict[DayKey, list[int]] = {}
    products: dict[ProductKey, list[int]] = {}
    shoppers: dict[tuple[int, str], list[tuple[int, datetime, date]]] = {}
    for item in items:
        d = days.setdefault((item.venture_id, item.day), [0, 0, 0, 0, 0])
        d[1] += item.units
        d[2] += item.revenue
        d[3] += item.donations
        p = products.setdefault((item.venture_id, item.day, item.product_id), [0, 0])
        p[0] += item.units
        p[1] += item.revenue
        shoppers.setdefault((item.venture_id, item.shopper), []).append(
            (item.order_id, item.paid_at, item.day)
        )
    for (venture_id, _), purchases in shoppers.items():
        for day, (orders, returning) in day_figures(purchases).items():
            d = days[(venture_id, day)]
            d[0] += orders
            d[4] += returning
    return Totals(
        {(i.order_id, i.product_id): i for i in items},
        {k: (v[0], v[1], v[2], v[3], v[4]) for k, v in days.items()},
        {k: (v[0], v[1]) for k, v in products.items()},
    )


def rebuild(db: Session) -> Totals:
    """Replace the stored totals with the recomputed ones (the migration's backfill)."""
    totals = recompute(db)
    for model in (SalesItem, SalesDay, SalesProductDay):
        db.execute(delete(model))
    db.add_all(SalesItem(**item.__dict__) for item in totals.items.values())
    db.add_all(
        SalesDay(
            venture_id=v, day=d, orders=o, units=u, revenue=r, donations=dn, returning_orders=rt
        )
        for (v, d), (o, u, r, dn, rt) in totals.days.items()
    )
    best: dict[ProductKey, str] = {}
    for item in totals.items.values():
        key = (item.venture_id, item.day, item.product_id)
        best[key] = max(best.get(key, ""), item.title)
    db.add_all(
        SalesProductDay(
            venture_id=v, day=d, product_id=p, title=best[(v, d, p)], units=u, revenue=r
        )
        for (v, d, p), (u, r) in totals.products.items()
    )
    db.flush()
    return totals


def verify(db: Session) -> list[str]:
    """The stored totals that differ from the recomputation, one line each (empty: all match)."""
    totals = recompute(db)
    problems: list[str] = []
    stored_days = {
        (r.venture_id, r.day): (r.orders, r.units, r.revenue, r.donations, r.returning_orders)
        for r in db.scalars(select(SalesDay))
        if any((r.orders, r.units, r.revenue, r.donations, r.returning_orders))
    }
    for key in sorted(set(stored_days) | set(totals.days)):
        if stored_days.get(key) != totals.days.get(key):
            problems.append(
                f"sales_day venture {key[0]} {key[1]}: stored {stored_days.get(key)}, "
                f"recomputed {totals.days.get(key)}"
            )
    stored_products = {
        (r.venture_id, r.day, r.product_id): (r.units, r.revenue)
        for r in db.scalars(select(SalesProductDay))
        if r.units or r.revenue
    }
    for pkey in sorted(set(stored_products) | set(totals.products)):
        if stored_products.get(pkey) != totals.products.get(pkey):
            problems.append(
                f"sales_product_day venture {pkey[0]} {pkey[1]} product {pkey[2]}: stored "
                f"{stored_products.get(pkey)}, recomputed {totals.products.get(pkey)}"
            )
    stored_items = {
        (r.order_id, r.product_id): (r.units, r.revenue) for r in db.scalars(select(SalesItem))
    }
    recomputed_items = {k: (i.units, i.revenue) for k, i in totals.items.items()}
    for ikey in sorted(set(stored_items) | set(recomputed_items)):
        if stored_items.get(ikey) != recomputed_items.get(ikey):
            problems.append(
                f"sales_item order {ikey[0]} product {ikey[1]}: stored {stored_items.get(ikey)}, "
                f"recomputed {recomputed_items.get(ikey)}"
            )
    return problems
