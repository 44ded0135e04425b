"""The search index's table lives outside the models: its shape differs by database.

``product_search`` is a tsvector table on PostgreSQL and an FTS5 virtual table (with its
shadow tables) on SQLite, made by migration 0017_search and written by
storefront/services/search.py. Alembic's comparison of the models with the database passes
``include_object`` so that it neither reports nor drops it.
"""

from __future__ import annotations

from typing import Any

SEARCH_TABLE = "product_search"


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave the search index and everything that belongs to it out of the comparison."""
    if type_ == "table" and name is not None:
        return not (name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_"))
    table = getattr(obj, "table", None)
    return getattr(table, "name", None) != SEARCH_TABLE
