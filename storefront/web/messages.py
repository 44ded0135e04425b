"""The one catalogue of refusals: a domain error's code becomes a translated message, a form
error on the field it names, and a 4xx status.

A new error needs one line here: its code and its message. A message is a lazy string whose
``%(name)s`` placeholders are the error's params; params listed in ``MONEY`` are formatted as
money in the shopper's locale first. The few messages that need more than placeholders (a list
of changed prices) are functions of the params. ``tests/unit/test_error_catalogue.py`` fails if
any code raised in the package has no line.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import flash
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from storefront.domain.errors import DomainError
from storefront.web.helpers import money

log = logging.getLogger(__name__)

Message = Any  # a lazy string, or a function of the params that returns the message

# Params that are amounts in minor units, shown as money.
MONEY = frozenset({"amount", "owed", "left", "outstanding", "old", "new"})


def _prices_changed(params: Mapping[str, Any]) -> str:
    changes = ", ".join(
        _("%(title)s: %(old)s → %(new)s", title=title, old=money(old), new=money(new))
        for _id, title, old, new in params["changes"]
    )
    return _(
        "Some prices changed since you added them: %(changes)s. Please check your order.",
        changes=changes,
    )


MESSAGES: dict[str, Message] = {
    "refused": _l("Something in your request could not be accepted."),
    # --- cart and checkout ---
    "cart.empty": _l("Your cart is empty. Add a product before checking out."),
    "cart.full": _l("Your cart is full. Check out or remove something first."),
    "cart.quantity": _l("Choose a quantity from 1 to %(maximum)d."),
    "cart.unavailable": _l("That product is not for sale any more."),
    "cart.option_required": _l("Choose an option for %(title)s."),
    "cart.prices_changed": _prices_changed,
    "stock.in_cart": _l(
        "You already have %(in_cart)d of %(title)s in your cart, and %(available)d are in stock."
    ),
    "stock.sold_out": _l("Sorry, %(title)s is sold out."),
    "stock.few_left": _l("Sorry, only %(available)d of %(title)s are left."),
    "checkout.unknown_cause": _l("Choose one of the causes in the list."),
    "checkout.not_payable": _l("This order can no longer be paid. Your cart is still here."),
    "payment.rejected": _l("This payment does not match its order."),
    # --- accounts, shoppers' receipts and statements ---
    "account.email_taken": _l("An account with this email already exists. Sign in instead."),
    "account.password_too_short": _l("Use at least 10 characters."),
    "account.password_too_guessable": _l(
        "That password is too easy to guess. Try a short sentence."
    ),
    "account.bad_reset_link": _l("This reset link does not work any more."),
    "receipt.not_paid": _l("Only paid orders have a donation receipt. This order was not paid."),
    "statement.range_order": _l("The start date must be on or before the end date."),
    "statement.too_long": _l("A statement covers at most 5 years. Choose a shorter period."),
    "statement.link_expired": _l(
        "Statement links work for 7 days. Ask for a new one with the form."
    ),
    "statement.link_invalid": _l(
        "The link is incomplete or was changed. Copy the whole link from the email."
    ),
    # --- seller: ventures, listings, pictures, orders, staff ---
    "listing.transition": _l("That cannot be done to a listing in this state."),
    "image.too_large": _l("%(name)s is larger than 8 MB."),
    "image.empty": _l("%(name)s is empty."),
    "image.not_an_image": _l("%(name)s is not a JPEG, PNG, WebP or GIF picture."),
    "image.too_many_pixels": _l("%(name)s has too many pixels (25 megapixels at most)."),
    "image.too_small": _l("%(name)s is too small (at least 200 pixels on each side)."),
    "image.broken": _l("%(name)s is damaged and cannot be read."),
    "image.too_many": _l("A product can have at most 10 pictures."),
    # --- operator: causes, funds, refunds, payouts ---
    "cause.in_use": _l("Ventures give to this cause by default; move them first."),
    "cause.unknown": _l("Choose one of the causes in the list."),
    "fund.amounts": _l("Amounts and the rate must be more than zero."),
    "fund.period": _l("The fund must end after it starts."),
    "refund.not_paid": _l("Only a paid order can be refunded."),
    "refund.amount": _l("Enter an amount of at least 1 won."),
    "refund.too_much": _l("At most %(left)s of this order is left to refund."),
    "payout.unknown_cause": _l("Choose one of the causes in the list."),
    "payout.amount": _l("Enter an amount of at least 1 won."),
    "payout.future": _l("The payout date cannot be in the future."),
    "payout.too_much": _l("The cause is owed %(owed)s; record at most that."),
    "payout.proof_too_large": _l("The proof of payment is larger than 5 MB."),
    "payout.proof_type": _l(
        "The proof of payment must be a PDF or a JPEG, PNG, WebP or GIF picture."
    ),
    "payout.not_correctable": _l("A correction cannot itself be corrected."),
    "payout.already_corrected": _l("This payout is already corrected."),
    "payout.why": _l("Say why the payout is cancelled."),
    # --- impact reports ---
}

# Refusals where the shop's state stands in the way (409); every other one is a bad request.
CONFLICTS = frozenset(
    {
        "cart.full",
        "cart.prices_changed",
        "stock.in_cart",
        "stock.sold_out",
        "stock.few_left",
        "checkout.not_payable",
        "account.email_taken",
        "refund.too_much",
        "payout.too_much",
    }
)


def describe(error: DomainError) -> str:
    """Say ``error`` in the current locale."""
    message = MESSAGES.get(error.code)
    if message is None:
        log.warning("no message for the refusal %r", error)
        message = MESSAGES["refused"]
    if not isinstance(message, LazyString):
        return str(message(error.params))
    params = {k: money(v) if k in MONEY else v for k, v in error.params.items()}
    return str(message) % params if params else str(message)


def refusal_status(error: DomainError) -> int:
    """409 when the shop's state stands in the way (stock, prices), 400 for a bad request."""
    return 409 if error.code in CONFLICTS else 400


def form_error(form: FlaskForm, error: DomainError, fallback: str | None = None) -> int:
    """Put ``error`` on the form field it names (else on ``fallback``, else flash it) and
    return the status to answer with."""
    name = error.field if error.field is not None and error.field in form else fallback
    message = describe(error)
    if name is not None and name in form:
        form[name].errors = [*form[name].errors, message]
    else:
        flash(message, "error")
    return refusal_status(error)
