"""A venture's orders: the list, one order, and the steps of its lines (prepare, ship, deliver,
cancel and refund)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from storefront.domain.errors import FulfilmentRefused
from storefront.extensions import db
from storefront.models import OrderLine, Venture, utcnow
from storefront.payments import PaymentError
from storefront.services import fulfilment, returns
from storefront.web.common import page_request, provider
from storefront.web.forms import EmptyForm
from storefront.web.guards import membership_or_404
from storefront.web.helpers import CARRIER_LABELS, money
from storefront.web.messages import describe, refusal_status
from storefront.web.seller.forms import ShipForm

bp = Blueprint("orders", __name__, url_prefix="/ventures/<id:venture_id>/orders")


def _ship_form() -> ShipForm:
    form = ShipForm()
    form.carrier.choices = [(c, str(CARRIER_LABELS[c])) for c in fulfilment.CARRIERS]
    return form


@bp.get("")
@login_required
def index(venture_id: int) -> str:
    membership = membership_or_404(venture_id)
    page = fulfilment.venture_orders(db.session(), venture_id, page_request())
    lines = fulfilment.lines_by_order(db.session(), venture_id, [o.id for o in page.items])
    return render_template("seller/orders.html", venture=membership.venture, page=page, lines=lines)


def _order_page(venture: Venture, order_id: int) -> str:
    found = fulfilment.venture_order(db.session(), venture.id, order_id)
    if found is None:
        abort(404)
    order, lines = found
    return render_template(
        "seller/order.html",
        venture=venture,
        order=order,
        lines=lines,
        ship_form=_ship_form(),
        action_form=EmptyForm(),
        return_requests=[
            r for r in returns.of_order(db.session(), order.id) if r.venture_id == venture.id
        ],
    )


@bp.get("/<id:order_id>")
@login_required
def order(venture_id: int, order_id: int) -> str:
    return _order_page(membership_or_404(venture_id).venture, order_id)


def _line_or_404(venture_id: int, order_id: int, line_id: int) -> OrderLine:
    line = fulfilment.line_of(db.session(), venture_id, order_id, line_id)
    if line is None:
        abort(404)
    return line


@bp.post("/<id:order_id>/lines/<id:line_id>/<action>")
@login_required
def line_action(
    venture_id: int, order_id: int, line_id: int, action: str
) -> Response | tuple[str, int]:
    """Prepare, ship, deliver or cancel one of the venture's lines."""
    membership = membership_or_404(venture_id)
    line = _line_or_404(venture_id, order_id, line_id)
    ship_form = _ship_form()
    form = ship_form if action == "ship" else EmptyForm()
    if not form.validate():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
        return _order_page(membership.venture, order_id), 400
    now = utcnow()
    try:
        if action == "ship":
            carrier, tracking = ship_form.carrier.data or "", ship_form.tracking_number.data or ""
            fulfilment.ship(db.session(), line, carrier, tracking, now)
            message = _("Marked as shipped; the shopper is emailed the tracking number.")
        elif action == "cancel":
            refund = fulfilment.cancel_line(db.session(), provider(), line, now)
            message = _(
                "Cancelled: %(amount)s refunded and the donation reversed.",
                amount=money(refund.amount),
            )
        else:
            fulfilment.step(db.session(), line, action, now)
            message = _("The line is updated.")
    except FulfilmentRefused as error:
        db.session.rollback()
        flash(describe(error), "error")
        return _order_page(membership.venture, order_id), refusal_status(error)
    except PaymentError:
        db.session.rollback()
        flash(
            _("The payment service could not make the refund. Nothing was changed; try again."),
            "error",
        )
        return _order_page(membership.venture, order_id), 503
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("seller.orders.order", venture_id=venture_id, order_id=order_id))
