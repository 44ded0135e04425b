"""The search index's table lives outside the models: its shape differs by database.

``product_search`` is a tsvector table on PostgreSQL and an FTS5 virtual table (with its
shadow tables) on SQLite, made by migration 0017_search and written by
storefront/services/search.py. Alembic's comparison of the models with the database passes
``include_object`` so that it neither reports nor drops it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models.base import Base

SEARCH_TABLE = "product_search"


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave the search index and everything that belongs to it out of the comparison."""
    if type_ == "table" and name is not None:
        return not (name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_"))
    table = getattr(obj, "table", None)
    return getattr(table, "name", None) != SEARCH_TABLE


class SearchTerm(Base):
    """A word of some product's title or venture's name: what "did you mean" may offer.

    Written by the search index's hooks, never deleted (a word a product no longer has costs a
    row, and at worst a suggestion that finds less). ``head`` and ``tail`` (its first and last
    letters) pick the few candidates a misspelt word is compared with.
    """

    __tablename__ = "search_term"

    term: Mapped[str] = mapped_column(String(40), primary_key=True)
    head: Mapped[str] = mapped_column(String(1), index=True)
    tail: Mapped[str] = mapped_column(String(1), index=True)
