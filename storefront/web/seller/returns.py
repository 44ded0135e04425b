"""A venture's returns and exchanges: the requests on its lines, and each step it takes on one
(approve or reject, mark the item received, refund a return or ship an exchange's new item)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from storefront.domain.errors import DomainError
from storefront.extensions import db
from storefront.models import Refund, ReturnRequest, Venture, utcnow
from storefront.payments import PaymentError
from storefront.services import fulfilment, returns
from storefront.web.common import provider, return_rules
from storefront.web.forms import EmptyForm
from storefront.web.guards import membership_or_404
from storefront.web.helpers import CARRIER_LABELS, money
from storefront.web.messages import describe, refusal_status
from storefront.web.returns import private_photo
from storefront.web.seller.forms import ReturnRejectForm, ShipForm

bp = Blueprint("returns", __name__, url_prefix="/ventures/<id:venture_id>/returns")
ACTIONS = ("approve", "reject", "receive", "refund", "reship")


def _ship_form() -> ShipForm:
    form = ShipForm()
    form.carrier.choices = [(c, str(CARRIER_LABELS[c])) for c in fulfilment.CARRIERS]
    return form


@bp.get("")
@login_required
def index(venture_id: int) -> str:
    membership = membership_or_404(venture_id)
    found = returns.of_venture(db.session(), venture_id)
    return render_template("seller/returns.html", venture=membership.venture, requests=found)


def _request_or_404(venture_id: int, request_id: int) -> ReturnRequest:
    found = returns.venture_request(db.session(), venture_id, request_id)
    if found is None:
        abort(404)
    return found


def _page(venture: Venture, found: ReturnRequest) -> str:
    made = db.session.get(Refund, found.refund_id) if found.refund_id else None
    return render_template(
        "seller/return.html",
        venture=venture,
        req=found,
        order=found.order,
        steps=returns.timeline(found),
        refund_due=returns.refund_due(found.line, found.reason, return_rules().shipping_fee),
        refunded=made.amount if made else 0,
        action_form=EmptyForm(),
        reject_form=ReturnRejectForm(formdata=None),
        ship_form=_ship_form(),
    )


@bp.get("/<id:request_id>")
@login_required
def show(venture_id: int, request_id: int) -> str:
    membership = membership_or_404(venture_id)
    return _page(membership.venture, _request_or_404(venture_id, request_id))


@bp.get("/<id:request_id>/photos/<id:photo_id>")
@login_required
def photo(venture_id: int, request_id: int, photo_id: int) -> Response:
    membership_or_404(venture_id)
    found = _request_or_404(venture_id, request_id)
    path = returns.photo_path(db.session(), found, photo_id)
    if path is None:
        abort(404)
    return private_photo(path)


def _refund(venture: Venture, found: ReturnRequest) -> Response | tuple[str, int]:
    """Refund a received return; if the payment service fails, keep it received, say so."""
    try:
        made = returns.refund(db.session(), provider(), found, utcnow())
    except DomainError as error:
        db.session.rollback()
        flash(describe(error), "error")
        return _page(venture, found), refusal_status(error)
    except PaymentError as error:
        db.session.rollback()
        returns.note_refund_failure(db.session(), found, str(error))
        db.session.commit()
        flash(
            _("The payment service could not make the refund. The item stays received; try again."),
            "error",
        )
        return _page(venture, found), 503
    db.session.commit()
    amount = made.amount if made else 0
    flash(
        _("Refunded %(amount)s and reversed its share of the donation.", amount=money(amount)),
        "success",
    )
    return redirect(url_for(".show", venture_id=venture.id, request_id=found.id))


@bp.post("/<id:request_id>/<action>")
@login_required
def act(venture_id: int, request_id: int, action: str) -> Response | tuple[str, int]:
    """Approve, reject, receive, refund or reship one of the venture's requests."""
    venture = membership_or_404(venture_id).venture
    found = _request_or_404(venture_id, request_id)
    if action not in ACTIONS:
        abort(404)
    reject_form, ship_form = ReturnRejectForm(), _ship_form()
    forms: dict[str, FlaskForm] = {"reject": reject_form, "reship": ship_form}
    form = forms.get(action) or EmptyForm()
    if not form.validate():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
        return _page(venture, found), 400
    now, rules = utcnow(), return_rules()
    try:
        if action == "approve":
            returns.approve(db.session(), found, rules, now)
        elif action == "reject":
            returns.reject(db.session(), found, reject_form.note.data or "", now)
        elif action == "receive":
            returns.receive(db.session(), found, now)
        elif action == "reship":
            carrier, tracking = ship_form.carrier.data or "", ship_form.tracking_number.data or ""
            returns.reship(db.session(), found, carrier, tracking, now)
    except DomainError as error:
        db.session.rollback()
        flash(describe(error), "error")
        return _page(venture, found), refusal_status(error)
    if action != "refund":
        db.session.commit()
    if action == "refund" or (action == "receive" and found.kind == "return"):
        return _refund(venture, found)  # received is kept even if the refund fails
    flash(_("The request is updated; the shopper is emailed."), "success")
    return redirect(url_for(".show", venture_id=venture_id, request_id=request_id))
