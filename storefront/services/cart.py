"""The shopper's cart: product ids, quantities and the price the shopper saw when adding.

The cart lives in the signed session cookie; nothing in it is trusted. Every read goes back to
the database for today's price, stock and availability.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from storefront.domain.errors import CartFull, OutOfStock, ProductUnavailable
from storefront.domain.pricing import check_quantity
from storefront.models import Product
from storefront.services.catalog import get_visible_product, visible_products

MAX_CART_LINES = 50


@dataclass
class CartItem:
    quantity: int
    price_seen: int


@dataclass
class Cart:
    items: dict[int, CartItem] = field(default_factory=dict)

    @classmethod
    def from_session(cls, raw: Any) -> Cart:
        """Rebuild a cart from session data, dropping anything malformed."""
        cart = cls()
        if not isinstance(raw, Mapping):
            return cart
        for key, value in list(raw.items())[:MAX_CART_LINES]:
            try:
                product_id, (quantity, price) = int(key), value
                cart.items[product_id] = CartItem(int(quantity), int(price))
            except (TypeError, ValueError):
                continue
        return cart

    def to_session(self) -> dict[str, list[int]]:
        return {str(pid): [item.quantity, item.price_seen] for pid, item in self.items.items()}

    @property
    def count(self) -> int:
        return sum(item.quantity for item in self.items.values())


@dataclass(frozen=True)
class CartLine:
    product: Product
    quantity: int
    price_seen: int

    @property
    def amount(self) -> int:
        return self.product.price * self.quantity

    @property
    def price_changed(self) -> bool:
        return self.price_seen != self.product.price

    @property
    def short_of_stock(self) -> bool:
        return self.quantity > self.product.stock


def _product_for_cart(db: Session, product_id: int) -> Product:
    product = get_visible_product(db, product_id)
    if product is None:
        raise ProductUnavailable(product_id)
    return product


def add(db: Session, cart: Cart, product_id: int, quantity: int, max_quantity: int) -> Product:
    """Add ``quantity`` of a product, checked against stock and the per-line maximum."""
    product = _product_for_cart(db, product_id)
    existing = cart.items.get(product_id)
    wanted = check_quantity(quantity + (existing.quantity if existing else 0), max_quantity)
    if product.stock < wanted:
        in_cart = existing.quantity if existing else 0
        raise OutOfStock(product.id, product.title, product.stock, in_cart)
    if existing is None and len(cart.items) >= MAX_CART_LINES:
        raise CartFull(MAX_CART_LINES)
    cart.items[product_id] = CartItem(wanted, product.price)
    return product


def set_quantity(
    db: Session, cart: Cart, product_id: int, quantity: int, max_quantity: int
) -> None:
    """Change a line's quantity; zero removes it."""
    if product_id not in cart.items:
        raise ProductUnavailable(product_id)
    if quantity == 0:
        del cart.items[product_id]
        return
    product = _product_for_cart(db, product_id)
    check_quantity(quantity, max_quantity)
    if product.stock < quantity:
        raise OutOfStock(product.id, product.title, product.stock)
    cart.items[product_id].quantity = quantity


def remove(cart: Cart, product_id: int) -> None:
    cart.items.pop(product_id, None)


def load_lines(db: Session, cart: Cart) -> tuple[list[CartLine], list[int]]:
    """Return the cart's lines with today's products (one query), and ids no longer for sale."""
    if not cart.items:
        return [], []
    products = {
        p.id: p for p in db.scalars(visible_products().where(Product.id.in_(list(cart.items))))
    }
    lines = [
        CartLine(products[pid], item.quantity, item.price_seen)
        for pid, item in cart.items.items()
        if pid in products
    ]
    gone = [pid for pid in cart.items if pid not in products]
    return lines, gone


def accept_current_prices(cart: Cart, lines: list[CartLine]) -> None:
    """Remember today's prices once the shopper has been shown the change."""
    for line in lines:
        cart.items[line.product.id].price_seen = line.product.price
