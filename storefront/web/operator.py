"""The operator pages: ventures to review, causes, matching funds, refunds, payouts."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from storefront.domain.catalog import CATEGORIES
from storefront.domain.money import percent_to_bp
from storefront.domain.periods import to_utc
from storefront.extensions import db
from storefront.models import Cause, MatchingFund, Order, Payout, Venture, utcnow
from storefront.payments import PaymentError
from storefront.services import catalog, causes, funds, ledger, payouts, refunds, ventures
from storefront.services.images import ImageRefused, Upload
from storefront.web.common import media_root, provider
from storefront.web.forms import (
    CauseForm,
    CorrectionForm,
    EmptyForm,
    FundForm,
    PayoutForm,
    RefundForm,
    ReviewForm,
    TopUpForm,
)
from storefront.web.guards import operator_required, signed_in_user
from storefront.web.helpers import CATEGORY_LABELS, money
from storefront.web.messages import describe

bp = Blueprint("operator", __name__, url_prefix="/operator")


@bp.get("")
@operator_required
def home() -> Response:
    """The operator's start page is the ventures waiting for review."""
    return redirect(url_for("operator.venture_list"))


@bp.get("/ventures")
@operator_required
def venture_list() -> str:
    return render_template(
        "operator/ventures.html", ventures=ventures.pending_first(db.session()), form=ReviewForm()
    )


@bp.post("/ventures/<id:venture_id>/review")
@operator_required
def review(venture_id: int) -> Response | tuple[str, int]:
    venture = db.get_or_404(Venture, venture_id)
    form = ReviewForm()
    if not form.validate():
        return render_template("errors/form.html", form=form), 400
    approve = bool(form.approve.data)
    try:
        ventures.review(db.session(), venture, approve, form.note.data or "", utcnow())
    except ventures.NotReviewable:
        flash(_("%(name)s is already approved.", name=venture.name), "warning")
        return redirect(url_for("operator.venture_list"))
    db.session.commit()
    message = _("%(name)s is approved.") if approve else _("%(name)s is rejected.")
    flash(message % {"name": venture.name}, "success")
    return redirect(url_for("operator.venture_list"))


# --- causes -------------------------------------------------------------------------------

CAUSE_PROBLEMS = {
    "in_use": lambda: _("Ventures give to this cause by default; move them first."),
    "unknown": lambda: _("Choose one of the causes in the list."),
}


def _cause_input(form: CauseForm) -> causes.CauseInput:
    return causes.CauseInput(
        name=form.name.data or "",
        description=form.description.data or "",
        registration=form.registration.data or "",
        active=bool(form.active.data),
    )


def _save_logo(form: CauseForm, cause: Cause) -> bool:
    upload = form.logo.data
    if not isinstance(upload, FileStorage) or not upload.filename:
        return True
    try:
        causes.set_logo(cause, Upload(upload.filename, upload.stream), media_root())
    except ImageRefused as refused:
        form.logo.errors = [describe(refused)]
        return False
    return True


@bp.route("/causes", methods=["GET", "POST"])
@operator_required
def cause_list() -> Response | tuple[str, int]:
    form = CauseForm()
    if form.validate_on_submit():
        cause = causes.create(db.session(), _cause_input(form))
        if _save_logo(form, cause):
            db.session.commit()
            flash(_("%(name)s is added.", name=cause.name), "success")
            return redirect(url_for("operator.cause_list"))
        db.session.rollback()
    status = 400 if form.is_submitted() else 200
    page = render_template(
        "operator/causes.html", causes=causes.all_causes(db.session()), form=form
    )
    return page, status


@bp.route("/causes/<id:cause_id>", methods=["GET", "POST"])
@operator_required
def edit_cause(cause_id: int) -> Response | tuple[str, int]:
    cause = db.get_or_404(Cause, cause_id)
    form = CauseForm(obj=cause)
    if form.validate_on_submit():
        try:
            causes.update(db.session(), cause, _cause_input(form))
        except causes.CauseRefused as refused:
            form.active.errors = [CAUSE_PROBLEMS[refused.reason]()]
        else:
            if _save_logo(form, cause):
                db.session.commit()
                flash(_("%(name)s is saved.", name=cause.name), "success")
                return redirect(url_for("operator.cause_list"))
        db.session.rollback()
    status = 400 if form.is_submitted() else 200
    return render_template("operator/cause_edit.html", cause=cause, form=form), status


# --- matching funds -----------------------------------------------------------------------

FUND_PROBLEMS = {
    "amounts": lambda: _("Amounts and the rate must be more than zero."),
    "period": lambda: _("The fund must end after it starts."),
}


def _fund_form() -> FundForm:
    form = FundForm()
    form.ventures.choices = [(v.id, v.name) for v in catalog.approved_ventures(db.session())]
    form.categories.choices = [(c, str(CATEGORY_LABELS.get(c, c))) for c in CATEGORIES]
    return form


