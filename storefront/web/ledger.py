"""The public donation ledger: totals by cause, venture and month, and the latest entries."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_from_directory,
)
from sqlalchemy import select

from storefront.domain import chain
from storefront.extensions import db
from storefront.models import Disbursement, Order
from storefront.services import disbursements, ledger
from storefront.web.exports import csv_response

bp = Blueprint("ledger", __name__, url_prefix="/ledger")


@bp.get("")
def index() -> str:
    payouts = disbursements.listing(db.session(), limit=20)
    return render_template(
        "ledger/index.html",
        total=ledger.total_pledged(db.session()),
        by_cause=ledger.totals_by_cause(db.session()),
        balances=disbursements.cause_balances(db.session()),
        payouts=payouts,
        corrected=disbursements.corrected_ids(db.session(), [d.id for d in payouts]),
        by_venture=ledger.totals_by_venture(db.session()),
        by_month=ledger.totals_by_month(db.session()),
        entries=ledger.entries(db.session(), request.args.get("page", 1, type=int) or 1),
    )


@bp.get("/orders/<number>")
def order(number: str) -> str:
    """An order's entries with their hashes: public, by order number, without personal data."""
    found = db.session.scalar(select(Order).where(Order.number == number[:20]))
    if found is None:
        abort(404)
    return render_template(
        "ledger/order.html", order=found, entries=ledger.order_entries(db.session(), found.id)
    )


@bp.get("/export.json")
def export_json() -> Response:
    rows = ledger.export_rows(db.session())
    response = jsonify(
        {"format": ledger.EXPORT_FORMAT, "entries": rows, **ledger.export_extras(db.session())}
    )
    response.headers["Content-Disposition"] = 'attachment; filename="sangsaeng-ledger.json"'
    return response


@bp.get("/export.csv")
def export_csv() -> Response:
    rows = ledger.export_rows(db.session())
    header = ["id", *chain.FIELDS, *chain.OPTIONAL, "hash"]
    return csv_response("sangsaeng-ledger.csv", header, ([row[k] for k in header] for row in rows))


@bp.get("/disbursements/<id:disbursement_id>/receipt")
def disbursement_receipt(disbursement_id: int) -> Response:
    """The receipt a cause sent for a payout: public, as a download, never rendered inline."""
    row = db.session.get(Disbursement, disbursement_id)
    if row is None or not row.receipt_path:
        abort(404)
    root = Path(current_app.config["RECEIPTS_ROOT"])
    return send_from_directory(
        root, row.receipt_path, as_attachment=True, download_name=row.receipt_name or None
    )
