"""Stock moves by conditional UPDATE inside the order's transaction: never below zero.

A product with options keeps stock twice: on each option, and on the product as their sum.
Taking stock takes from both, product rows first (in id order), then option rows (in id
order), so two orders that share rows lock them in the same order and cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from storefront.models import Product, ProductOption


@dataclass(frozen=True, order=True)
class Want:
    product_id: int
    option_id: int | None
    quantity: int


def wants_of(lines: Iterable[Any]) -> list[Want]:
    """What order lines (or priced lines) hold: their product, option and quantity."""
    return [Want(line.product_id, line.option_id, line.quantity) for line in lines]


def _take(db: Session, model: Any, row_id: int, quantity: int) -> bool:
    result = db.execute(
        update(model)
        .where(model.id == row_id, model.stock >= quantity)
        .values(stock=model.stock - quantity)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def take_all(db: Session, wants: Iterable[Want]) -> int | None:
    """Take every want; return the id of the first product that is short, else None.

    On a shortage the caller must roll back what was taken.
    """
    wants = list(wants)
    for want in sorted(wants, key=lambda w: (w.product_id, w.option_id or 0)):
        if not _take(db, Product, want.product_id, want.quantity):
            return want.product_id
    for want in sorted((w for w in wants if w.option_id), key=lambda w: w.option_id or 0):
        if not _take(db, ProductOption, want.option_id or 0, want.quantity):
            return want.product_id
    return None


def give_back(db: Session, wants: Iterable[Want]) -> None:
    """Return units to stock, in the same order as they are taken."""
    wants = list(wants)
    for want in sorted(wants, key=lambda w: (w.product_id, w.option_id or 0)):
        db.execute(
            update(Product)
            .where(Product.id == want.product_id)
            .values(stock=Product.stock + want.quantity)
            .execution_options(synchronize_session=False)
        )
    with_options = [w for w in wants if w.option_id]
    for want in sorted(with_options, key=lambda w: w.option_id or 0):
        db.execute(
            update(ProductOption)
            .where(ProductOption.id == want.option_id)
            .values(stock=ProductOption.stock + want.quantity)
            .execution_options(synchronize_session=False)
        )
    # An option may have been withdrawn since: the product counts only active options.
    resync(db, sorted({w.product_id for w in with_options}))


def resync(db: Session, product_ids: list[int]) -> None:
    """Set each product's stock to the sum of its active options, in one SQL statement,
    for those products that have options (so no concurrent write is lost)."""
    if not product_ids:
        return
    total = (
        select(func.coalesce(func.sum(ProductOption.stock), 0))
        .where(ProductOption.product_id == Product.id, ProductOption.active)
        .scalar_subquery()
    )
    has_options = exists().where(ProductOption.product_id == Product.id, ProductOption.active)
    db.execute(
        update(Product)
        .where(Product.id.in_(product_ids), has_options)
        .values(stock=total)
        .execution_options(synchronize_session=False)
    )