def _seoul_midnight(day: date | None, *, next_day: bool = False) -> datetime | None:
    """The start of a Seoul calendar day (or of the day after, for an inclusive end)."""
    if day is None:
        return None
    return to_utc(day + timedelta(days=1) if next_day else day)


@bp.route("/funds", methods=["GET", "POST"])
@operator_required
def fund_list() -> Response | tuple[str, int]:
    form = _fund_form()
    if form.validate_on_submit():
        try:
            fund = funds.create(
                db.session(),
                name=form.name.data or "",
                sponsor=form.sponsor.data or "",
                description=form.description.data or "",
                currency=current_app.config["SHOP_CURRENCY"],
                rate_bp=percent_to_bp(form.rate.data or "0"),
                budget=form.budget.data or 0,
                cap_per_order=form.cap_per_order.data or None,
                starts_at=_seoul_midnight(form.starts_on.data),
                ends_at=_seoul_midnight(form.ends_on.data, next_day=True),
                venture_ids=form.ventures.data or [],
                categories=form.categories.data or [],
                recorded_by_id=signed_in_user().id,
                now=utcnow(),
            )
        except funds.FundError as refused:
            form.budget.errors = [FUND_PROBLEMS[refused.reason]()]
        else:
            db.session.commit()
            flash(_("%(name)s is open.", name=fund.name), "success")
            return redirect(url_for("operator.fund", fund_id=fund.id))
    status = 400 if form.is_submitted() else 200
    page = render_template("operator/funds.html", balances=funds.balances(db.session()), form=form)
    return page, status


@bp.get("/funds/<id:fund_id>")
@operator_required
def fund(fund_id: int) -> str:
    item = db.get_or_404(MatchingFund, fund_id)
    return _fund_page(item, TopUpForm())[0]


def _fund_page(item: MatchingFund, form: TopUpForm, status: int = 200) -> tuple[str, int]:
    balance = next(b for b in funds.balances(db.session()) if b.fund.id == item.id)
    top_ups = funds.top_ups(db.session(), item.id)
    page = render_template(
        "operator/fund.html", fund=item, balance=balance, top_ups=top_ups, form=form,
        toggle=EmptyForm(),
    )  # fmt: skip
    return page, status


@bp.post("/funds/<id:fund_id>/top-up")
@operator_required
def top_up(fund_id: int) -> Response | tuple[str, int]:
    item = db.get_or_404(MatchingFund, fund_id)
    form = TopUpForm()
    if not form.validate():
        return _fund_page(item, form, 400)
    funds.top_up(
        db.session(), item, form.amount.data or 0, form.note.data or "", signed_in_user().id,
        utcnow(),
    )  # fmt: skip
    db.session.commit()
    flash(_("The fund has %(left)s left.", left=money(item.remaining, item.currency)), "success")
    return redirect(url_for("operator.fund", fund_id=fund_id))


@bp.post("/funds/<id:fund_id>/active")
@operator_required
def fund_active(fund_id: int) -> Response:
    item = db.get_or_404(MatchingFund, fund_id)
    if not EmptyForm().validate():
        abort(400)
    item.active = not item.active
    db.session.commit()
    flash(_("The fund is open.") if item.active else _("The fund is closed."), "success")
    return redirect(url_for("operator.fund", fund_id=fund_id))


# --- refunds ------------------------------------------------------------------------------

REFUND_PROBLEMS = {
    "not_paid": lambda left: _("Only a paid order can be refunded."),
    "amount": lambda left: _("Enter an amount of at least 1 won."),
    "too_much": lambda left: _(
        "At most %(left)s of this order is left to refund.", left=money(left)
    ),
}


@bp.get("/orders")
@operator_required
def order_search() -> Response | str:
    number = (request.args.get("number") or "").strip().upper()
    if number:
        found = db.session.scalar(select(Order.id).where(Order.number == number))
        if found is not None:
            return redirect(url_for("operator.order", order_id=found))
        flash(_("No order has the number %(number)s.", number=number), "warning")
    recent = refunds.recent_paid(db.session())
    return render_template("operator/orders.html", orders=recent, number=number)


def _order_page(order: Order, form: RefundForm, status: int = 200) -> tuple[str, int]:
    db_session = db.session()
    page = render_template(
        "operator/order.html",
        order=order,
        form=form,
        left=refunds.refundable(db_session, order),
        refund_rows=refunds.of_order(db_session, order.id),
        entries=ledger.order_entries(db_session, order.id),
    )
    return page, status


@bp.get("/orders/<id:order_id>")
@operator_required
def order(order_id: int) -> str:
    item = db.get_or_404(Order, order_id)
    return _order_page(item, RefundForm(key=secrets.token_urlsafe(24)))[0]


