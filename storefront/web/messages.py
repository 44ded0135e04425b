"""Say a domain error to the shopper, in their language."""

from __future__ import annotations

from flask_babel import gettext as _

from storefront.domain import errors
from storefront.web.helpers import money


def describe(error: errors.DomainError) -> str:
    if isinstance(error, errors.OutOfStock):
        if error.in_cart:
            return _(
                "You already have %(in_cart)d of %(title)s in your cart, "
                "and %(count)d are in stock.",
                in_cart=error.in_cart,
                title=error.title,
                count=error.available,
            )
        if error.available <= 0:
            return _("Sorry, %(title)s is sold out.", title=error.title)
        return _(
            "Sorry, only %(count)d of %(title)s are left.", count=error.available, title=error.title
        )
    if isinstance(error, errors.ProductUnavailable):
        return _("That product is not for sale any more.")
    if isinstance(error, errors.OptionRequired):
        return _("Choose an option for %(title)s.", title=error.title)
    if isinstance(error, errors.CartFull):
        return _("Your cart is full. Check out or remove something first.")
    if isinstance(error, errors.QuantityOutOfRange):
        return _("Choose a quantity from 1 to %(max)d.", max=error.maximum)
    if isinstance(error, errors.EmptyCart):
        return _("Your cart is empty. Add a product before checking out.")
    if isinstance(error, errors.PricesChanged):
        changes = ", ".join(
            _("%(title)s: %(old)s → %(new)s", title=title, old=money(old), new=money(new))
            for _id, title, old, new in error.changes
        )
        return _(
            "Some prices changed since you added them: %(changes)s. Please check your order.",
            changes=changes,
        )
    if isinstance(error, errors.UnknownCause):
        return _("Choose one of the causes in the list.")
    if isinstance(error, errors.OrderNotPayable):
        return _("This order can no longer be paid. Your cart is still here.")
    return _("Something in your request could not be accepted.")


def refusal_status(error: errors.DomainError) -> int:
    """409 when the shop's state stands in the way (stock, prices), 400 for a bad request."""
    conflicts = (errors.OutOfStock, errors.PricesChanged, errors.CartFull, errors.OrderNotPayable)
    return 409 if isinstance(error, conflicts) else 400
