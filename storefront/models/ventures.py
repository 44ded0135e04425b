"""Social ventures and the causes that receive donations."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.models.base import Base, utcnow

if TYPE_CHECKING:
    from storefront.models.catalog import Product


class Cause(Base):
    """A recipient of donations (a registered charity or foundation)."""

    __tablename__ = "cause"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    registration: Mapped[str] = mapped_column(String(80), default="")
    logo: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Venture(Base):
    """A social venture that sells on the shop."""

    __tablename__ = "venture"
    __table_args__ = (
        CheckConstraint("giving_rate_bp >= 0 AND giving_rate_bp <= 10000", name="giving_rate"),
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    mission: Mapped[str] = mapped_column(String(40), index=True)
    region: Mapped[str] = mapped_column(String(100), default="")
    story: Mapped[str] = mapped_column(Text, default="")
    founded: Mapped[int | None]
    logo: Mapped[str | None] = mapped_column(String(255))
    giving_rate_bp: Mapped[int] = mapped_column(default=500)
    default_cause_id: Mapped[int] = mapped_column(ForeignKey("cause.id"))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    registration_number: Mapped[str] = mapped_column(String(20), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    review_note: Mapped[str] = mapped_column(String(500), default="")
    reviewed_at: Mapped[datetime | None]
    # Staff invitations carry this number; removing a staff member bumps it, so links sent
    # before the removal stop working.
    invite_epoch: Mapped[int] = mapped_column(default=0)
    featured: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    default_cause: Mapped[Cause] = relationship(lazy="joined")
    products: Mapped[list[Product]] = relationship(back_populates="venture", lazy="raise")
