"""The cart: add, change quantity, remove, and see what the order would give."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from storefront.domain.errors import DomainError, ProductUnavailable
from storefront.extensions import db
from storefront.services import cart as carts
from storefront.web.common import load_cart, quote_with_funds, save_cart, shop_rules
from storefront.web.forms import AddToCartForm, CartLineForm, EmptyForm
from storefront.web.messages import describe, refusal_status
from storefront.web.pages import product_page

bp = Blueprint("cart", __name__, url_prefix="/cart")


@bp.get("")
def show() -> str:
    cart = load_cart()
    lines, gone = carts.load_lines(db.session(), cart)
    if gone:
        for key in gone:
            carts.remove(cart, key)
        save_cart(cart)
        flash(_("Some products are no longer for sale and were taken out of your cart."), "warning")
    quote, match_funds = quote_with_funds(lines) if lines else (None, {})
    return render_template(
        "cart/show.html",
        lines=lines,
        quote=quote,
        match_funds=match_funds,
        blocked=any(line.short_of_stock for line in lines),
        line_forms={
            (line.product_id, line.option_id): CartLineForm(quantity=line.quantity)
            for line in lines
        },
        remove_form=EmptyForm(),
    )


@bp.post("/add")
def add() -> Response | tuple[str, int]:
    form = AddToCartForm()
    if not form.validate():
        if form.product_id.errors or not form.product_id.data:
            return render_template("errors/form.html", form=form), 400
        for error in form.quantity.errors:  # say it on the product page the shopper came from
            flash(str(error), "error")
        return product_page(form.product_id.data), 400
    cart = load_cart()
    try:
        carts.add(
            db.session(),
            cart,
            form.product_id.data or 0,
            form.quantity.data or 0,
            shop_rules().max_quantity,
            option_id=form.option_id.data or None,
        )
    except ProductUnavailable:
        abort(404)
    except DomainError as error:
        flash(describe(error), "error")
        return product_page(form.product_id.data or 0), refusal_status(error)
    save_cart(cart)
    flash(_("Added to your cart."), "success")
    return redirect(url_for("cart.show"))


def _key(product_id: int) -> carts.Key:
    """The cart line a form names: the product in the URL and the option in the form."""
    option = request.form.get("option_id", "")
    return product_id, int(option) if option.isdigit() and len(option) < 10 else None


@bp.post("/<id:product_id>/quantity")
def update(product_id: int) -> Response | tuple[str, int]:
    form = CartLineForm()
    if not form.validate():
        return render_template("errors/form.html", form=form), 400
    cart = load_cart()
    key = _key(product_id)
    try:
        carts.set_quantity(
            db.session(), cart, key, form.quantity.data or 0, shop_rules().max_quantity
        )
    except DomainError as error:
        if isinstance(error, ProductUnavailable) and key not in cart.items:
            abort(404)
        flash(describe(error), "error")
        return show(), refusal_status(error)
    save_cart(cart)
    flash(_("Your cart was updated."), "success")
    return redirect(url_for("cart.show"))


@bp.post("/<id:product_id>/remove")
def remove(product_id: int) -> Response | tuple[str, int]:
    if not EmptyForm().validate():
        return render_template("errors/form.html", form=None), 400
    cart = load_cart()
    key = _key(product_id)
    if key not in cart.items:
        abort(404)
    carts.remove(cart, key)
    save_cart(cart)
    flash(_("Removed from your cart."), "success")
    return redirect(url_for("cart.show"))
