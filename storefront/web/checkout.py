"""Checkout: the shopper's details, the order, the payment, and back again."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from storefront import sqlite
from storefront.domain import gifts
from storefront.domain.errors import DomainError, GiftRefused, OrderNotPayable, PricesChanged
from storefront.extensions import db
from storefront.models import Cause, Order, SavedAddress, utcnow
from storefront.payments import PaymentError
from storefront.services import cart as carts
from storefront.services import checkout as checkouts
from storefront.services import shoppers
from storefront.services.payments import confirm_from_success_page
from storefront.web import access, metrics
from storefront.web.common import load_cart, provider, quote_with_funds, save_cart, shop_rules
from storefront.web.forms import CheckoutForm, EmptyForm
from storefront.web.guards import signed_in_user
from storefront.web.helpers import money
from storefront.web.messages import describe, form_error, refusal_status

bp = Blueprint("checkout", __name__, url_prefix="/checkout")


def _form() -> CheckoutForm:
    form = CheckoutForm()
    causes = db.session.scalars(select(Cause).where(Cause.active).order_by(Cause.id)).all()
    form.cause.choices = [("", _("Each venture's own cause"))] + [
        (str(c.id), c.name) for c in causes
    ]
    form.gift.choices = [
        ("0", _("No gift")),
        *((str(amount), money(amount)) for amount in _gift_limits().presets),
        (gifts.OTHER, _("Another amount")),
    ]
    return form


def _saved_addresses() -> list[SavedAddress]:
    if not current_user.is_authenticated:
        return []
    return shoppers.addresses_of(db.session(), signed_in_user())


def _gift_limits() -> gifts.GiftLimits:
    cfg = current_app.config
    return gifts.GiftLimits(cfg["GIFT_MIN"], cfg["GIFT_MAX"], tuple(cfg["GIFT_PRESETS"]))


def _gift_of(form: CheckoutForm) -> int:
    """The gift the form asks for; raises ``GiftRefused``."""
    return gifts.gift_amount(form.gift.data or "", form.gift_other.data or "", _gift_limits())


def _page(
    form: CheckoutForm, status: int = 200, addresses: list[SavedAddress] | None = None
) -> tuple[str, int]:
    lines, _gone = carts.load_lines(db.session(), load_cart())
    quote, match_funds = quote_with_funds(lines) if lines else (None, {})
    try:
        gift = _gift_of(form) if form.is_submitted() else 0
    except GiftRefused:
        gift = 0
    return render_template(
        "checkout/form.html",
        form=form,
        lines=lines,
        quote=quote,
        match_funds=match_funds,
        addresses=_saved_addresses() if addresses is None else addresses,
        chosen=request.args.get("address", type=int),
        gift=gift,
        gift_limits=_gift_limits(),
    ), status


def _prefill(form: CheckoutForm, addresses: list[SavedAddress]) -> None:
    """Fill the form from this browser's last order (a declined card or a second order: do not
    make the shopper type it all again); for a signed-in shopper, from the saved address chosen
    (``?address=``), else from the default one when there is no last order."""
    data: dict[str, str] = {}
    previous = access.remembered_orders()
    if previous:
        last = previous[0]
        data = {
            "email": last.email,
            "name": last.name,
            "phone": last.phone,
            "postcode": last.postcode,
            "address": last.address,
            "address_detail": last.address_detail,
        }
    if current_user.is_authenticated:
        user = signed_in_user()
        data.setdefault("email", user.email)
        data.setdefault("name", user.name)
        wanted = request.args.get("address", type=int)
        chosen = next((a for a in addresses if a.id == wanted), None)
        if chosen is None and not previous:
            chosen = next((a for a in addresses if a.is_default), None)
        if chosen is not None:
            data.update(
                name=chosen.name,
                phone=chosen.phone,
                postcode=chosen.postcode,
                address=chosen.address,
                address_detail=chosen.address_detail,
            )
    if data:
        form.process(data={**data, "cause": ""})


@bp.get("")
def start() -> Response | tuple[str, int]:
    cart = load_cart()
    if not cart.items:
        flash(_("Your cart is empty. Add a product before checking out."), "warning")
        return redirect(url_for("cart.show"))
    lines, gone = carts.load_lines(db.session(), cart)
    if gone or any(line.short_of_stock for line in lines):
        flash(_("Some products in your cart are not available in that quantity."), "warning")
        return redirect(url_for("cart.show"))
    form = _form()
    addresses = _saved_addresses()
    _prefill(form, addresses)
    return _page(form, addresses=addresses)


def _replace_earlier_attempts() -> None:
    """Cancel this browser's unpaid orders: a new checkout replaces them and frees their stock."""
    for order in access.remembered_orders(("pending_payment",)):
        try:
            checkouts.cancel_unpaid(db.session(), order, provider(), "replaced by a new checkout")
            db.session.commit()
        except PaymentError:
            db.session.rollback()


