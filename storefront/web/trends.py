"""Shopping trends: what the shop searches for and buys, for everyone (served from the page
cache: nothing on it depends on who asks)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, request

from storefront.domain.catalog import CATEGORIES
from storefront.domain.periods import local_today
from storefront.domain.trends import DEFAULT_PERIOD, PERIODS, period_window
from storefront.extensions import db
from storefront.services import trends
from storefront.web.page_cache import TRENDS, cached_page

bp = Blueprint("trends", __name__, url_prefix="/trends")


def filters() -> tuple[str, str]:
    """The period and category asked for: missing ones are the defaults, unknown ones a 400."""
    period = request.args.get("period") or DEFAULT_PERIOD
    category = request.args.get("category", "")
    if period not in PERIODS or (category and category not in CATEGORIES):
        abort(400)
    return period, category


@bp.get("")
def index() -> str:
    period, category = filters()
    return cached_page("trends/index.html", (TRENDS,), lambda: _index(period, category))


def _index(period: str, category: str) -> dict[str, Any]:
    window = period_window(period, local_today())
    return dict(
        figures=trends.trends(
            db.session(), window, category, current_app.config["TRENDS_MIN_PEOPLE"]
        ),
        period=period,
        periods=tuple(PERIODS),
        category=category,
        categories=CATEGORIES,
    )
