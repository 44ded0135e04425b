"""The seller page: a venture's staff run their shop here (listings, orders and numbers follow)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from storefront.domain.catalog import MISSIONS
from storefront.extensions import db
from storefront.models import utcnow
from storefront.services import ventures
from storefront.web.forms import VentureApplicationForm
from storefront.web.guards import membership_or_404, signed_in_user
from storefront.web.helpers import MISSION_LABELS

bp = Blueprint("seller", __name__, url_prefix="/seller")

APPLICATION_PROBLEMS = {
    "registration_number": lambda: _("That business registration number does not check out."),
    "registration_number_taken": lambda: _(
        "A venture with this registration number already applied."
    ),
    "mission": lambda: _("Choose a social mission from the list."),
    "no_cause": lambda: _("The shop is not ready for applications yet. Please try again later."),
}


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
    except ventures.InvalidApplication as error:
        db.session.rollback()
        field = form.registration_number if error.field.startswith("registration") else form.mission
        field.errors = [APPLICATION_PROBLEMS[error.field]()]
        return render_template(
            "seller/apply.html", form=form
        ), 409 if "taken" in error.field else 400
    db.session.commit()
    flash(_("Thank you! %(name)s is waiting for review.", name=venture.name), "success")
    return redirect(url_for("seller.venture", venture_id=venture.id))


@bp.get("/ventures/<id:venture_id>")
@login_required
def venture(venture_id: int) -> str:
    membership = membership_or_404(venture_id)
    return render_template("seller/venture.html", membership=membership, venture=membership.venture)
