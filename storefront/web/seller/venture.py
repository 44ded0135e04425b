"""The seller page's home: the dashboard, applying to sell, a venture's overview and settings
(its giving rate and default cause)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from storefront.domain.catalog import MISSIONS
from storefront.domain.errors import ApplicationRefused, ListingRefused
from storefront.domain.money import format_rate_bp, percent_to_bp
from storefront.extensions import db
from storefront.models import Venture, utcnow
from storefront.services import causes, listings, ventures
from storefront.web.guards import membership_or_404, signed_in_user
from storefront.web.helpers import MISSION_LABELS
from storefront.web.messages import form_error
from storefront.web.seller.forms import DefaultCauseForm, GivingRateForm, VentureApplicationForm

bp = Blueprint("venture", __name__)


@bp.get("")
@login_required
def dashboard() -> str:
    return render_template(
        "seller/dashboard.html", memberships=ventures.memberships_of(db.session(), signed_in_user())
    )


@bp.route("/apply", methods=["GET", "POST"])
@login_required
def apply() -> Response | tuple[str, int]:
    form = VentureApplicationForm()
    form.mission.choices = [(m, str(MISSION_LABELS[m])) for m in MISSIONS]
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("seller/apply.html", form=form), status
    application = ventures.Application(
        name=form.name.data or "",
        registration_number=form.registration_number.data or "",
        mission=form.mission.data or "",
        region=form.region.data or "",
        story=form.story.data or "",
        contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "",
    )
    try:
        venture = ventures.apply(db.session(), signed_in_user(), application, utcnow())
    except ApplicationRefused as error:
        db.session.rollback()
        status = form_error(form, error, fallback="mission")
        return render_template("seller/apply.html", form=form), status
    db.session.commit()
    flash(_("Thank you! %(name)s is waiting for review.", name=venture.name), "success")
    return redirect(url_for("seller.venture.overview", venture_id=venture.id))


@bp.get("/ventures/<id:venture_id>")
@login_required
def overview(venture_id: int) -> str:
    membership = membership_or_404(venture_id)
    return render_template(
        "seller/venture.html",
        membership=membership,
        venture=membership.venture,
        low_stock=listings.low_stock(db.session(), venture_id),
    )


def _bounds() -> listings.GivingBounds:
    cfg = current_app.config
    return listings.GivingBounds(cfg["GIVING_RATE_MIN_BP"], cfg["GIVING_RATE_MAX_BP"])


def _cause_form(venture: Venture) -> DefaultCauseForm:
    form = DefaultCauseForm(cause=str(venture.default_cause_id))
    form.cause.choices = [(str(c.id), c.name) for c in causes.active_causes(db.session())]
    return form


@bp.route("/ventures/<id:venture_id>/settings", methods=["GET", "POST"])
@login_required
def settings(venture_id: int) -> Response | tuple[str, int]:
    venture = membership_or_404(venture_id, owner=True).venture
    bounds = _bounds()
    form = GivingRateForm(rate=format_rate_bp(venture.giving_rate_bp))
    context = {
        "form": form,
        "venture": venture,
        "bounds": bounds,
        "cause_form": _cause_form(venture),
    }
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("seller/settings.html", **context), status
    rate_bp = percent_to_bp(form.rate.data or "0")
    try:
        listings.set_giving_rate(db.session(), venture, rate_bp, bounds)
    except ListingRefused as error:
        status = form_error(form, error, fallback="rate")
        return render_template("seller/settings.html", **context), status
    db.session.commit()
    flash(_("From now on, every sale gives %(rate)s%%.", rate=format_rate_bp(rate_bp)), "success")
    return redirect(url_for("seller.venture.overview", venture_id=venture_id))


@bp.post("/ventures/<id:venture_id>/cause")
@login_required
def default_cause(venture_id: int) -> Response | tuple[str, int]:
    """Choose the cause the venture's sales give to when the shopper leaves the choice to it."""
    venture = membership_or_404(venture_id, owner=True).venture
    form = _cause_form(venture)
    if form.validate():
        causes.set_default(db.session(), venture, int(form.cause.data))
        db.session.commit()
        flash(
            _("From now on, your sales give to %(cause)s.", cause=venture.default_cause.name),
            "success",
        )
        return redirect(url_for("seller.venture.settings", venture_id=venture_id))
    rate_form = GivingRateForm(formdata=None, rate=format_rate_bp(venture.giving_rate_bp))
    context = {"form": rate_form, "venture": venture, "bounds": _bounds(), "cause_form": form}
    return render_template("seller/settings.html", **context), 400
