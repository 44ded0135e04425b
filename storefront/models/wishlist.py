"""What signed-in shoppers keep: saved products (찜) and the ventures they follow."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models.base import Base, utcnow


class SavedProduct(Base):
    """A product a shopper saved (찜), and whether they asked to hear when it is back in stock.

    ``notified_at`` is set when the back-in-stock email is recorded: one email per request.
    Asking again (or saving the product again) clears it.
    """

    __tablename__ = "saved_product"
    __table_args__ = (UniqueConstraint("user_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    alert: Mapped[bool] = mapped_column(default=False)
    # The language of the back-in-stock email: the shopper's when they saved or asked.
    locale: Mapped[str] = mapped_column(String(10), default="ko")
    notified_at: Mapped[datetime | None]


class VentureFollow(Base):
    """A venture a shopper follows."""

    __tablename__ = "venture_follow"
    __table_args__ = (UniqueConstraint("user_id", "venture_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
