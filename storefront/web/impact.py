"""The public impact report: what the ventures on the shop achieved, from the shop's own data."""

from __future__ import annotations

from flask import Blueprint, render_template

from storefront.domain.impact import FIRST_MONTHS
from storefront.domain.periods import local_today
from storefront.extensions import db
from storefront.services import impact

bp = Blueprint("impact", __name__, url_prefix="/impact")


@bp.get("")
def index() -> str:
    today = local_today()
    return render_template(
        "impact/index.html",
        figures=impact.impact(db.session(), today),
        first_months=FIRST_MONTHS,
        today=today,
    )
