"""Delivery addresses a shopper saved to their account, to check out without typing them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models.base import Base, utcnow


class SavedAddress(Base):
    """One delivery address of an account; at most one of an account's is its default."""

    __tablename__ = "saved_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))
    postcode: Mapped[str] = mapped_column(String(5))
    address: Mapped[str] = mapped_column(String(200))
    address_detail: Mapped[str] = mapped_column(String(200), default="")
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
