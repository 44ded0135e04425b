"""A venture's listings: the list, new and edit, preview, status changes and stock."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from storefront.domain.errors import ListingRefused
from storefront.extensions import db
from storefront.models import utcnow
from storefront.services import listings
from storefront.web.forms import EmptyForm
from storefront.web.guards import membership_or_404
from storefront.web.messages import describe, refusal_status
from storefront.web.pages import render_product
from storefront.web.seller.forms import ListingForm, StockForm
from storefront.web.seller.product_pages import edit_page, edit_url, listing_form, product_or_404

bp = Blueprint("listings", __name__, url_prefix="/ventures/<id:venture_id>/products")

# What each status change did, said once it is saved.
STATUS_CHANGED = {
    "publish": _l("Published: the product is in the shop."),
    "unpublish": _l("Unpublished: the product is back to a draft."),
    "archive": _l("Archived."),
    "restore": _l("Restored as a draft."),
}


def _listing_input(form: ListingForm) -> listings.ListingInput:
    return listings.ListingInput(
        title=form.title.data or "",
        description=form.description.data or "",
        category=form.category.data or "",
        price=form.price.data or 0,
        stock=form.stock.data or 0,
    )


@bp.get("")
@login_required
def products(venture_id: int) -> str:
    membership = membership_or_404(venture_id)
    items = listings.listings(db.session(), venture_id, include_archived=True)
    return render_template(
        "seller/products.html",
        venture=membership.venture,
        products=items,
        with_options=listings.with_options(db.session(), [p.id for p in items]),
        stock_form=StockForm(),
        status_form=EmptyForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_product(venture_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    form = listing_form()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template(
            "seller/product_form.html", form=form, venture=membership.venture
        ), status
    product = listings.create(db.session(), membership.venture, _listing_input(form), utcnow())
    db.session.commit()
    flash(_("Saved as a draft. Preview it, then publish it."), "success")
    return redirect(edit_url(venture_id, product.id))


@bp.route("/<id:product_id>/edit", methods=["GET", "POST"])
@login_required
def edit_product(venture_id: int, product_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    product = product_or_404(venture_id, product_id)
    form = listing_form(product)
    if not form.validate_on_submit():
        return edit_page(membership.venture, product, form), 400 if form.is_submitted() else 200
    listings.update(db.session(), product, _listing_input(form))
    db.session.commit()
    flash(_("Your changes are saved."), "success")
    return redirect(edit_url(venture_id, product.id))


@bp.get("/<id:product_id>/preview")
@login_required
def preview_product(venture_id: int, product_id: int) -> str:
    membership = membership_or_404(venture_id)
    product = product_or_404(venture_id, product_id)
    return render_product(product, membership.venture, preview=True)


@bp.post("/<id:product_id>/status")
@login_required
def product_status(venture_id: int, product_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    product = product_or_404(venture_id, product_id)
    if not EmptyForm().validate():
        abort(400)
    action = request.form.get("action", "")
    try:
        listings.change_status(db.session(), product, action)
    except ListingRefused as error:
        flash(describe(error), "error")
        return products(venture_id), refusal_status(error)
    db.session.commit()
    if action == "publish" and membership.venture.status != "approved":
        flash(_("Ready for sale: it will be in the shop once your venture is approved."), "success")
    else:
        flash(str(STATUS_CHANGED[action]), "success")
    if request.form.get("back") == "edit":
        return redirect(edit_url(venture_id, product_id))
    return redirect(url_for("seller.listings.products", venture_id=venture_id))


@bp.post("/<id:product_id>/stock")
@login_required
def product_stock(venture_id: int, product_id: int) -> Response | tuple[str, int]:
    membership_or_404(venture_id)
    product = product_or_404(venture_id, product_id)
    form = StockForm()
    if not form.validate():
        for message in form.stock.errors:
            flash(str(message), "error")
        return products(venture_id), 400
    try:
        listings.set_stock(db.session(), product, form.stock.data or 0)
    except ListingRefused as error:
        flash(describe(error), "error")
        return products(venture_id), refusal_status(error)
    db.session.commit()
    flash(
        _("Stock of %(title)s is now %(count)d.", title=product.title, count=product.stock),
        "success",
    )
    return redirect(url_for("seller.listings.products", venture_id=venture_id))
