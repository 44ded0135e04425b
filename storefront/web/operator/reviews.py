"""Reported reviews: an operator hides one (gone from every page and count) or keeps it, and
restores one hidden by mistake."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from storefront.extensions import db
from storefront.models import Review, utcnow
from storefront.services import reviews
from storefront.web.forms import EmptyForm
from storefront.web.guards import operator_required
from storefront.web.reviews import REPORT_REASON_LABELS

bp = Blueprint("reviews", __name__, url_prefix="/reviews")


@bp.get("")
@operator_required
def index() -> str:
    session = db.session()
    reported = reviews.reported(session)
    hidden = reviews.hidden_reviews(session)
    return render_template(
        "operator/reviews.html",
        reported=reported,
        hidden=hidden,
        photos=reviews.photos_of(session, [r.review.id for r in reported]),
        reasons=REPORT_REASON_LABELS,
        form=EmptyForm(),
    )


def _review_or_404(review_id: int) -> Review:
    if not EmptyForm().validate():
        abort(400)
    return db.get_or_404(Review, review_id)


@bp.post("/<id:review_id>/hide")
@operator_required
def hide(review_id: int) -> Response:
    review = _review_or_404(review_id)
    reviews.hide(db.session(), review, utcnow())
    db.session.commit()
    flash(_("The review is hidden."), "success")
    return redirect(url_for(".index"))


@bp.post("/<id:review_id>/restore")
@operator_required
def restore(review_id: int) -> Response:
    review = _review_or_404(review_id)
    reviews.restore(db.session(), review, utcnow())
    db.session.commit()
    flash(_("The review is shown."), "success")
    return redirect(url_for(".index"))