@bp.post("/orders/<id:order_id>/refund")
@operator_required
def refund(order_id: int) -> Response | tuple[str, int]:
    item = db.get_or_404(Order, order_id)
    form = RefundForm()
    if not form.validate():
        form.key.data = form.key.data or secrets.token_urlsafe(24)
        return _order_page(item, form, 400)
    key = f"sangsaeng-refund-order-{item.id}-{form.key.data}"
    try:
        done = refunds.refund_order(
            db.session(), provider(), item, form.amount.data or 0, key, form.note.data or "",
            utcnow(),
        )  # fmt: skip
    except refunds.RefundRefused as refused:
        db.session.rollback()
        form.amount.errors = [REFUND_PROBLEMS[refused.reason](refused.left)]
        if not refused.left:  # no refund form on the page: say it above
            flash(form.amount.errors[0], "warning")
        return _order_page(item, form, 409 if refused.reason == "too_much" else 400)
    except PaymentError:
        db.session.rollback()
        flash(_("The payment service refused the refund; nothing was changed."), "error")
        return _order_page(item, form, 502)
    db.session.commit()
    flash(_("%(amount)s is refunded.", amount=money(done.amount, done.currency)), "success")
    return redirect(url_for("operator.order", order_id=order_id))


# --- payouts and balances ----------------------------------------------------------------

PAYOUT_PROBLEMS = {
    "unknown_cause": lambda owed: _("Choose one of the causes in the list."),
    "amount": lambda owed: _("Enter an amount of at least 1 won."),
    "future": lambda owed: _("The payout date cannot be in the future."),
    "too_much": lambda owed: _(
        "The cause is owed %(owed)s; record at most that.", owed=money(owed)
    ),
    "proof_too_large": lambda owed: _("The proof of payment is larger than 5 MB."),
    "proof_type": lambda owed: _(
        "The proof of payment must be a PDF or a JPEG, PNG, WebP or GIF picture."
    ),
    "not_correctable": lambda owed: _("A correction cannot itself be corrected."),
    "already_corrected": lambda owed: _("This payout is already corrected."),
    "why": lambda owed: _("Say why the payout is cancelled."),
}


def _payout_form() -> PayoutForm:
    form = PayoutForm()
    form.cause.choices = [(c.id, c.name) for c in causes.all_causes(db.session())]
    return form


def _balances_page(form: PayoutForm, status: int = 200) -> tuple[str, int]:
    session = db.session()
    rows = payouts.listing(session)
    by_cause, by_venture, by_fund = payouts.balances(session)
    page = render_template(
        "operator/balances.html",
        form=form,
        correction=CorrectionForm(),
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
    return _balances_page(_payout_form())[0]


@bp.post("/payouts")
@operator_required
def record_payout() -> Response | tuple[str, int]:
    form = _payout_form()
    if not form.validate():
        return _balances_page(form, 400)
    upload = form.proof.data
    proof = None
    if isinstance(upload, FileStorage) and upload.filename:
        proof = payouts.ProofFile(upload.filename, upload.stream)
    try:
        row = payouts.record(
            db.session(), form.cause.data, form.amount.data or 0, form.paid_on.data,
            form.bank_reference.data or "", form.note.data or "", proof,
            Path(current_app.config["PAYOUT_PROOFS_ROOT"]), signed_in_user().id,
            current_app.config["SHOP_CURRENCY"], utcnow(),
        )  # fmt: skip
    except payouts.PayoutRefused as refused:
        db.session.rollback()
        problem = PAYOUT_PROBLEMS[refused.reason](refused.outstanding)
        field = form.proof if refused.reason.startswith("proof") else form.amount
        if refused.reason == "future":
            field = form.paid_on
        field.errors = [problem]
        return _balances_page(form, 409 if refused.reason == "too_much" else 400)
    db.session.commit()
    flash(_("The payout of %(amount)s is recorded.", amount=money(row.amount)), "success")
    return redirect(url_for("operator.balances"))


@bp.post("/payouts/<id:payout_id>/correct")
@operator_required
def correct_payout(payout_id: int) -> Response | tuple[str, int]:
    row = db.get_or_404(Payout, payout_id)
    form = CorrectionForm()
    if not form.validate():
        return _balances_page(_payout_form(), 400)
    try:
        payouts.correct(db.session(), row, form.note.data or "", signed_in_user().id, utcnow())
    except payouts.PayoutRefused as refused:
        db.session.rollback()
        flash(PAYOUT_PROBLEMS[refused.reason](0), "warning")
        return redirect(url_for("operator.balances"))
    db.session.commit()
    flash(_("The payout is cancelled by a correcting entry."), "success")
    return redirect(url_for("operator.balances"))
