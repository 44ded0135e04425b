"""Matching funds: a sponsor's budget that matches donations until it runs out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.models.base import Base, utcnow
from storefront.models.ventures import Venture

fund_venture = Table(
    "matching_fund_venture",
    Base.metadata,
    Column("fund_id", ForeignKey("matching_fund.id", ondelete="CASCADE"), primary_key=True),
    Column("venture_id", ForeignKey("venture.id", ondelete="CASCADE"), primary_key=True),
)


class MatchingFund(Base):
    """A sponsor's fund (like Happybean's Double Giving) that matches eligible donations.

    ``budget`` is the sum of the fund's top-ups; ``remaining`` is what it can still give. A
    paid order draws from ``remaining`` with a locked, conditional update and a refund gives
    its match back; the database refuses a negative ``remaining``.
    """

    __tablename__ = "matching_fund"
    __table_args__ = (
        CheckConstraint("rate_bp > 0", name="rate_positive"),
        CheckConstraint("cap_per_order IS NULL OR cap_per_order > 0", name="cap_positive"),
        CheckConstraint("remaining >= 0", name="never_overspent"),
        CheckConstraint("budget >= 0", name="budget_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sponsor: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3))
    rate_bp: Mapped[int] = mapped_column(default=10000)
    cap_per_order: Mapped[int | None]
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    # Product categories the fund matches, comma-separated ("" with no ventures: everything).
    categories: Mapped[str] = mapped_column(String(400), default="")
    # Bigger than a 32-bit integer: a sponsor's fund may hold billions of won.
    budget: Mapped[int] = mapped_column(BigInteger, default=0)
    remaining: Mapped[int] = mapped_column(BigInteger, default=0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # Loaded on demand (checkout loads it with selectinload), not with every order line.
    ventures: Mapped[list[Venture]] = relationship(secondary=fund_venture, lazy="select")

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]


class FundTopUp(Base):
    """Money a sponsor adds to a fund (the first budget included). Only ever added."""

    __tablename__ = "fund_top_up"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("matching_fund.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
