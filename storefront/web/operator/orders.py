"""Orders for the operator: find one by its number, see its ledger entries, refund it."""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from storefront.domain.errors import RefundRefused
from storefront.extensions import db
from storefront.models import Order, utcnow
from storefront.payments import PaymentError
from storefront.services import ledger, refunds
from storefront.web import messages
from storefront.web.common import provider
from storefront.web.guards import operator_required
from storefront.web.helpers import money
from storefront.web.operator.forms import RefundForm

bp = Blueprint("orders", __name__, url_prefix="/orders")


@bp.get("")
@operator_required
def search() -> Response | str:
    number = (request.args.get("number") or "").strip().upper()
    if number:
        found = db.session.scalar(select(Order.id).where(Order.number == number))
        if found is not None:
            return redirect(url_for(".show", order_id=found))
        flash(_("No order has the number %(number)s.", number=number), "warning")
    recent = refunds.recent_paid(db.session())
    return render_template("operator/orders.html", orders=recent, number=number)


def _order_page(order: Order, form: RefundForm, status: int = 200) -> tuple[str, int]:
    db_session = db.session()
    page = render_template(
        "operator/order.html",
        order=order,
        form=form,
        left=refunds.refundable(db_session, order),
        refund_rows=refunds.of_order(db_session, order.id),
        entries=ledger.order_entries(db_session, order.id),
    )
    return page, status


@bp.get("/<id:order_id>")
@operator_required
def show(order_id: int) -> str:
    item = db.get_or_404(Order, order_id)
    return _order_page(item, RefundForm(key=secrets.token_urlsafe(24)))[0]


@bp.post("/<id:order_id>/refund")
@operator_required
def refund(order_id: int) -> Response | tuple[str, int]:
    item = db.get_or_404(Order, order_id)
    form = RefundForm()
    if not form.validate():
        form.key.data = form.key.data or secrets.token_urlsafe(24)
        return _order_page(item, form, 400)
    key = f"sangsaeng-refund-order-{item.id}-{form.key.data}"
    try:
        done = refunds.refund_order(
            db.session(), provider(), item, form.amount.data or 0, key, form.note.data or "",
            utcnow(),
        )  # fmt: skip
    except RefundRefused as refused:
        db.session.rollback()
        if refused.params.get("left"):
            return _order_page(item, form, messages.form_error(form, refused))
        flash(messages.describe(refused), "warning")  # no refund form on the page: say it above
        return _order_page(item, form, messages.refusal_status(refused))
    except PaymentError:
        db.session.rollback()
        flash(_("The payment service refused the refund; nothing was changed."), "error")
        return _order_page(item, form, 502)
    db.session.commit()
    flash(_("%(amount)s is refunded.", amount=money(done.amount, done.currency)), "success")
    return redirect(url_for(".show", order_id=order_id))
