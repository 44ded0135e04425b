"""The operator pages, one child blueprint per area: ventures to review, causes, matching
funds, orders and refunds, payouts and balances, reported reviews, emails and jobs
(``operator.<area>.<view>``)."""

from __future__ import annotations

from flask import Blueprint, redirect, url_for
from werkzeug.wrappers import Response

from storefront.web.guards import operator_required
from storefront.web.operator import (
    causes,
    funds,
    jobs,
    orders,
    payouts,
    questions,
    reviews,
    ventures,
)

bp = Blueprint("operator", __name__, url_prefix="/operator")
for area in (ventures, causes, funds, orders, payouts, reviews, jobs, questions):
    bp.register_blueprint(area.bp)


@bp.get("")
@operator_required
def home() -> Response:
    """The operator's start page is the ventures waiting for review."""
    return redirect(url_for("operator.ventures.index"))
