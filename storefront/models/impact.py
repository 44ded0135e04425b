"""What ventures report about their impact: jobs each quarter, and sales before joining."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models.base import Base, utcnow

CURRENT = text("superseded_at IS NULL")


class ImpactReport(Base):
    """One filing of a venture's quarterly report on the people it employs.

    A correction files a new row and marks the one it replaces as superseded, so the history
    stays; at most one row per venture and quarter is current (a partial unique index).
    """

    __tablename__ = "impact_report"
    __table_args__ = (
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),
        CheckConstraint(
            "disability >= 0 AND career_break_women >= 0 AND elderly >= 0 AND other >= 0",
            name="groups_not_negative",
        ),
        CheckConstraint(
            "disability + career_break_women + elderly + other <= total_employees",
            name="vulnerable_within_total",
        ),
        Index(
            "uq_impact_report_current",
            "venture_id",
            "year",
            "quarter",
            unique=True,
            sqlite_where=CURRENT,
            postgresql_where=CURRENT,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"), index=True)
    year: Mapped[int]
    quarter: Mapped[int]
    # People employed at the end of the quarter who come from each vulnerable group.
    disability: Mapped[int] = mapped_column(default=0)
    career_break_women: Mapped[int] = mapped_column(default=0)
    elderly: Mapped[int] = mapped_column(default=0)
    other: Mapped[int] = mapped_column(default=0)
    total_employees: Mapped[int]
    note: Mapped[str] = mapped_column(String(500), default="")
    # None for reports the demo loader filed, which no one signed in to file.
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[datetime | None]

    @property
    def vulnerable(self) -> int:
        return self.disability + self.career_break_women + self.elderly + self.other


class SalesBeforeJoining(Base):
    """A venture's own figure for its average monthly sales before it joined the shop.

    Reported once: the seller page does not let a venture change it after the fact (the
    operators can), so it cannot be tuned once the sales on the shop are known.
    """

    __tablename__ = "sales_before_joining"
    __table_args__ = (CheckConstraint("monthly_sales >= 0", name="not_negative"),)

    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"), primary_key=True)
    monthly_sales: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="KRW")
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
