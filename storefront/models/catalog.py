"""Products that ventures list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from storefront.domain.rich_text import markdown_to_html
from storefront.models.base import Base, utcnow
from storefront.models.ventures import Venture


class Product(Base):
    """A listing: a thing a venture sells, with its price and stock."""

    __tablename__ = "product"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("status IN ('draft', 'published', 'archived')", name="status"),
        # each list's sort keys, then the id: a page seeks to its first row (0019)
        Index("ix_product_listing", "status", "created_at", "id"),
        Index("ix_product_category_listing", "category", "status", "created_at", "id"),
        Index("ix_product_popular", "status", "units_sold", "id"),
        Index("ix_product_price", "status", "price", "id"),
        Index("ix_product_venture_listing", "venture_id", "status", "created_at", "id"),
        Index("ix_product_low_stock", "venture_id", "status", "stock"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # The description rendered to safe HTML whenever it is set (see ``_render``): pages copy it.
    description_html: Mapped[str] = mapped_column(Text, default="", server_default="")
    category: Mapped[str] = mapped_column(String(40))
    price: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3), default="KRW")
    stock: Mapped[int] = mapped_column(default=0)
    units_sold: Mapped[int] = mapped_column(default=0)
    # How many shoppers saved it (찜): accounts and visitors' sessions alike, kept by
    # services/wishlist.py in the transaction of each save and removal.
    saved_count: Mapped[int] = mapped_column(
        CheckConstraint("saved_count >= 0", name="saved_count_not_negative"),
        default=0,
        server_default="0",
    )
    status: Mapped[str] = mapped_column(String(20), default="draft")
    image: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    venture: Mapped[Venture] = relationship(back_populates="products", lazy="raise")

    @validates("description")
    def _render(self, _key: str, value: str | None) -> str:
        """Render the Markdown once, when it is saved, rather than on every page view."""
        self.description_html = markdown_to_html(value)
        return value or ""


class ProductOption(Base):
    """A choice within a product, such as a size or colour, with its own stock.

    The product's own ``stock`` is kept equal to the sum of its active options' stock, so
    lists show what is left without looking at options.
    """

    __tablename__ = "product_option"
    __table_args__ = (CheckConstraint("stock >= 0", name="stock_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    stock: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
