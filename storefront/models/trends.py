"""What shoppers searched for and looked at, counted per Seoul day and never per person.

Searches and product views are counted in the cache while they happen (web/counting.py) and
folded into these rows every minute by the job queue. No row holds who searched or looked:
``people`` is how many distinct visitors searched the term that day, counted with a key that
changes every day and is kept only in the cache, so two days' visitors cannot be linked.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models.base import Base

MAX_TERM_LENGTH = 60


class SearchStat(Base):
    """How often a normalised search term was searched on one Seoul day, and by how many
    distinct visitors (counted that day only)."""

    __tablename__ = "search_stat"

    day: Mapped[date] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(MAX_TERM_LENGTH), primary_key=True)
    searches: Mapped[int]
    people: Mapped[int]


class ProductViewStat(Base):
    """How often a product's page was opened on one Seoul day."""

    __tablename__ = "product_view_stat"

    day: Mapped[date] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), primary_key=True)
    views: Mapped[int]
