"""My page (마이페이지): a signed-in shopper's orders, saved addresses, giving and account.

Every page here is the signed-in account's own and is never cached; an address id of another
account is simply not found (404).
"""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required, logout_user
from werkzeug.wrappers import Response

from storefront.domain.errors import AccountRefused, AddressRefused
from storefront.domain.receipts import StatementPeriod
from storefront.extensions import db, limiter
from storefront.models import SavedAddress, utcnow
from storefront.services import receipts, recommend, shoppers
from storefront.web.common import page_request
from storefront.web.forms import AddressForm, DeleteAccountForm, EmptyForm
from storefront.web.guards import signed_in_user
from storefront.web.messages import describe, form_error

bp = Blueprint("my", __name__, url_prefix="/my")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page of My page needs an account: anyone else is sent to sign in."""


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("")
def orders() -> str:
    user = signed_in_user()
    return render_template(
        "my/orders.html",
        user=user,
        page=shoppers.orders_page(db.session(), user, page_request()),
        resend_form=EmptyForm(),
        for_you=recommend.for_account(db.session(), user.id),
    )


# -- saved addresses -------------------------------------------------------------------------


def _details(form: AddressForm) -> shoppers.AddressDetails:
    return shoppers.AddressDetails(
        name=form.name.data or "",
        phone=form.phone.data or "",
        postcode=form.postcode.data or "",
        address=form.address.data or "",
        address_detail=form.address_detail.data or "",
    )


def _addresses_page(form: AddressForm, status: int = 200) -> tuple[str, int]:
    user = signed_in_user()
    return render_template(
        "my/addresses.html",
        addresses=shoppers.addresses_of(db.session(), user),
        form=form,
        button=EmptyForm(),
        limit=shoppers.MAX_ADDRESSES,
    ), status


@bp.route("/addresses", methods=["GET", "POST"])
def addresses() -> Response | tuple[str, int]:
    form = AddressForm()
    if not form.is_submitted():
        return _addresses_page(form)
    if not form.validate():
        return _addresses_page(form, 400)
    try:
        shoppers.add_address(
            db.session(), signed_in_user(), _details(form), make_default=bool(form.is_default.data)
        )
    except AddressRefused as error:
        db.session.rollback()
        flash(describe(error), "error")
        return _addresses_page(form, 409)
    db.session.commit()
    flash(_("The address is saved."), "success")
    return redirect(url_for("my.addresses"))


def _address_or_404(address_id: int) -> SavedAddress:
    address = shoppers.address_of(db.session(), signed_in_user(), address_id)
    if address is None:
        abort(404)
    return address


@bp.route("/addresses/<id:address_id>/edit", methods=["GET", "POST"])
def edit_address(address_id: int) -> Response | tuple[str, int]:
    address = _address_or_404(address_id)
    form = AddressForm(obj=address)
    if not form.is_submitted():
        return render_template("my/address_edit.html", form=form, address=address), 200
    if not form.validate():
        return render_template("my/address_edit.html", form=form, address=address), 400
    shoppers.change_address(
        db.session(), signed_in_user(), address, _details(form), bool(form.is_default.data)
    )
    db.session.commit()
    flash(_("The address is saved."), "success")
    return redirect(url_for("my.addresses"))


@bp.post("/addresses/<id:address_id>/delete")
def delete_address(address_id: int) -> Response:
    address = _address_or_404(address_id)
    if not EmptyForm().validate():
        abort(400)
    shoppers.delete_address(db.session(), signed_in_user(), address)
    db.session.commit()
    flash(_("The address is deleted."), "success")
    return redirect(url_for("my.addresses"))


@bp.post("/addresses/<id:address_id>/default")
def default_address(address_id: int) -> Response:
    address = _address_or_404(address_id)
    if not EmptyForm().validate():
        abort(400)
    shoppers.make_default(db.session(), signed_in_user(), address)
    db.session.commit()
    return redirect(url_for("my.addresses"))


# -- giving ----------------------------------------------------------------------------------


@bp.get("/giving")
def giving() -> str:
    user = signed_in_user()
    return render_template(
        "my/giving.html",
        user=user,
        years=shoppers.giving_of(db.session(), user),
        currency=current_app.config["SHOP_CURRENCY"],
    )


@bp.get("/giving/statement/<int:year>")
def statement(year: int) -> Response:
    """The year's donation statement for the account's own email, in one click: the same
    signed link the statement form emails, here given at once because the email is verified
    (a statement covers every paid order of that email)."""
    user = signed_in_user()
    if not 2000 <= year <= 9999:
        abort(404)
    if user.email_verified_at is None:
        flash(_("Confirm your email first: the statement covers every order with it."), "warning")
        return redirect(url_for("my.giving"))
    period = StatementPeriod.calendar_year(date(year, 1, 1))
    token = receipts.StatementLinks(current_app.config["SECRET_KEY"]).issue(user.email, period)
    return redirect(url_for("receipts.statement", token=token))


# -- the account -----------------------------------------------------------------------------


@bp.route("/delete", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def delete_account() -> Response | tuple[str, int]:
    form = DeleteAccountForm()
    if not form.is_submitted():
        return render_template("my/delete.html", form=form), 200
    if not form.validate():
        return render_template("my/delete.html", form=form), 400
    try:
        shoppers.delete_account(db.session(), signed_in_user(), form.password.data or "", utcnow())
    except AccountRefused as error:
        db.session.rollback()
        status = form_error(form, error)
        return render_template("my/delete.html", form=form), status
    db.session.commit()
    logout_user()
    session.clear()  # the orders this browser remembered go too
    flash(_("Your account is deleted."), "success")
    return redirect(url_for("shop.home"))
