"""What each cause, venture and fund pledged, gave and is owed; payouts to causes, recorded
with their proof and cancelled by a correcting entry."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from storefront.domain.errors import PayoutRefused
from storefront.extensions import db
from storefront.models import Payout, utcnow
from storefront.services import causes, payouts
from storefront.web import messages
from storefront.web.guards import operator_required, signed_in_user
from storefront.web.helpers import money
from storefront.web.operator.forms import CorrectionForm, PayoutForm

bp = Blueprint("payouts", __name__)


def _payout_form() -> PayoutForm:
    form = PayoutForm()
    form.cause.choices = [(c.id, c.name) for c in causes.all_causes(db.session())]
    return form


def _with_key(form: PayoutForm) -> PayoutForm:
    """Give a form shown afresh (or sent without one) a new one-time key."""
    form.key.data = form.key.data or secrets.token_urlsafe(24)
    return form


def _balances_page(form: PayoutForm, status: int = 200) -> tuple[str, int]:
    session = db.session()
    rows = payouts.listing(session)
    by_cause, by_venture, by_fund = payouts.balances(session)
    page = render_template(
        "operator/balances.html",
        form=form,
        correction=CorrectionForm(),
        correction_key=secrets.token_urlsafe(24),
        by_cause=by_cause,
        by_venture=by_venture,
        by_fund=by_fund,
        payouts=rows,
        corrected=payouts.corrected_ids(session, [d.id for d in rows]),
    )
    return page, status


@bp.get("/balances")
@operator_required
def balances() -> str:
    return _balances_page(_with_key(_payout_form()))[0]


@bp.post("/payouts")
@operator_required
def record() -> Response | tuple[str, int]:
    form = _payout_form()
    if not form.validate():
        return _balances_page(_with_key(form), 400)
    upload = form.proof.data
    proof = None
    if isinstance(upload, FileStorage) and upload.filename:
        proof = payouts.ProofFile(upload.filename, upload.stream)
    try:
        row = payouts.record(
            db.session(), form.cause.data, form.amount.data or 0, form.paid_on.data,
            form.bank_reference.data or "", form.note.data or "", proof,
            Path(current_app.config["PAYOUT_PROOFS_ROOT"]), signed_in_user().id,
            current_app.config["SHOP_CURRENCY"], utcnow(), key=f"payout-{form.key.data}",
        )  # fmt: skip
    except PayoutRefused as refused:
        db.session.rollback()
        return _balances_page(form, messages.form_error(form, refused, fallback="amount"))
    db.session.commit()
    flash(_("The payout of %(amount)s is recorded.", amount=money(row.amount)), "success")
    return redirect(url_for(".balances"))


@bp.post("/payouts/<id:payout_id>/correct")
@operator_required
def correct(payout_id: int) -> Response | tuple[str, int]:
    row = db.get_or_404(Payout, payout_id)
    form = CorrectionForm()
    if not form.validate():
        return _balances_page(_with_key(_payout_form()), 400)
    try:
        payouts.correct(
            db.session(), row, form.note.data or "", signed_in_user().id, utcnow(),
            key=f"payout-{row.id}-correction-{form.key.data}",
        )  # fmt: skip
    except PayoutRefused as refused:
        db.session.rollback()
        flash(messages.describe(refused), "warning")
        return redirect(url_for(".balances"))
    db.session.commit()
    flash(_("The payout is cancelled by a correcting entry."), "success")
    return redirect(url_for(".balances"))
