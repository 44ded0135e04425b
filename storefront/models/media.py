"""Pictures of products, re-encoded by the shop: nothing uploaded is served as it came."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models.base import Base, utcnow


class ProductImage(Base):
    __tablename__ = "product_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    path: Mapped[str] = mapped_column(String(255))  # under MEDIA_ROOT, at most 1600 px
    thumb_path: Mapped[str] = mapped_column(String(255))  # 480 px, for lists
    width: Mapped[int]  # of the picture as uploaded
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
