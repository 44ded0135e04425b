"""A venture's numbers: the dashboard by day, week or month, the monthly statement and the
orders of a month as CSV (the rules are in docs/seller.md)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import login_required
from werkzeug.wrappers import Response

from storefront.domain.periods import GRAINS, SEOUL, Window, local_today, shift, to_utc
from storefront.extensions import db
from storefront.services import stats
from storefront.web.exports import csv_response
from storefront.web.guards import membership_or_404

bp = Blueprint("numbers", __name__, url_prefix="/ventures/<id:venture_id>")


def _seoul_time(moment: datetime | None) -> str:
    return moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M") if moment else ""


def _month_arg() -> date:
    """The ``month`` query argument (YYYY-MM), defaulting to this month; 404 when malformed."""
    raw = request.args.get("month", "")
    if not raw:
        return local_today().replace(day=1)
    try:
        month = datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        abort(404)
    if not 2000 <= month.year <= 2100:
        abort(404)
    return month


@bp.get("/numbers")
@login_required
def index(venture_id: int) -> str:
    membership = membership_or_404(venture_id)
    grain = request.args.get("grain", "day")
    if grain not in GRAINS:
        grain = "day"
    window = Window.ending(local_today(), grain)
    return render_template(
        "seller/numbers.html",
        venture=membership.venture,
        board=stats.dashboard(db.session(), venture_id, window),
        grain=grain,
        grains=GRAINS,
    )


@bp.get("/statement")
@login_required
def statement(venture_id: int) -> Response | str:
    membership = membership_or_404(venture_id)
    month = _month_arg()
    sheet = stats.statement(db.session(), venture_id, month, current_app.config["PLATFORM_FEE_BP"])
    if request.args.get("format") == "csv":
        return csv_response(
            f"statement-{venture_id}-{month:%Y-%m}.csv",
            [
                "month",
                "gross_sales",
                "refunds",
                "platform_fee_bp",
                "platform_fee",
                "donations",
                "payout_due",
            ],
            [
                [
                    f"{month:%Y-%m}",
                    sheet.gross,
                    sheet.refunds,
                    sheet.fee_bp,
                    sheet.fee,
                    sheet.donations,
                    sheet.payout,
                ]
            ],
        )
    return render_template(
        "seller/statement.html",
        venture=membership.venture,
        sheet=sheet,
        previous=shift(month, "month", -1),
        following=shift(month, "month", 1),
    )


@bp.get("/orders.csv")
@login_required
def orders_csv(venture_id: int) -> Response:
    membership_or_404(venture_id)
    month = _month_arg()
    rows = stats.order_rows(
        db.session(), venture_id, to_utc(month), to_utc(shift(month, "month", 1))
    )
    return csv_response(
        f"orders-{venture_id}-{month:%Y-%m}.csv",
        [
            "order_number", "paid_at_seoul", "product", "option", "quantity", "unit_price",
            "goods_amount", "shipping", "donation", "status", "carrier", "tracking_number",
            "recipient", "postcode", "address", "phone",
        ],
        (
            [
                order.number, _seoul_time(order.paid_at),
                line.title, line.option_name, line.quantity, line.unit_price, line.goods_amount,
                line.shipping_amount,
                line.donation_amount, line.status, line.carrier, line.tracking_number, order.name,
                order.postcode, f"{order.address} {order.address_detail}".strip(), order.phone,
            ]
            for line, order in rows
        ),
    )  # fmt: skip
