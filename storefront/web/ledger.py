"""The public donation ledger: totals by cause, venture and month, and the latest entries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from storefront.domain import chain
from storefront.extensions import db
from storefront.models import Order, Payout
from storefront.services import ledger, log, log_proofs
from storefront.web.common import page_request
from storefront.web.exports import csv_stream, json_stream
from storefront.web.page_cache import LEDGER, cached_page

bp = Blueprint("ledger", __name__, url_prefix="/ledger")


@bp.get("")
def index() -> str:
    return cached_page("ledger/index.html", (LEDGER,), _index)


def _index() -> dict[str, Any]:
    totals = ledger.summary(db.session())
    signed = ledger.log_head(db.session())
    return dict(
        total=totals.total,
        by_cause=totals.by_cause,
        balances=totals.balances,
        payouts=ledger.latest_payouts(db.session(), limit=20),
        by_venture=totals.by_venture,
        by_month=totals.by_month,
        entries=ledger.entries(db.session(), page_request()),
        log_key=str(current_app.extensions["log_signer"].verifier_key),
        log_checkpoint=signed.checkpoint,
        log_witnesses=signed.witnesses,
    )


@bp.get("/orders/<number>")
def order(number: str) -> str:
    """An order's entries with their hashes: public, by order number, without personal data."""
    found = db.session.scalar(select(Order).where(Order.number == number[:20]))
    if found is None:
        abort(404)
    entries = ledger.order_entries(db.session(), found.id)
    proofs = log_proofs.entry_proofs(db.session(), [e.id for e in entries])
    return render_template("ledger/order.html", order=found, entries=entries, proofs=proofs)


@bp.get("/export.json")
def export_json() -> Response:
    """The whole ledger as JSON, streamed (a million entries never sit in memory)."""
    # The checkpoint first: every leaf it signed was committed before the payouts and the
    # entries are read, so the export holds all of them (later ones are only extra leaves).
    signed = log_summary()
    fields = {"format": ledger.EXPORT_FORMAT, **ledger.export_extras(db.session()), "log": signed}
    return json_stream("sangsaeng-ledger.json", fields, "entries", _export_rows())


def log_summary() -> dict[str, Any]:
    """The log's origin, the key that checks its checkpoints, and the latest one signed
    (with its witnesses' cosignatures), or None before the first."""
    key = current_app.extensions["log_signer"].verifier_key
    latest = log.latest(db.session())
    note = log.cosigned_note(db.session(), latest) if latest is not None else None
    return {"origin": key.name, "verifier_key": str(key), "checkpoint": note}


@bp.get("/export.csv")
def export_csv() -> Response:
    rows = _export_rows()
    header = ["id", *chain.FIELDS, *chain.OPTIONAL, "hash"]
    return csv_stream("sangsaeng-ledger.csv", header, ([row[k] for k in header] for row in rows))


def _export_rows() -> Iterator[dict[str, Any]]:
    """The entries, read once the response streams: the request's session is closed by
    then, so the rows come from the session of the streaming context, closed after it."""
    yield from ledger.export_rows(db.session())


@bp.get("/payouts/<id:payout_id>/proof")
def payout_proof(payout_id: int) -> Response:
    """The proof a cause sent for a payout: public, as a download, never rendered inline."""
    row = db.session.get(Payout, payout_id)
    if row is None or not row.proof_path:
        abort(404)
    root = Path(current_app.config["PAYOUT_PROOFS_ROOT"])
    return send_from_directory(
        root, row.proof_path, as_attachment=True, download_name=row.proof_name or None
    )


@bp.get("/disbursements/<id:payout_id>/receipt")
def old_payout_proof(payout_id: int) -> WerkzeugResponse:
    """Where ledger format 2 linked a payout's proof: links already shared keep working."""
    return redirect(url_for("ledger.payout_proof", payout_id=payout_id), 301)
