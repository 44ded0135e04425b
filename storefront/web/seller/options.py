"""A product's options (size, colour...): add one, set its stock, stop selling it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from storefront.domain.errors import ListingRefused
from storefront.extensions import db
from storefront.models import Product, ProductOption
from storefront.services import listings
from storefront.web.forms import EmptyForm
from storefront.web.guards import membership_or_404
from storefront.web.messages import describe, refusal_status
from storefront.web.seller.forms import OptionForm, StockForm
from storefront.web.seller.product_pages import edit_page, edit_url, product_or_404

bp = Blueprint(
    "options", __name__, url_prefix="/ventures/<id:venture_id>/products/<id:product_id>/options"
)


def _option_or_404(product: Product, option_id: int) -> ProductOption:
    option = listings.option_of(db.session(), product.id, option_id)
    if option is None:
        abort(404)
    return option


@bp.post("")
@login_required
def add_option(venture_id: int, product_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    product = product_or_404(venture_id, product_id)
    form = OptionForm()
    if not form.validate():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
        return edit_page(membership.venture, product), 400
    try:
        listings.add_option(db.session(), product, form.name.data or "", form.stock.data or 0)
    except ListingRefused as error:
        db.session.rollback()
        flash(describe(error), "error")
        return edit_page(membership.venture, product), refusal_status(error)
    db.session.commit()
    flash(_("Option added."), "success")
    return redirect(edit_url(venture_id, product_id))


@bp.post("/<id:option_id>/stock")
@login_required
def option_stock(venture_id: int, product_id: int, option_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    product = product_or_404(venture_id, product_id)
    option = _option_or_404(product, option_id)
    form = StockForm()
    if not form.validate():
        for message in form.stock.errors:
            flash(str(message), "error")
        return edit_page(membership.venture, product), 400
    listings.set_option_stock(db.session(), product, option, form.stock.data or 0)
    db.session.commit()
    flash(
        _("Stock of %(title)s is now %(count)d.", title=option.name, count=option.stock), "success"
    )
    return redirect(edit_url(venture_id, product_id))


@bp.post("/<id:option_id>/remove")
@login_required
def remove_option(venture_id: int, product_id: int, option_id: int) -> Response:
    membership_or_404(venture_id)
    product = product_or_404(venture_id, product_id)
    option = _option_or_404(product, option_id)
    if not EmptyForm().validate():
        abort(400)
    listings.remove_option(db.session(), product, option)
    db.session.commit()
    flash(_("The option is no longer for sale."), "success")
    return redirect(edit_url(venture_id, product_id))
