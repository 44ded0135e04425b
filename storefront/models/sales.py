"""Running totals of what each venture sold, kept by ``services.sales.restate`` in the same
transaction as every write that changes them, so the numbers page and /impact read a few
rows per period instead of every order line. Derived data: ``flask stats verify``
recomputes them from the orders and names any row that does not match."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models.base import Base


class SalesItem(Base):
    """What one order sold of one product, as the numbers page counts it (goods of lines not
    cancelled, of an order paid). The record the totals are restated from, and the shopper's
    purchases with a venture (the first one tells a returning customer)."""

    __tablename__ = "sales_item"
    __table_args__ = (Index("ix_sales_item_shopper", "venture_id", "shopper", "paid_at"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(primary_key=True)
    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"))
    shopper: Mapped[str] = mapped_column(String(254))  # the order's email, lower-cased
    paid_at: Mapped[datetime]
    day: Mapped[date]  # Seoul date of paid_at
    title: Mapped[str] = mapped_column(String(200))
    units: Mapped[int]
    revenue: Mapped[int] = mapped_column(BigInteger)
    donations: Mapped[int] = mapped_column(BigInteger)


class SalesDay(Base):
    """A venture's sales on one Seoul day: orders, units, goods revenue, donations and the
    orders from shoppers who had bought from it before."""

    __tablename__ = "sales_day"

    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    orders: Mapped[int]
    units: Mapped[int]
    revenue: Mapped[int] = mapped_column(BigInteger)
    donations: Mapped[int] = mapped_column(BigInteger)
    returning_orders: Mapped[int]


class SalesProductDay(Base):
    """A venture's sales of one product on one Seoul day (the best sellers)."""

    __tablename__ = "sales_product_day"

    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    units: Mapped[int]
    revenue: Mapped[int] = mapped_column(BigInteger)
