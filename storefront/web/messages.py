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
MONEY = frozenset({"amount", "owed", "left", "outstanding", "old", "new", "lowest", "highest"})


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
    "gift.not_a_number": _l("Enter the gift as a whole number of won, like 5000."),
    "gift.too_small": _l("A gift is at least %(lowest)s."),
    "gift.too_large": _l("A gift is at most %(highest)s."),
    "payment.rejected": _l("This payment does not match its order."),
    # --- accounts, shoppers' receipts and statements ---
    "account.email_taken": _l("An account with this email already exists. Sign in instead."),
    "account.password_too_short": _l("Use at least 10 characters."),
    "account.password_too_guessable": _l(
        "That password is too easy to guess. Try a short sentence."
    ),
    "account.bad_reset_link": _l("This reset link does not work any more."),
    "account.bad_verify_link": _l("This verification link does not work any more."),
    "account.verify_link_not_yours": _l(
        "This link confirms another account's email. Sign in with that account to use it."
    ),
    "account.wrong_password": _l("That is not this account's password."),
    "account.has_ventures": _l(
        "This account runs a venture on Sangsaeng. Leave the venture before deleting it."
    ),
    "address.too_many": _l("You can save up to %(limit)s addresses. Delete one first."),
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
    "application.registration_number": _l("That business registration number does not check out."),
    "application.registration_taken": _l(
        "A venture with this registration number already applied."
    ),
    "application.mission": _l("Choose a social mission from the list."),
    "application.no_cause": _l(
        "The shop is not ready for applications yet. Please try again later."
    ),
    "venture.already_approved": _l("%(name)s is already approved."),
    "staff.not_approved": _l("Staff can be invited once the venture is approved."),
    "staff.invitation_invalid": _l(
        "This invitation link does not work: it may be more than a week old."
    ),
    "staff.invitation_other_email": _l(
        "This invitation is for another email address. Sign in with the invited address."
    ),
    "staff.owner": _l("The owner cannot be removed."),
    "listing.category": _l("Choose a category from the list."),
    "listing.price": _l("The price must be more than zero."),
    "listing.stock": _l("Stock must be 0 or more."),
    "listing.stock_by_option": _l("This product has options: set the stock of each option."),
    "listing.giving_rate": _l("The giving rate must be within the range the platform allows."),
    "listing.option_name": _l("Name the option, like 'M' or 'Blue'."),
    "listing.option_taken": _l("This product already has an option with that name."),
    "listing.transition": _l("That cannot be done to a listing in this state."),
    "image.too_large": _l("%(name)s is larger than 8 MB."),
    "image.empty": _l("%(name)s is empty."),
    "image.not_an_image": _l("%(name)s is not a JPEG, PNG, WebP or GIF picture."),
    "image.too_many_pixels": _l("%(name)s has too many pixels (25 megapixels at most)."),
    "image.too_small": _l("%(name)s is too small (at least 200 pixels on each side)."),
    "image.broken": _l("%(name)s is damaged and cannot be read."),
    "image.too_many": _l("A product can have at most 10 pictures."),
    "fulfilment.wrong_status": _l("That cannot be done to this line any more."),
    "fulfilment.unknown_action": _l("That cannot be done to this line any more."),
    "fulfilment.carrier": _l("Choose a carrier from the list."),
    "fulfilment.tracking": _l("A tracking number has 6 to 30 letters, digits or hyphens."),
    "fulfilment.no_payment": _l(
        "This order was not paid through the shop; refund it where it was paid."
    ),
    "fulfilment.nothing_to_refund": _l(
        "The order has already been refunded in full, so there is nothing left to refund."
    ),
    "question.empty": _l("Write something first."),
    "question.too_long": _l("Write at most %(max)d characters."),
    "question.answer_hidden": _l("An operator hid this answer; it cannot be changed."),
    "question.unknown_part": _l("Choose the question or its answer."),
    # --- reviews ---
    "review.not_delivered": _l("You can review a product once it has been delivered."),
    "review.already_written": _l("You have already reviewed this product from this order."),
    "review.rating": _l("Choose from 1 to 5 stars."),
    "review.body": _l("Write from %(low)d to %(high)d characters."),
    "review.too_many_photos": _l("Add at most %(maximum)d photos."),
    "review.reply": _l("Write a reply of at most %(high)d characters."),
    "review.already_replied": _l("This review already has a reply."),
    "review.report_reason": _l("Choose a reason from the list."),
    "return.kind": _l("Choose a return or an exchange."),
    "return.reason": _l("Choose a reason from the list."),
    "return.unknown_line": _l("Choose an item of this order."),
    "return.not_delivered": _l("Only a delivered item can be returned or exchanged."),
    "return.window_closed": _l(
        "Returns and exchanges can be asked for within %(days)d days of delivery; "
        "that time has passed for this item."
    ),
    "return.already_open": _l("This item already has a return or exchange request open."),
    "return.too_many_photos": _l("Send at most %(most)d photos."),
    "return.wrong_status": _l("That cannot be done to this request any more."),
    "return.why": _l("Say why the request is declined."),
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
    "report.not_approved": _l("Your venture can file reports once it is approved."),
    "report.future": _l("Report on the current quarter or a past one, not a future quarter."),
    "report.before_joining": _l("Choose a quarter from the one your venture joined in."),
    "report.unknown_quarter": _l("Choose a quarter from the list."),
    "report.unknown_group": _l("Choose a quarter from the list."),
    "report.headcount": _l("Enter a whole number of people, 0 or more."),
    "report.fewer_than_vulnerable": _l(
        "People from vulnerable groups cannot be more than the people employed."
    ),
    "report.sales": _l("Enter a whole number of won, 0 or more."),
    "report.sales_reported": _l("Your sales before joining were reported already."),
    # --- the donation log ---
    "log.bad_size": _l("A log cannot have %(size)d entries."),
    "log.bad_sizes": _l(
        "A log of %(old_size)d entries cannot grow into one of %(new_size)d entries."
    ),
    "log.bad_range": _l("Entries %(start)d to %(end)d are not a subtree of the log."),
    "log.leaf_out_of_range": _l("Entry %(index)d is not in the log of %(size)d entries."),
    "log.unknown_size": _l("No checkpoint of the log was signed at %(size)d entries."),
    "wishlist.full": _l(
        "Your saved list holds %(maximum)d products. Remove one before saving another."
    ),
    "log.bad_key": _l("That key is not a well-formed Ed25519 note key."),
    "log.ambiguous_key": _l("Two different keys named %(name)s have the same key ID."),
    "log.bad_note": _l("That is not a well-formed signed note."),
    "log.bad_signature": _l("The signature by %(name)s does not check: the note was changed."),
    "log.unverified": _l("No key we know signed this note."),
    "log.bad_checkpoint": _l("That is not a well-formed checkpoint."),
    "log.unknown_checkpoint": _l("The shop signed no such checkpoint of %(size)d entries."),
    "log.unknown_witness": _l("No registered witness cosigned this checkpoint."),
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
        "account.has_ventures",
        "address.too_many",
        "refund.too_much",
        "payout.too_much",
        "application.registration_taken",
        "venture.already_approved",
        "listing.stock_by_option",
        "listing.option_taken",
        "listing.transition",
        "fulfilment.wrong_status",
        "fulfilment.unknown_action",
        "fulfilment.no_payment",
        "fulfilment.nothing_to_refund",
        "report.sales_reported",
        "question.answer_hidden",
        "wishlist.full",
        "review.not_delivered",
        "review.already_written",
        "review.already_replied",
        "return.not_delivered",
        "return.window_closed",
        "return.already_open",
        "return.wrong_status",
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
