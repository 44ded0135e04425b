"""A venture's market view: its categories against the whole shop, the searches that list
its products, and its products' views against units ordered (rules in services/trends.py)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import login_required

from storefront.domain.periods import local_today
from storefront.domain.trends import DEFAULT_PERIOD, PERIODS, period_window
from storefront.extensions import db
from storefront.services import trends
from storefront.web.guards import membership_or_404

bp = Blueprint("market", __name__, url_prefix="/ventures/<id:venture_id>")


@bp.get("/market")
@login_required
def index(venture_id: int) -> str:
    membership = membership_or_404(venture_id)
    period = request.args.get("period", DEFAULT_PERIOD)
    if period not in PERIODS:
        period = DEFAULT_PERIOD
    window = period_window(period, local_today())
    return render_template(
        "seller/market.html",
        venture=membership.venture,
        market=trends.market(
            db.session(), venture_id, window, current_app.config["TRENDS_MIN_PEOPLE"]
        ),
        period=period,
        periods=tuple(PERIODS),
    )
