"""A shopper's returns and exchanges: ask for one from the order page, follow its steps.

Reached like the order page (``access.order_or_404``: the order's token, or this browser's
session); anyone else gets a 404. The photos sent are served only through these routes and
the venture's.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import MultipleFileField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from storefront.domain.errors import DomainError
from storefront.extensions import db
from storefront.models import Order, Refund, ReturnRequest, utcnow
from storefront.models.returns import RETURN_KINDS, RETURN_REASONS
from storefront.services import images, returns
from storefront.web import access
from storefront.web.common import return_photos_root, return_rules
from storefront.web.helpers import RETURN_KIND_LABELS, RETURN_REASON_LABELS
from storefront.web.messages import form_error

bp = Blueprint("returns", __name__, url_prefix="/orders/<number>/returns")


class ReturnForm(FlaskForm):
    # Only the order's returnable lines are choices: anything else (a huge number too) is refused.
    line = SelectField(_l("Item"), coerce=int, choices=[], validate_choice=True)
    kind = RadioField(
        _l("What would you like?"),
        choices=[],
        validators=[InputRequired(_l("Choose a return or an exchange."))],
    )
    reason = SelectField(
        _l("Reason"),
        choices=[],
        validators=[InputRequired(_l("Choose a reason from the list."))],
    )
    note = TextAreaField(_l("Tell the venture more (optional)"), validators=[Length(max=1000)])
    images = MultipleFileField(_l("Photos (optional, up to 3; JPEG, PNG, WebP or GIF)"))


def _form(order: Order, **kwargs: Any) -> ReturnForm:
    form = ReturnForm(**kwargs)
    form.line.choices = [(line.id, line.title) for line in order.lines]
    form.kind.choices = [(k, str(RETURN_KIND_LABELS[k])) for k in RETURN_KINDS]
    form.reason.choices = [(r, str(RETURN_REASON_LABELS[r])) for r in RETURN_REASONS]
    return form


def _order(number: str) -> Order:
    order = access.order_or_404(number, request.args.get("token"))
    access.remember(order)
    return order


def _new_page(order: Order, form: ReturnForm, status: int = 200) -> tuple[str, int]:
    rules, now = return_rules(), utcnow()
    asked = {r.order_line_id for r in returns.of_order(db.session(), order.id) if r.is_open}
    eligible = [
        line
        for line in order.lines
        if returns.may_request(line, rules, now) and line.id not in asked
    ]
    if form.line.data is None and eligible:
        form.line.data = eligible[0].id
    page = render_template(
        "returns/new.html", order=order, form=form, eligible=eligible, rules=rules
    )
    return page, status


@bp.get("/new")
def new(number: str) -> tuple[str, int]:
    order = _order(number)
    form = _form(order, formdata=None)
    form.line.data = request.args.get("line", type=int)
    return _new_page(order, form)


@bp.post("/new")
def create(number: str) -> Response | tuple[str, int]:
    order = _order(number)
    form = _form(order)
    if not form.validate():
        return _new_page(order, form, 400)
    files = [f for f in request.files.getlist("images") if f and f.filename]
    uploads = [images.Upload(f.filename or "", f.stream) for f in files]
    try:
        found = returns.request(
            db.session(), order, form.line.data or 0, form.kind.data or "",
            form.reason.data or "", form.note.data or "", uploads,
            return_photos_root(), return_rules(), utcnow(),
        )  # fmt: skip
    except DomainError as error:
        db.session.rollback()
        status = form_error(form, error, fallback="line")
        return _new_page(order, form, status)
    db.session.commit()
    flash(_("Your request is sent. We will email you at each step."), "success")
    return redirect(
        url_for("returns.show", number=order.number, request_id=found.id, token=_token())
    )


def _token() -> str | None:
    return request.args.get("token") or None


def _request_or_404(order: Order, request_id: int) -> ReturnRequest:
    found = returns.order_request(db.session(), order.id, request_id)
    if found is None:
        abort(404)
    return found


@bp.get("/<id:request_id>")
def show(number: str, request_id: int) -> str:
    order = _order(number)
    found = _request_or_404(order, request_id)
    return render_template(
        "returns/show.html",
        order=order,
        req=found,
        steps=returns.timeline(found),
        refunded=_refunded(found),
        refund_due=returns.refund_due(found.line, found.reason, return_rules().shipping_fee),
        token=_token(),
    )


@bp.get("/<id:request_id>/photos/<id:photo_id>")
def photo(number: str, request_id: int, photo_id: int) -> Response:
    order = _order(number)
    found = _request_or_404(order, request_id)
    path = returns.photo_path(db.session(), found, photo_id)
    if path is None:
        abort(404)
    return private_photo(path)


def _refunded(found: ReturnRequest) -> int:
    made = db.session.get(Refund, found.refund_id) if found.refund_id else None
    return made.amount if made else 0


def private_photo(path: str) -> Response:
    """Send a return photo to someone allowed to see it, and to no cache in between."""
    response = send_from_directory(return_photos_root(), path, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
