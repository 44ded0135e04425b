"""The public impact report: what the ventures on the shop achieved, from the shop's own data."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from storefront.domain.impact import FIRST_MONTHS
from storefront.domain.periods import local_today
from storefront.extensions import db
from storefront.services import impact
from storefront.web.page_cache import LEDGER, cached_page

bp = Blueprint("impact", __name__, url_prefix="/impact")


@bp.get("")
def index() -> str:
    return cached_page("impact/index.html", (LEDGER,), _index)


def _index() -> dict[str, Any]:
    today = local_today()
    return dict(
        figures=impact.impact(db.session(), today),
        first_months=FIRST_MONTHS,
        today=today,
    )
