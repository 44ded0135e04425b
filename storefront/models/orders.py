"""Orders, their lines, and the refunds made against them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.models.base import Base, utcnow
from storefront.models.catalog import Product
from storefront.models.funds import MatchingFund
from storefront.models.ventures import Cause, Venture

ORDER_STATUSES = (
    "pending_payment",  # stock held, shopper sent to pay
    "awaiting_payment",  # checkout completed, an asynchronous payment is on its way
    "paid",
    "payment_failed",
    "cancelled",
    "expired",
    "refunded",
)


class Order(Base):
    """A shopper's order: what they bought, where it goes, and what it gave."""

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in ORDER_STATUSES) + ")", name="status"
        ),
        CheckConstraint("total = goods_total + shipping_total + gift_amount", name="total_adds_up"),
        CheckConstraint("gift_amount >= 0", name="gift_not_negative"),
        Index("ix_order_holds", "status", "expires_at"),
        Index("ix_orders_paid", "paid_at", "id"),  # the seller's orders, newest first (0019)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    access_token: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="pending_payment")
    email: Mapped[str] = mapped_column(String(254), index=True)
    # The shopper's account: set by the server when placed signed in, or when a verified
    # account claims its earlier guest orders; None for a guest's order.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))
    postcode: Mapped[str] = mapped_column(String(5))
    address: Mapped[str] = mapped_column(String(200))
    address_detail: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str] = mapped_column(String(5), default="ko")
    currency: Mapped[str] = mapped_column(String(3))
    goods_total: Mapped[int]
    shipping_total: Mapped[int]
    total: Mapped[int]
    donation_total: Mapped[int]
    match_total: Mapped[int]
    # The shopper's own gift to the cause of the first line, charged with the order and
    # included in ``total`` (domain/gifts.py).
    gift_amount: Mapped[int] = mapped_column(default=0)
    stock_held: Mapped[bool] = mapped_column(default=True)
    payment_provider: Mapped[str] = mapped_column(String(20))
    payment_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255))
    payment_url: Mapped[str | None] = mapped_column(String(1000))
    status_note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.id", lazy="selectin"
    )

    @property
    def gift_cause(self) -> Cause:
        """The cause the shopper's gift goes to: the first line's (the one they chose, if
        they chose one for the whole order)."""
        return self.lines[0].cause


LINE_STATUSES = (
    "new", "paid", "preparing", "shipped", "delivered", "cancelled", "returned", "exchanged",
)  # fmt: skip


class OrderLine(Base):
    """One product in an order, with the price and donation rule it was sold under."""

    __tablename__ = "order_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("goods_amount = unit_price * quantity", name="goods_amount_adds_up"),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in LINE_STATUSES) + ")", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("product_option.id"))
    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"), index=True)
    cause_id: Mapped[int] = mapped_column(ForeignKey("cause.id"))
    title: Mapped[str] = mapped_column(String(200))
    option_name: Mapped[str] = mapped_column(String(100), default="")
    unit_price: Mapped[int]
    quantity: Mapped[int]
    goods_amount: Mapped[int]
    giving_rate_bp: Mapped[int]
    match_rate_bp: Mapped[int]
    donation_amount: Mapped[int]
    # The match is promised at checkout (``match_wanted``, from ``fund_id``) and drawn from the
    # fund when the order is paid (``match_amount``): less, or nothing, if the fund ran out.
    match_amount: Mapped[int]
    match_wanted: Mapped[int] = mapped_column(default=0)
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("matching_fund.id"))
    # The venture's shipping fee, carried by its first line in the order (0 on the others).
    shipping_amount: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="new")
    carrier: Mapped[str] = mapped_column(String(40), default="")
    tracking_number: Mapped[str] = mapped_column(String(40), default="")
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship(lazy="raise")
    venture: Mapped[Venture] = relationship(lazy="joined")
    cause: Mapped[Cause] = relationship(lazy="joined")
    fund: Mapped[MatchingFund | None] = relationship(lazy="joined", innerjoin=False)

    @property
    def match_shortfall(self) -> int:
        """What the fund promised at checkout but could not give when the order was paid."""
        return self.match_wanted - self.match_amount if self.status != "new" else 0


class Refund(Base):
    """Money given back to the shopper for an order."""

    __tablename__ = "refund"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "reason IN ('line_cancelled', 'out_of_stock', 'operator', 'external', 'return')",
            name="reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_line.id"))
    reason: Mapped[str] = mapped_column(String(40))
    provider_ref: Mapped[str] = mapped_column(String(255), default="")
    # Operator refunds carry the key sent to the provider, so a resubmitted form refunds once.
    idempotency_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
