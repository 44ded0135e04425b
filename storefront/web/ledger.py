"""The public donation ledger: totals by cause, venture and month, and the latest entries."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from storefront.extensions import db
from storefront.services import ledger

bp = Blueprint("ledger", __name__, url_prefix="/ledger")


@bp.get("")
def index() -> str:
    return render_template(
        "ledger/index.html",
        total=ledger.total_pledged(db.session()),
        by_cause=ledger.totals_by_cause(db.session()),
        by_venture=ledger.totals_by_venture(db.session()),
        by_month=ledger.totals_by_month(db.session()),
        entries=ledger.entries(db.session(), request.args.get("page", 1, type=int) or 1),
    )
