"""Returns and exchanges a shopper asks for on delivered lines, and the photos they send."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.models.base import Base, utcnow
from storefront.models.orders import Order, OrderLine

RETURN_KINDS = ("return", "exchange")
# The venture's fault (it pays the return shipping) and the shopper's change of mind.
VENTURE_FAULT_REASONS = ("damaged", "wrong_item", "not_as_described")
CHANGE_OF_MIND_REASONS = ("changed_mind", "ordered_by_mistake")
RETURN_REASONS = VENTURE_FAULT_REASONS + CHANGE_OF_MIND_REASONS
RETURN_STATUSES = ("requested", "approved", "rejected", "received", "refunded", "reshipped")
OPEN_RETURN_STATUSES = ("requested", "approved", "received")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


OPEN = text(_in("status", OPEN_RETURN_STATUSES))


class ReturnRequest(Base):
    """A shopper's request to return or exchange one delivered line, and each step taken on it.

    ``shipping_fee`` is what the refund keeps back for the return shipping (0 when the
    venture was at fault); ``refund_id`` is the refund that closed a return.
    """

    __tablename__ = "return_request"
    __table_args__ = (
        CheckConstraint(_in("kind", RETURN_KINDS), name="kind"),
        CheckConstraint(_in("reason", RETURN_REASONS), name="reason"),
        CheckConstraint(_in("status", RETURN_STATUSES), name="status"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("shipping_fee >= 0", name="fee_not_negative"),
        # one open request per line
        Index(
            "uq_return_request_open",
            "order_line_id",
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id"), index=True)
    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(String(1000), default="")
    quantity: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="requested")
    shipping_fee: Mapped[int] = mapped_column(default=0)
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refund.id"))
    # The last refund attempt the payment service refused; cleared when one succeeds.
    refund_error: Mapped[str] = mapped_column(String(200), default="")
    carrier: Mapped[str] = mapped_column(String(40), default="")  # the exchange's new parcel
    tracking_number: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship(lazy="joined")
    line: Mapped[OrderLine] = relationship(lazy="joined")
    photos: Mapped[list[ReturnPhoto]] = relationship(
        order_by="ReturnPhoto.id", lazy="selectin", back_populates="request"
    )

    @property
    def venture_at_fault(self) -> bool:
        return self.reason in VENTURE_FAULT_REASONS

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RETURN_STATUSES


class ReturnPhoto(Base):
    """A photo sent with a return request, re-encoded; private to the shopper and the venture."""

    __tablename__ = "return_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("return_request.id"), index=True)
    path: Mapped[str] = mapped_column(String(255))  # under the return photos' root
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[ReturnRequest] = relationship(back_populates="photos")
