"""Errors that shop rules raise; views turn them into form errors or 4xx pages."""

from __future__ import annotations


class DomainError(Exception):
    """A request that the shop's rules refuse. ``code`` names the rule for callers and tests."""

    code = "domain_error"


class EmptyCart(DomainError):
    code = "empty_cart"


class CartFull(DomainError):
    code = "cart_full"


class QuantityOutOfRange(DomainError):
    code = "quantity_out_of_range"

    def __init__(self, quantity: int, maximum: int) -> None:
        super().__init__(quantity, maximum)
        self.quantity = quantity
        self.maximum = maximum


class ProductUnavailable(DomainError):
    """The product does not exist, is not for sale, or its venture is not approved."""

    code = "product_unavailable"

    def __init__(self, product_id: int) -> None:
        super().__init__(product_id)
        self.product_id = product_id


class OutOfStock(DomainError):
    code = "out_of_stock"

    def __init__(self, product_id: int, title: str, available: int, in_cart: int = 0) -> None:
        super().__init__(product_id, title, available, in_cart)
        self.product_id = product_id
        self.title = title
        self.available = available
        self.in_cart = in_cart


class PricesChanged(DomainError):
    """The cart's remembered prices differ from today's: the shopper must look again."""

    code = "prices_changed"

    def __init__(self, changes: list[tuple[int, str, int, int]]) -> None:
        super().__init__(changes)
        self.changes = changes  # (product_id, title, old price, new price)


class PaymentRejected(DomainError):
    """A payment event that does not match the order it names."""

    code = "payment_rejected"


class UnknownCause(DomainError):
    code = "unknown_cause"


class OrderNotPayable(DomainError):
    """The order can no longer be paid (cancelled, expired or already paid)."""

    code = "order_not_payable"


class OptionRequired(DomainError):
    """The product comes in options (size, colour...) and none, or an unknown one, was chosen."""

    code = "option_required"

    def __init__(self, product_id: int, title: str) -> None:
        super().__init__(product_id, title)
        self.product_id = product_id
        self.title = title
