"""A venture's listings: create, edit, publish, unpublish, archive, and keep stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.domain.catalog import CATEGORIES, LOW_STOCK
from storefront.domain.errors import DomainError
from storefront.models import Product, Venture

# Which listing states each action moves from, and where to.
TRANSITIONS = {
    "publish": ({"draft"}, "published"),
    "unpublish": ({"published"}, "draft"),
    "archive": ({"draft", "published"}, "archived"),
    "restore": ({"archived"}, "draft"),
}


class InvalidListing(DomainError):
    code = "invalid_listing"

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class InvalidTransition(DomainError):
    code = "invalid_transition"


@dataclass(frozen=True)
class ListingInput:
    title: str
    description: str
    category: str
    price: int
    stock: int


@dataclass(frozen=True)
class GivingBounds:
    """The range of giving rates the platform lets a venture choose, in basis points."""

    minimum: int
    maximum: int

    def check(self, rate_bp: int) -> int:
        if not self.minimum <= rate_bp <= self.maximum:
            raise InvalidListing("giving_rate")
        return rate_bp


def _check(data: ListingInput) -> None:
    if data.category not in CATEGORIES:
        raise InvalidListing("category")
    if data.price <= 0:
        raise InvalidListing("price")
    if data.stock < 0:
        raise InvalidListing("stock")


def create(db: Session, venture: Venture, data: ListingInput, now: datetime) -> Product:
    """Add a listing as a draft: nothing is for sale until it is published."""
    _check(data)
    product = Product(
        venture_id=venture.id,
        title=data.title.strip(),
        description=data.description.strip(),
        category=data.category,
        price=data.price,
        currency="KRW",
        stock=data.stock,
        status="draft",
        created_at=now,
        updated_at=now,
    )
    db.add(product)
    db.flush()
    return product


def update(db: Session, product: Product, data: ListingInput) -> Product:
    """Change a listing. Orders already placed keep the price they were sold at."""
    _check(data)
    product.title = data.title.strip()
    product.description = data.description.strip()
    product.category = data.category
    product.price = data.price
    product.stock = data.stock
    return product


def change_status(db: Session, product: Product, action: str) -> Product:
    if action not in TRANSITIONS:
        raise InvalidTransition(action)
    sources, target = TRANSITIONS[action]
    if product.status not in sources:
        raise InvalidTransition(action)
    product.status = target
    return product


def set_stock(db: Session, product: Product, stock: int) -> Product:
    if stock < 0:
        raise InvalidListing("stock")
    product.stock = stock
    return product


def set_giving_rate(db: Session, venture: Venture, rate_bp: int, bounds: GivingBounds) -> Venture:
    """Change the venture's giving rate for future orders; past orders keep theirs."""
    venture.giving_rate_bp = bounds.check(rate_bp)
    return venture


def product_of(db: Session, venture_id: int, product_id: int) -> Product | None:
    """The venture's own product, or None: never another venture's."""
    return db.scalar(
        select(Product).where(Product.id == product_id, Product.venture_id == venture_id)
    )


def listings(db: Session, venture_id: int, include_archived: bool = False) -> list[Product]:
    stmt = select(Product).where(Product.venture_id == venture_id)
    if not include_archived:
        stmt = stmt.where(Product.status != "archived")
    return list(db.scalars(stmt.order_by(Product.status.desc(), Product.created_at.desc())))


def low_stock(db: Session, venture_id: int, threshold: int = LOW_STOCK) -> list[Product]:
    """Published listings at or below the threshold, emptiest first."""
    return list(
        db.scalars(
            select(Product)
            .where(
                Product.venture_id == venture_id,
                Product.status == "published",
                Product.stock <= threshold,
            )
            .order_by(Product.stock, Product.title)
        )
    )
