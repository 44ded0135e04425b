"""The seller page's quarterly impact report: jobs each quarter, and sales before joining.

Registered inside the seller blueprint (endpoints ``seller.impact_report.*``), so every route
here is in the access matrix like the other seller pages. Any member of the venture (owner or
staff) may file.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from storefront.domain.errors import AlreadyReported, ReportRefused
from storefront.domain.impact import (
    FIRST_MONTHS,
    VULNERABLE_GROUPS,
    JobsReport,
    Quarter,
    chosen_quarter,
)
from storefront.domain.periods import local_today
from storefront.extensions import db
from storefront.models import Membership, utcnow
from storefront.services import impact
from storefront.web.guards import membership_or_404, signed_in_user
from storefront.web.messages import describe, form_error, refusal_status
from storefront.web.seller.forms import ImpactReportForm, SalesBeforeForm

bp = Blueprint("impact_report", __name__, url_prefix="/ventures/<id:venture_id>/impact")


def quarter_label(quarter: Quarter) -> str:
    return _("%(year)d Q%(quarter)d", year=quarter.year, quarter=quarter.number)


def _page(
    membership: Membership,
    form: ImpactReportForm,
    sales_form: SalesBeforeForm | None = None,
) -> str:
    venture = membership.venture
    before = impact.sales_before(db.session(), venture.id)
    return render_template(
        "seller/impact.html",
        venture=venture,
        form=form,
        sales_form=sales_form or SalesBeforeForm(formdata=None),
        before=before,
        history=impact.reports_of(db.session(), venture.id),
        first=impact.first_months_of(
            db.session(), venture, before.monthly_sales if before else None, local_today()
        ),
        groups=VULNERABLE_GROUPS,
        first_months=FIRST_MONTHS,
    )


def _report_form(membership: Membership, *, submitted: bool) -> ImpactReportForm:
    quarters = impact.reportable_quarters(membership.venture, local_today())
    choices = [(q.key, quarter_label(q)) for q in quarters]
    if submitted:
        form = ImpactReportForm()
    else:  # prefill with the current report of the chosen quarter, to correct it
        wanted = request.args.get("quarter", choices[0][0] if choices else "")[:10]
        quarter = Quarter.parse(wanted)
        current = (
            impact.current_report(db.session(), membership.venture_id, quarter) if quarter else None
        )
        form = ImpactReportForm(formdata=None, obj=current)
        form.quarter.data = wanted
    form.quarter.choices = choices
    return form


@bp.route("", methods=["GET", "POST"])
@login_required
def show(venture_id: int) -> Response | tuple[str, int] | str:
    membership = membership_or_404(venture_id)
    form = _report_form(membership, submitted=request.method == "POST")
    if not form.validate_on_submit():
        return _page(membership, form), 400 if form.is_submitted() else 200
    try:
        quarter = chosen_quarter(form.quarter.data or "")
        report = JobsReport(
            quarter=quarter,
            total_employees=form.total_employees.data or 0,
            by_group={g: getattr(form, g).data or 0 for g in VULNERABLE_GROUPS},
        )
        impact.file_report(
            db.session(),
            membership.venture,
            signed_in_user(),
            report,
            form.note.data or "",
            utcnow(),
        )
        db.session.commit()
    except ReportRefused as error:
        db.session.rollback()
        status = form_error(form, error, fallback="quarter")
        return _page(membership, form), status
    except IntegrityError:  # someone else filed for this quarter at the same moment
        db.session.rollback()
        form.quarter.errors = [
            _("Another report for this quarter was just filed. Check it below and try again.")
        ]
        return _page(membership_or_404(venture_id), form), 409
    flash(
        _("Thank you: your report for %(quarter)s is filed.", quarter=quarter_label(quarter)),
        "success",
    )
    return redirect(url_for("seller.impact_report.show", venture_id=venture_id))


@bp.post("/sales-before")
@login_required
def sales_before(venture_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    sales_form = SalesBeforeForm()
    report_form = _report_form(membership, submitted=False)
    if not sales_form.validate_on_submit():
        return _page(membership, report_form, sales_form), 400
    try:
        impact.report_sales_before(
            db.session(),
            membership.venture,
            signed_in_user(),
            sales_form.monthly_sales.data or 0,
            utcnow(),
        )
        db.session.commit()
    except ReportRefused as error:
        db.session.rollback()
        status = form_error(sales_form, error, fallback="monthly_sales")
        return _page(membership, report_form, sales_form), status
    except (AlreadyReported, IntegrityError) as error:  # the database refuses a second at once
        db.session.rollback()
        refused = error if isinstance(error, AlreadyReported) else AlreadyReported()
        flash(describe(refused), "warning")
        return _page(membership_or_404(venture_id), report_form), refusal_status(refused)
    flash(_("Thank you: your sales before joining are recorded."), "success")
    return redirect(url_for("seller.impact_report.show", venture_id=venture_id))
