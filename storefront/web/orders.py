"""The shopper's order page and the lookup by order number and email."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from storefront.domain.order_numbers import normalise
from storefront.domain.receipts import net_of
from storefront.extensions import db, limiter
from storefront.models import Order, Refund, utcnow
from storefront.services import ledger, returns, reviews
from storefront.web import access
from storefront.web.common import return_rules
from storefront.web.forms import EmptyForm, LookupForm

bp = Blueprint("orders", __name__, url_prefix="/orders")


@bp.get("/<number>")
def show(number: str) -> str:
    order = access.order_or_404(number, request.args.get("token"))
    access.remember(order)
    entries = ledger.order_entries(db.session(), order.id)
    net = net_of((e.kind, e.amount) for e in entries)
    return render_template(
        "orders/show.html",
        order=order,
        entries=entries,
        refunds=db.session.scalars(select(Refund).where(Refund.order_id == order.id)).all(),
        net_donation=net.donation,
        net_match=net.match,
        net_gift=net.gift,
        cancel_form=EmptyForm(),
        reviewed=reviews.reviewed_lines(db.session(), order.id),
        **_returns_of(order),
    )


def _returns_of(order: Order) -> dict[str, Any]:
    """The order's return requests, and the lines that may still be returned or exchanged."""
    found = returns.of_order(db.session(), order.id)
    asked = {r.order_line_id for r in found if r.is_open}
    rules, now = return_rules(), utcnow()
    returnable = {
        line.id
        for line in order.lines
        if returns.may_request(line, rules, now) and line.id not in asked
    }
    return {"return_requests": found, "returnable": returnable}


@bp.route("/lookup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["ORDER_LOOKUP_RATE_LIMIT"], methods=["POST"])
def lookup() -> Response | tuple[str, int]:
    form = LookupForm()
    if not form.is_submitted():
        return render_template("orders/lookup.html", form=form), 200
    if not form.validate():
        return render_template("orders/lookup.html", form=form), 400
    order = db.session.scalar(
        select(Order).where(
            Order.number == normalise(form.number.data or ""),
            func.lower(Order.email) == (form.email.data or "").strip().lower(),
        )
    )
    if order is None:
        form.number.errors = [_("No order matches that number and email.")]
        return render_template("orders/lookup.html", form=form), 404
    access.remember(order)
    return redirect(url_for("orders.show", number=order.number))
