"""Matching funds: the operator opens them, tops them up, and opens or closes them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from storefront.domain.catalog import CATEGORIES
from storefront.domain.errors import FundError
from storefront.domain.money import percent_to_bp
from storefront.domain.periods import to_utc
from storefront.extensions import db
from storefront.models import MatchingFund, utcnow
from storefront.services import catalog, funds
from storefront.web import messages
from storefront.web.forms import EmptyForm
from storefront.web.guards import operator_required, signed_in_user
from storefront.web.helpers import CATEGORY_LABELS, money
from storefront.web.operator.forms import FundForm, TopUpForm

bp = Blueprint("funds", __name__, url_prefix="/funds")


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


@bp.route("", methods=["GET", "POST"])
@operator_required
def index() -> Response | tuple[str, int]:
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
        except FundError as refused:
            messages.form_error(form, refused, fallback="budget")
        else:
            db.session.commit()
            flash(_("%(name)s is open.", name=fund.name), "success")
            return redirect(url_for(".show", fund_id=fund.id))
    status = 400 if form.is_submitted() else 200
    page = render_template("operator/funds.html", balances=funds.balances(db.session()), form=form)
    return page, status


@bp.get("/<id:fund_id>")
@operator_required
def show(fund_id: int) -> str:
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


@bp.post("/<id:fund_id>/top-up")
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
    return redirect(url_for(".show", fund_id=fund_id))


@bp.post("/<id:fund_id>/active")
@operator_required
def active(fund_id: int) -> Response:
    item = db.get_or_404(MatchingFund, fund_id)
    if not EmptyForm().validate():
        abort(400)
    item.active = not item.active
    db.session.commit()
    flash(_("The fund is open.") if item.active else _("The fund is closed."), "success")
    return redirect(url_for(".show", fund_id=fund_id))