@bp.post("")
def place() -> Response | tuple[str, int]:
    form = _form()
    if not form.validate():
        return _page(form, 400)
    try:
        gift = _gift_of(form)
    except GiftRefused as error:
        return _page(form, form_error(form, error))
    cart = load_cart()
    _replace_earlier_attempts()
    details = checkouts.ShopperDetails(
        email=(form.email.data or "").strip(),
        name=(form.name.data or "").strip(),
        phone=(form.phone.data or "").strip(),
        postcode=form.postcode.data or "",
        address=(form.address.data or "").strip(),
        address_detail=(form.address_detail.data or "").strip(),
        cause_id=int(form.cause.data) if form.cause.data else None,
        locale=str(get_locale() or "ko"),
        # The account comes from the session, never from the form.
        user_id=signed_in_user().id if current_user.is_authenticated else None,
    )
    try:
        order = checkouts.place_order(
            db.session(), cart, details, shop_rules(), provider().name, utcnow(), gift=gift
        )
    except DomainError as error:
        db.session.rollback()
        if isinstance(error, PricesChanged):
            carts.accept_current_prices(cart, carts.load_lines(db.session(), cart)[0])
            save_cart(cart)
        flash(describe(error), "error")
        return _page(form, refusal_status(error))
    db.session.commit()
    access.remember(order)
    return _pay(order)


def _pay(order: Order) -> Response:
    """Send the shopper to the provider's page for a held order.

    If the provider does not answer (a timeout), the order stays held and payable: the
    shopper can try again from the order page, and the retry asks the provider with the same
    idempotency key, so a session the provider created before timing out is not made twice.
    """
    token = order.access_token
    try:
        session = checkouts.start_payment(
            db.session(),
            order,
            provider(),
            success_url=url_for(
                "checkout.success", number=order.number, token=token, _external=True
            ),
            cancel_url=url_for("checkout.cancel", number=order.number, token=token, _external=True),
            shipping_label=_("Shipping"),
            gift_label=_("Donation to %(cause)s", cause=order.gift_cause.name),
        )
    except OrderNotPayable as error:
        db.session.rollback()
        flash(describe(error), "error")
        return redirect(url_for("orders.show", number=order.number, token=token))
    except PaymentError:
        db.session.rollback()
        flash(
            _("The payment service did not answer. Nothing was charged; please try again."), "error"
        )
        return redirect(url_for("orders.show", number=order.number, token=token))
    db.session.commit()
    return redirect(session.url, code=303)


@bp.post("/pay/<number>")
def pay_again(number: str) -> Response:
    """Try again to send the shopper to pay a held order (after the provider timed out)."""
    if not EmptyForm().validate():
        abort(400)
    return _pay(access.order_or_404(number, request.args.get("token")))


@bp.get("/success/<number>")
@sqlite.writes  # confirms the payment: takes SQLite's write lock up front
def success(number: str) -> Response:
    order = access.order_or_404(number, request.args.get("token"), token_required=True)
    session_id = request.args.get("session_id", "")
    try:
        outcome = confirm_from_success_page(db.session(), provider(), order, session_id, utcnow())
    except (PaymentError, DomainError):
        db.session.rollback()
        outcome = "unknown"
    db.session.commit()
    if outcome == "paid":
        metrics.order_paid("success_page")
    if order.status == "paid" or outcome == "paid":
        save_cart(carts.Cart())
    return redirect(url_for("orders.show", number=order.number, token=order.access_token))


@bp.route("/cancel/<number>", methods=["GET", "POST"])
@sqlite.writes
def cancel(number: str) -> Response:
    """Where the provider sends a shopper who gives up, or the order page's cancel button.

    The provider's link carries the order's token, so a link from elsewhere cannot cancel an
    order; the button is a form with a CSRF token.
    """
    if request.method == "POST":
        if not EmptyForm().validate():
            abort(400)
        order = access.order_or_404(number, request.args.get("token"))
    else:
        order = access.order_or_404(number, request.args.get("token"), token_required=True)
    reason = request.args.get("reason", "")
    try:
        cancelled = checkouts.cancel_unpaid(
            db.session(), order, provider(), reason[:40] or "shopper cancelled"
        )
    except PaymentError:
        db.session.rollback()
        cancelled = False
    db.session.commit()
    if not cancelled:  # paid meanwhile, or already closed: show the order as it stands
        return redirect(url_for("orders.show", number=order.number, token=order.access_token))
    messages = {
        "card_declined": _("Your card was declined. Nothing was charged; your cart is still here."),
        "insufficient_funds": _(
            "The card has insufficient funds. Nothing was charged; your cart is still here."
        ),
    }
    flash(
        messages.get(
            reason, _("Payment was cancelled. Nothing was charged; your cart is still here.")
        ),
        "warning",
    )
    return redirect(url_for("cart.show"))
