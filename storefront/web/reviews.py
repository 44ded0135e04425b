"""Shoppers' reviews: the buyer writes one from the order page, anyone reports one.

Who is the buyer is whoever may see the order (``access.order_or_404``: the browser that
placed or looked it up, or a link with its token). The product and venture pages show the
reviews (``review_section``) inside their cached blocks: nothing there is per shopper, and the
report link leads to an uncached form checked when it is posted.
"""

from __future__ import annotations

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
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from storefront.domain.errors import DomainError
from storefront.domain.reviews import masked_name
from storefront.extensions import db, limiter
from storefront.models import Order, OrderLine, utcnow
from storefront.models.reviews import REPORT_REASONS
from storefront.services import images, reviews
from storefront.web import access
from storefront.web.common import media_root
from storefront.web.forms import ReportForm, ReviewForm
from storefront.web.messages import describe, form_error, refusal_status

bp = Blueprint("reviews", __name__)

REPORT_REASON_LABELS = {
    "spam": _l("Spam or advertising"),
    "offensive": _l("Offensive or hateful"),
    "personal_data": _l("Shows someone's personal data"),
    "not_about_product": _l("Not about the product"),
    "other": _l("Something else"),
}
REVIEWS_PER_PAGE = 10


def review_section(scope: str, subject_id: int) -> reviews.Section:
    """The page of reviews a product or venture page shows, from ``?reviews=photo`` and
    ``?reviews_page=N`` (both part of the cached page's key)."""
    return reviews.section(
        db.session(),
        scope,
        subject_id,
        photos_only=request.args.get("reviews") == "photo",
        page=request.args.get("reviews_page", 1, type=int) or 1,
        per_page=REVIEWS_PER_PAGE,
    )


def _line_or_404(order: Order, line_id: int) -> OrderLine:
    line = next((line for line in order.lines if line.id == line_id), None)
    if line is None:
        abort(404)
    return line


def _form_page(order: Order, line: OrderLine, form: ReviewForm, refusal: str = "") -> str:
    return render_template(
        "reviews/write.html",
        order=order,
        line=line,
        form=form,
        refusal=refusal,
        shown_name=masked_name(order.name),
        token=request.args.get("token"),
    )


@bp.route("/orders/<number>/lines/<id:line_id>/review", methods=["GET", "POST"])
def write(number: str, line_id: int) -> Response | tuple[str, int]:
    token = request.args.get("token")
    order = access.order_or_404(number, token)
    line = _line_or_404(order, line_id)
    form = ReviewForm()
    try:
        reviews.check_line(db.session(), line)
    except DomainError as error:
        return _form_page(order, line, form, describe(error)), refusal_status(error)
    if not form.is_submitted():
        return _form_page(order, line, form), 200
    if not form.validate():
        return _form_page(order, line, form), 400
    files = [f for f in request.files.getlist(form.photos.name) if f and f.filename]
    uploads = [images.Upload(f.filename or "", f.stream) for f in files]
    draft = reviews.Draft(rating=form.rating.data or 0, body=form.body.data or "")
    try:
        reviews.write(db.session(), order, line, draft, uploads, media_root(), utcnow())
    except DomainError as error:
        db.session.rollback()
        status = form_error(form, error, fallback="photos")
        return _form_page(order, line, form), status
    db.session.commit()
    flash(_("Thank you for your review."), "success")
    return redirect(url_for("orders.show", number=order.number, token=token))


def _report_form() -> ReportForm:
    form = ReportForm()
    form.reason.choices = [(r, str(REPORT_REASON_LABELS[r])) for r in REPORT_REASONS]
    return form


@bp.get("/reviews/<id:review_id>/report")
def report_form(review_id: int) -> str:
    review = reviews.visible(db.session(), review_id)
    if review is None:
        abort(404)
    return render_template("reviews/report.html", review=review, form=_report_form())


@bp.post("/reviews/<id:review_id>/report")
@limiter.limit(lambda: current_app.config["REVIEW_REPORT_RATE_LIMIT"])
def report(review_id: int) -> Response | tuple[str, int]:
    review = reviews.visible(db.session(), review_id)
    if review is None:
        abort(404)
    form = _report_form()
    if not form.validate():
        return render_template("reviews/report.html", review=review, form=form), 400
    reviews.report(db.session(), review, form.reason.data or "", form.note.data or "", utcnow())
    db.session.commit()
    flash(_("Thank you. Our team will look at this review."), "success")
    return redirect(url_for("shop.product", product_id=review.product_id))
