"""Donation receipts for a paid order, and donation statements sent to an email address."""

from __future__ import annotations

from typing import NoReturn

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from storefront.domain.errors import BadStatementLink, ReceiptRefused
from storefront.domain.periods import local_today
from storefront.domain.receipts import StatementPeriod
from storefront.extensions import db, limiter
from storefront.models import Order
from storefront.services import log_proofs, notify, receipts
from storefront.web import access, receipt_pdf
from storefront.web.forms import StatementForm
from storefront.web.messages import describe, form_error
from storefront.web.receipt_text import NOT_A_TAX_RECEIPT, RECEIPT_KIND_LABELS, in_both_languages

bp = Blueprint("receipts", __name__)

MAX_TOKEN_LENGTH = 500


@bp.app_context_processor
def receipt_labels() -> dict[str, object]:
    return {"RECEIPT_KIND_LABELS": RECEIPT_KIND_LABELS}


def _refuse(status: int, title: str, message: str) -> NoReturn:
    page = render_template("errors/error.html", title=title, message=message)
    abort(Response(page, status, mimetype="text/html"))


def _private(response: Response) -> Response:
    """Receipts name a person: keep them out of shared caches and other sites' logs."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _pdf(content: bytes, filename: str) -> Response:
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return _private(response)


def _receipt(number: str) -> tuple[Order, receipts.Receipt, log_proofs.PageProofs]:
    """The order's receipt, and its entries' proofs in the signed log."""
    order = access.order_or_404(number, request.args.get("token"))
    try:
        found = receipts.receipt_for(db.session(), order)
    except ReceiptRefused as error:
        _refuse(404, _("No donation receipt for this order"), describe(error))
    return order, found, log_proofs.entry_proofs(db.session(), [e.id for e in found.entries])


@bp.get("/orders/<number>/receipt")
def show(number: str) -> Response:
    order, receipt, proofs = _receipt(number)
    access.remember(order)
    page = render_template(
        "receipts/receipt.html",
        receipt=receipt,
        proofs=proofs,
        order=order,
        token=request.args.get("token"),
        note=in_both_languages(NOT_A_TAX_RECEIPT),
    )
    return _private(Response(page, mimetype="text/html"))


@bp.get("/orders/<number>/receipt.pdf")
def pdf(number: str) -> Response:
    _order, receipt, proofs = _receipt(number)
    ledger_url = url_for("ledger.order", number=receipt.order_number, _external=True)
    content = receipt_pdf.receipt(
        receipt, ledger_url, in_both_languages(NOT_A_TAX_RECEIPT), _log_proofs(proofs)
    )
    return _pdf(content, f"sangsaeng-receipt-{receipt.order_number}.pdf")


def _log_proofs(proofs: log_proofs.PageProofs) -> receipt_pdf.LogProofs:
    """The proofs as the PDF prints them, with the absolute links to fresh ones."""
    checkpoint = proofs.checkpoint
    return receipt_pdf.LogProofs(
        checkpoint_url=(
            url_for("log.checkpoint_at", size=checkpoint.size, _external=True)
            if checkpoint is not None
            else None
        ),
        proofs=proofs,
        fresh_urls={
            entry_id: url_for("log.entry_proof", entry_id=entry_id, _external=True)
            for entry_id in proofs.by_entry
        },
    )


def _links() -> receipts.StatementLinks:
    return receipts.StatementLinks(current_app.config["SECRET_KEY"])


def _form_page(form: StatementForm, status: int) -> tuple[str, int]:
    return render_template("receipts/statement_form.html", form=form), status


@bp.route("/receipts/statement", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def statement_request() -> Response | tuple[str, int]:
    form = StatementForm()
    if not form.is_submitted():
        year = StatementPeriod.calendar_year(local_today())
        form.start.data, form.end.data = year.start, year.end
        return _form_page(form, 200)
    if not form.validate() or form.start.data is None or form.end.data is None:
        return _form_page(form, 400)
    try:
        period = StatementPeriod.checked(form.start.data, form.end.data)
    except ReceiptRefused as error:
        status = form_error(form, error)
        return _form_page(form, status)
    email = form.email.data or ""
    # Only addresses with orders get mail, so the form cannot be used to mail strangers;
    # the answer is the same either way, so it does not tell who has ordered.
    if receipts.has_orders(db.session(), email, period):
        token = _links().issue(email, period)
        notify.statement_link(db.session(), email, token, period, str(get_locale() or "ko"))
        db.session.commit()
    flash(
        _(
            "If there are paid orders for this address in that period, we have emailed it a "
            "link to the statement. The link works for 7 days."
        ),
        "success",
    )
    return redirect(url_for("receipts.statement_request"))


def _statement(token: str) -> receipts.DonationStatement:
    try:
        if len(token) > MAX_TOKEN_LENGTH:
            raise BadStatementLink("statement.link_invalid")
        wanted = _links().read(token)
    except BadStatementLink as error:
        if error.code == "statement.link_expired":
            _refuse(410, _("This statement link has expired"), describe(error))
        _refuse(400, _("This statement link does not work"), describe(error))
    currency = current_app.config["SHOP_CURRENCY"]
    return receipts.statement_for(db.session(), wanted.email, wanted.period, currency)


@bp.get("/receipts/statement/<token>")
def statement(token: str) -> Response:
    page = render_template(
        "receipts/statement.html",
        statement=_statement(token),
        token=token,
        note=in_both_languages(NOT_A_TAX_RECEIPT),
    )
    return _private(Response(page, mimetype="text/html"))


@bp.get("/receipts/statement/<token>/pdf")
def statement_pdf(token: str) -> Response:
    found = _statement(token)
    content = receipt_pdf.statement(found, in_both_languages(NOT_A_TAX_RECEIPT))
    name = f"sangsaeng-statement-{found.period.start:%Y%m%d}-{found.period.end:%Y%m%d}.pdf"
    return _pdf(content, name)
