"""Shoppers' reviews of what they bought, their photos, reports against them, and the stored
counts the shop pages read instead of scanning every review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.models.base import Base, utcnow
from storefront.models.catalog import Product

REPORT_REASONS = ("spam", "offensive", "personal_data", "not_about_product", "other")
STATS_SCOPES = ("product", "venture")


class Review(Base):
    """One delivered order line's review: stars, text, up to three photos, and the venture's
    one reply. A hidden review (by an operator) is left out of every page and count."""

    __tablename__ = "review"
    __table_args__ = (
        CheckConstraint("rating >= 1 AND rating <= 5", name="rating"),
        # a product's or venture's page of visible reviews, newest first (and photo ones only)
        Index("ix_review_product_page", "product_id", "hidden", "id"),
        Index("ix_review_venture_page", "venture_id", "hidden", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id"), unique=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"))
    rating: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(40))  # masked from the order's name: "김**"
    photo_count: Mapped[int] = mapped_column(default=0)
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_at: Mapped[datetime | None]
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None]
    replied_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship(lazy="raise")  # joined where a page shows it


class ReviewPhoto(Base):
    """A review's photo, re-encoded by services/images.py like a product picture."""

    __tablename__ = "review_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    path: Mapped[str] = mapped_column(String(255))
    thumb_path: Mapped[str] = mapped_column(String(255))
    width: Mapped[int]
    height: Mapped[int]


class ReviewReport(Base):
    """Someone's report that a review breaks the rules; open until an operator hides or
    keeps the review. Not shown on any shop page, so it is not part of the page cache."""

    __tablename__ = "review_report"
    __table_args__ = (
        CheckConstraint(
            "reason IN (" + ", ".join(f"'{r}'" for r in REPORT_REASONS) + ")", name="reason"
        ),
        Index("ix_review_report_open", "resolved_at", "review_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


class ReviewStats(Base):
    """The visible reviews of one product or one venture, counted: how many, the sum of their
    stars, how many gave each number of stars, and how many have photos. Kept by
    services/reviews.py in the same transaction as every write that changes them."""

    __tablename__ = "review_stats"
    __table_args__ = (
        CheckConstraint(
            "scope IN (" + ", ".join(f"'{s}'" for s in STATS_SCOPES) + ")", name="scope"
        ),
    )

    scope: Mapped[str] = mapped_column(String(10), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True)  # a product's or venture's id
    review_count: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    stars_1: Mapped[int] = mapped_column(default=0)
    stars_2: Mapped[int] = mapped_column(default=0)
    stars_3: Mapped[int] = mapped_column(default=0)
    stars_4: Mapped[int] = mapped_column(default=0)
    stars_5: Mapped[int] = mapped_column(default=0)
    photo_review_count: Mapped[int] = mapped_column(default=0)
