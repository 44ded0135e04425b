"""The recommendations model: each product's best matches, as last computed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models.base import Base, utcnow

RECOMMENDATION_KINDS = ("together", "venture", "cause")


class Recommendation(Base):
    """One of a product's matches of a ``kind``, at ``rank`` (1 is best).

    ``together``: bought by the same shoppers (any venture); ``venture``: from the product's
    own venture; ``cause``: from another venture giving to the same cause. The whole table is
    rewritten by each refresh (services/recommend.py), in one transaction.
    """

    __tablename__ = "recommendation"
    __table_args__ = (
        CheckConstraint("kind IN ('together', 'venture', 'cause')", name="kind"),
        CheckConstraint("rank > 0", name="rank_positive"),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    rank: Mapped[int] = mapped_column(primary_key=True)
    other_product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    score: Mapped[float] = mapped_column(Float)
    built_at: Mapped[datetime] = mapped_column(default=utcnow)
