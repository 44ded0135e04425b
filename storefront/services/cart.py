"""The shopper's cart: products (and their options), quantities, and the price seen.

The cart lives in the signed session cookie; nothing in it is trusted. Every read goes back to
the database for today's price, stock and availability.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from storefront.domain.errors import CartFull, OptionRequired, OutOfStock, ProductUnavailable
from storefront.domain.pricing import check_quantity
from storefront.models import Product, ProductOption
from storefront.services.catalog import get_visible_product, visible_products

MAX_CART_LINES = 50
Key = tuple[int, int | None]  # (product id, option id or None)


@dataclass
class CartItem:
    quantity: int
    price_seen: int


MAX_ID = 2**31 - 1  # the largest id an INTEGER column holds on every database


def _whole(value: Any, low: int, high: int) -> int:
    """``value`` if it is an int (not a bool) from ``low`` to ``high``, else ValueError."""
    if type(value) is not int or not low <= value <= high:
        raise ValueError(f"not a whole number from {low} to {high}: {value!r}")
    return value


def _parse_id(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        raise ValueError(f"not an id: {raw!r}")
    return _whole(int(raw), 1, MAX_ID)


def _parse_key(raw: str) -> Key:
    product, colon, option = raw.partition(":")
    return _parse_id(product), _parse_id(option) if colon else None


def _format_key(key: Key) -> str:
    return f"{key[0]}:{key[1]}" if key[1] is not None else str(key[0])


@dataclass
class Cart:
    items: dict[Key, CartItem] = field(default_factory=dict)

    @classmethod
    def from_session(cls, raw: Any, max_quantity: int) -> Cart:
        """Rebuild a cart from session data, checking each line as if the browser had sent it
        (whoever knows the secret key can write the session): a malformed id, a quantity
        outside 1 to ``max_quantity`` or a negative price drops the line. Whether an option
        belongs to its product needs the database; ``load_lines`` checks that."""
        cart = cls()
        if not isinstance(raw, Mapping):
            return cart
        for key, value in list(raw.items())[:MAX_CART_LINES]:
            try:
                quantity, price = value
                cart.items[_parse_key(str(key))] = CartItem(
                    _whole(quantity, 1, max_quantity), _whole(price, 0, 2**53)
                )
            except (TypeError, ValueError):
                continue
        return cart

    def to_session(self) -> dict[str, list[int]]:
        return {_format_key(k): [item.quantity, item.price_seen] for k, item in self.items.items()}

    @property
    def count(self) -> int:
        return sum(item.quantity for item in self.items.values())


@dataclass(frozen=True)
class CartLine:
    product: Product
    option: ProductOption | None
    quantity: int
    price_seen: int

    @property
    def product_id(self) -> int:
        return self.product.id

    @property
    def option_id(self) -> int | None:
        return self.option.id if self.option else None

    @property
    def available(self) -> int:
        return self.option.stock if self.option else self.product.stock

    @property
    def amount(self) -> int:
        return self.product.price * self.quantity

    @property
    def price_changed(self) -> bool:
        return self.price_seen != self.product.price

    @property
    def short_of_stock(self) -> bool:
        return self.quantity > self.available


_ACTIVE_OPTIONS = (  # built once: the product page asks on every view
    select(ProductOption)
    .where(
        ProductOption.product_id.in_(bindparam("product_ids", expanding=True)),
        ProductOption.active,
    )
    .order_by(ProductOption.position, ProductOption.id)
)


def active_options(db: Session, product_ids: list[int]) -> dict[int, list[ProductOption]]:
    """Each product's options that can be bought, in the seller's order (one query)."""
    grouped: dict[int, list[ProductOption]] = {}
    if product_ids:
        rows = db.scalars(_ACTIVE_OPTIONS, {"product_ids": list(product_ids)})
        for option in rows:
            grouped.setdefault(option.product_id, []).append(option)
    return grouped


def _choose(db: Session, product: Product, option_id: int | None) -> ProductOption | None:
    options = active_options(db, [product.id]).get(product.id, [])
    if not options:
        if option_id is not None:
            raise ProductUnavailable(product.id)
        return None
    chosen = next((o for o in options if o.id == option_id), None)
    if chosen is None:
        raise OptionRequired(product.id, product.title)
    return chosen


def add(
    db: Session,
    cart: Cart,
    product_id: int,
    quantity: int,
    max_quantity: int,
    option_id: int | None = None,
) -> Product:
    """Add ``quantity`` of a product (and option), checked against stock and the maximum."""
    product = get_visible_product(db, product_id)
    if product is None:
        raise ProductUnavailable(product_id)
    option = _choose(db, product, option_id)
    key = (product.id, option.id if option else None)
    existing = cart.items.get(key)
    wanted = check_quantity(quantity + (existing.quantity if existing else 0), max_quantity)
    available = option.stock if option else product.stock
    if available < wanted:
        title = f"{product.title} ({option.name})" if option else product.title
        raise OutOfStock(product.id, title, available, existing.quantity if existing else 0)
    if existing is None and len(cart.items) >= MAX_CART_LINES:
        raise CartFull(lines=MAX_CART_LINES)
    cart.items[key] = CartItem(wanted, product.price)
    return product


def set_quantity(db: Session, cart: Cart, key: Key, quantity: int, max_quantity: int) -> None:
    """Change a line's quantity; zero removes it."""
    if key not in cart.items:
        raise ProductUnavailable(key[0])
    if quantity == 0:
        del cart.items[key]
        return
    lines, _gone = load_lines(db, Cart({key: cart.items[key]}))
    if not lines:
        raise ProductUnavailable(key[0])
    check_quantity(quantity, max_quantity)
    line = lines[0]
    if line.available < quantity:
        raise OutOfStock(key[0], line.product.title, line.available)
    cart.items[key].quantity = quantity


def remove(cart: Cart, key: Key) -> None:
    cart.items.pop(key, None)


def load_lines(db: Session, cart: Cart) -> tuple[list[CartLine], list[Key]]:
    """Today's products and options for the cart (two queries), and keys no longer for sale."""
    if not cart.items:
        return [], []
    product_ids = sorted({pid for pid, _oid in cart.items})
    products = {p.id: p for p in db.scalars(visible_products().where(Product.id.in_(product_ids)))}
    options = {o.id: o for group in active_options(db, product_ids).values() for o in group}
    lines, gone = [], []
    for (pid, oid), item in cart.items.items():
        product = products.get(pid)
        option = options.get(oid) if oid is not None else None
        if option is not None and option.product_id != pid:
            option = None  # another product's option: never take its stock
        wants_option = any(o.product_id == pid for o in options.values())
        if (
            product is None
            or (oid is not None and option is None)
            or (oid is None and wants_option)
        ):
            gone.append((pid, oid))
            continue
        lines.append(CartLine(product, option, item.quantity, item.price_seen))
    return lines, gone


def accept_current_prices(cart: Cart, lines: list[CartLine]) -> None:
    """Remember today's prices once the shopper has been shown the change."""
    for line in lines:
        cart.items[(line.product.id, line.option_id)].price_seen = line.product.price
