"""Ventures waiting for review: the operator approves or rejects them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from storefront.extensions import db
from storefront.models import Venture, utcnow
from storefront.services import ventures
from storefront.web.guards import operator_required
from storefront.web.operator.forms import ReviewForm

bp = Blueprint("ventures", __name__, url_prefix="/ventures")


@bp.get("")
@operator_required
def index() -> str:
    return render_template(
        "operator/ventures.html", ventures=ventures.pending_first(db.session()), form=ReviewForm()
    )


@bp.post("/<id:venture_id>/review")
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
        return redirect(url_for(".index"))
    db.session.commit()
    message = _("%(name)s is approved.") if approve else _("%(name)s is rejected.")
    flash(message % {"name": venture.name}, "success")
    return redirect(url_for(".index"))
