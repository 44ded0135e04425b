"""The public impact report: what the ventures on the shop achieved, from the shop's own data."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint
from flask_babel import gettext as _

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
    figures = impact.impact(db.session(), today)
    # The charts' bars, (label, value): built here rather than appended one by one in the
    # template, where each step is a call through Jinja.
    return dict(
        figures=figures,
        first_months=FIRST_MONTHS,
        today=today,
        donation_bars=_by_month(figures.donations_by_month),
        venture_bars=_by_month(figures.ventures_by_month),
        job_bars=[
            (
                _("%(year)d Q%(quarter)d", year=q.quarter.year, quarter=q.quarter.number),
                q.vulnerable,
            )
            for q in figures.jobs_by_quarter
        ],
    )


def _by_month(values: list[tuple[date, int]]) -> list[tuple[str, int]]:
    return [(start.strftime("%Y-%m"), value) for start, value in values]
