"""The operator page: decide which ventures may sell."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from storefront.extensions import db
from storefront.models import Venture, utcnow
from storefront.services import ventures
from storefront.web.forms import ReviewForm
from storefront.web.guards import operator_required

bp = Blueprint("operator", __name__, url_prefix="/operator")


@bp.get("/ventures")
@operator_required
def venture_list() -> str:
    return render_template(
        "operator/ventures.html", ventures=ventures.pending_first(db.session()), form=ReviewForm()
    )


@bp.post("/ventures/<id:venture_id>/review")
@operator_required
def review(venture_id: int) -> Response | tuple[str, int]:
    venture = db.session.get(Venture, venture_id)
    if venture is None:
        abort(404)
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
