"""The donation ledger: append-only; a correction is a new entry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.models.base import Base, utcnow
from storefront.models.ventures import Cause, Venture

LEDGER_KINDS = ("donation", "match")


class LedgerEntry(Base):
    """One amount pledged to a cause: the venture's share or the platform's match."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("kind IN ('donation', 'match')", name="kind"),
        Index("ix_ledger_entry_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id"), index=True)
    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"), index=True)
    cause_id: Mapped[int] = mapped_column(ForeignKey("cause.id"), index=True)
    rule: Mapped[str] = mapped_column(String(200))

    venture: Mapped[Venture] = relationship(lazy="raise")
    cause: Mapped[Cause] = relationship(lazy="raise")
