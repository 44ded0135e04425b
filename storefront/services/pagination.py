"""One page of a query's results: two statements, a count and the page, whatever the size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))  # ceiling division

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(
    db: Session,
    stmt: Select[*tuple[Any, ...]],
    order_by: Sequence[Any],
    page: int,
    per_page: int,
) -> Page[Any]:
    """Count the rows, clamp the page number into range, and fetch that page."""
    total = db.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.execute(stmt.order_by(*order_by).limit(per_page).offset((page - 1) * per_page))
    items = [row[0] if len(row) == 1 else tuple(row) for row in rows]
    return Page(items=items, total=total, page=page, per_page=per_page)
