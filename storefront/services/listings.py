"""A venture's listings: create, edit, publish, unpublish, archive, and keep stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.domain.catalog import CATEGORIES, LOW_STOCK
from storefront.domain.errors import ListingRefused
from storefront.domain.listings import GivingBounds, status_after
from storefront.models import Product, ProductOption, Venture
from storefront.services import stock, wishlist


@dataclass(frozen=True)
class ListingInput:
    title: str
    description: str
    category: str
    price: int
    stock: int


def _check(data: ListingInput) -> None:
    if data.category not in CATEGORIES:
        raise ListingRefused("listing.category", field="category")
    if data.price <= 0:
        raise ListingRefused("listing.price", field="price")
    if data.stock < 0:
        raise ListingRefused("listing.stock", field="stock")


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
    """Change a listing's words, category and price. Orders already placed keep the price
    they were sold at. Stock is not set here: shoppers may have bought some since the form
    was opened, so it changes only through ``set_stock`` (or its options)."""
    _check(data)
    product.title = data.title.strip()
    product.description = data.description.strip()
    product.category = data.category
    product.price = data.price
    return product


def change_status(db: Session, product: Product, action: str) -> Product:
    """Publish, unpublish, archive or restore a listing; raise ``ListingRefused`` if the
    action is not allowed from its status."""
    product.status = status_after(product.status, action)
    return product


def set_stock(db: Session, product: Product, stock: int) -> Product:
    """Set the stock of a product without options (with options, each option has its own)."""
    if stock < 0:
        raise ListingRefused("listing.stock", field="stock")
    if has_options(db, product.id):
        raise ListingRefused("listing.stock_by_option", field="stock")
    sold_out = product.stock == 0
    product.stock = stock
    if sold_out and stock > 0:
        wishlist.back_in_stock(db, product)
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


def low_stock(
    db: Session, venture_id: int, threshold: int = LOW_STOCK, limit: int = 50
) -> list[Product]:
    """Published listings at or below the threshold, emptiest first: at most ``limit``, read
    from ix_product_low_stock whatever the size of the catalogue."""
    return list(
        db.scalars(
            select(Product)
            .where(
                Product.venture_id == venture_id,
                Product.status == "published",
                Product.stock <= threshold,
            )
            .order_by(Product.stock, Product.title)
            .limit(limit)
        )
    )


# --- options: sizes, colours... each with its own stock ---------------------------------


def options_of(db: Session, product_id: int) -> list[ProductOption]:
    return list(
        db.scalars(
            select(ProductOption)
            .where(ProductOption.product_id == product_id, ProductOption.active)
            .order_by(ProductOption.position, ProductOption.id)
        )
    )


def option_of(db: Session, product_id: int, option_id: int) -> ProductOption | None:
    """The product's own active option, or None: never another product's."""
    return db.scalar(
        select(ProductOption).where(
            ProductOption.id == option_id,
            ProductOption.product_id == product_id,
            ProductOption.active,
        )
    )


def _sync_stock(db: Session, product: Product) -> None:
    """Keep the product's stock equal to the sum of its active options' stock."""
    db.flush()
    stock.resync(db, [product.id])
    db.expire(product, ["stock"])


def add_option(db: Session, product: Product, name: str, stock: int) -> ProductOption:
    name = name.strip()
    if not name:
        raise ListingRefused("listing.option_name", field="name")
    if stock < 0:
        raise ListingRefused("listing.stock", field="stock")
    existing = options_of(db, product.id)
    if any(o.name == name for o in existing):
        raise ListingRefused("listing.option_taken", field="name")
    sold_out = product.stock == 0
    if not existing:
        # The product's stock so far belonged to no option; from now on options hold it.
        product.stock = 0
    option = ProductOption(product_id=product.id, name=name, stock=stock, position=len(existing))
    db.add(option)
    _sync_stock(db, product)
    if sold_out and stock > 0:  # a new option brings a sold-out product back
        wishlist.back_in_stock(db, product)
    return option


def set_option_stock(db: Session, product: Product, option: ProductOption, stock: int) -> None:
    if stock < 0:
        raise ListingRefused("listing.stock", field="stock")
    sold_out = option.stock == 0
    option.stock = stock
    _sync_stock(db, product)
    if sold_out and stock > 0:  # the product, or this option of it, is back
        wishlist.back_in_stock(db, product)


def remove_option(db: Session, product: Product, option: ProductOption) -> None:
    """Stop selling an option. It stays in the database for the orders that name it."""
    option.active = False
    _sync_stock(db, product)


def has_options(db: Session, product_id: int) -> bool:
    return bool(options_of(db, product_id))


def with_options(db: Session, product_ids: list[int]) -> set[int]:
    """Which of these products sell by option (one query)."""
    if not product_ids:
        return set()
    return set(
        db.scalars(
            select(ProductOption.product_id)
            .where(ProductOption.product_id.in_(product_ids), ProductOption.active)
            .distinct()
        )
    )
