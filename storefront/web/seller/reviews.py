"""A venture's reviews: the list, hidden ones marked, and the venture's one reply to each."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from storefront.domain.errors import ReviewRefused
from storefront.extensions import db
from storefront.models import Venture, utcnow
from storefront.services import reviews
from storefront.web.guards import membership_or_404, signed_in_user
from storefront.web.messages import describe, refusal_status
from storefront.web.seller.forms import ReplyForm

bp = Blueprint("reviews", __name__, url_prefix="/ventures/<id:venture_id>/reviews")
PER_PAGE = 20
MAX_PAGE = 10_000  # an offset any database takes: past the reviews, just an empty page


def _list_page(venture: Venture, form: ReplyForm, status: int = 200) -> tuple[str, int]:
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    found = reviews.of_venture(db.session(), venture.id, page, PER_PAGE)
    items = found[:PER_PAGE]
    return render_template(
        "seller/reviews.html",
        venture=venture,
        items=items,
        photos=reviews.photos_of(db.session(), [r.id for r in items]),
        rating=reviews.rating_of(db.session(), reviews.VENTURE, venture.id),
        page=page,
        has_next=len(found) > PER_PAGE,
        form=form,
    ), status


@bp.get("")
@login_required
def index(venture_id: int) -> tuple[str, int]:
    return _list_page(membership_or_404(venture_id).venture, ReplyForm())


@bp.post("/<id:review_id>/reply")
@login_required
def reply(venture_id: int, review_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    review = reviews.venture_review(db.session(), venture_id, review_id)
    if review is None:
        abort(404)
    form = ReplyForm()
    if not form.validate():
        flash(_("Write a reply of 1 to 1000 characters."), "error")
        return _list_page(membership.venture, form, 400)
    try:
        reviews.reply(db.session(), review, form.text.data or "", signed_in_user().id, utcnow())
    except ReviewRefused as error:
        db.session.rollback()
        flash(describe(error), "error")
        return _list_page(membership.venture, form, refusal_status(error))
    db.session.commit()
    flash(_("Your reply is posted."), "success")
    return redirect(url_for(".index", venture_id=venture_id))
