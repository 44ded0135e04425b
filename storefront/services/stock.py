"""Stock moves by conditional UPDATE inside the order's transaction: never below zero."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import update
from sqlalchemy.orm import Session

from storefront.models import Product


def take(db: Session, product_id: int, quantity: int) -> bool:
    """Take ``quantity`` units if they are there; return False (and change nothing) if not."""
    result = db.execute(
        update(Product)
        .where(Product.id == product_id, Product.stock >= quantity)
        .values(stock=Product.stock - quantity)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def take_all(db: Session, wanted: Iterable[tuple[int, int]]) -> int | None:
    """Take every (product id, quantity) in product-id order; return the first short id.

    The fixed order means two orders that share products lock their rows in the same order
    and cannot deadlock. On a shortage the caller must roll back what was taken.
    """
    for product_id, quantity in sorted(wanted):
        if not take(db, product_id, quantity):
            return product_id
    return None


def give_back(db: Session, wanted: Iterable[tuple[int, int]]) -> None:
    """Return units to stock, in product-id order."""
    for product_id, quantity in sorted(wanted):
        db.execute(
            update(Product)
            .where(Product.id == product_id)
            .values(stock=Product.stock + quantity)
            .execution_options(synchronize_session=False)
        )
