"""Product questions on the shop side: a product's full list of questions (not cached: the
asker, the venture and the operators read private ones there), asking one, and the asker's
own questions. The product page's shared section is templates/shop/_questions.html."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from storefront.domain.errors import QuestionRefused
from storefront.domain.questions import ANYONE, MAX_QUESTION, Viewer
from storefront.extensions import db, limiter
from storefront.models import Product, utcnow
from storefront.services import catalog, questions
from storefront.services.pagination import Page
from storefront.web.common import page_request
from storefront.web.fields import strip
from storefront.web.guards import signed_in_user
from storefront.web.messages import form_error

bp = Blueprint("questions", __name__)
PER_PAGE = 20
ON_PRODUCT_PAGE = 5  # the newest questions in the product page's own section


class QuestionForm(FlaskForm):
    body = TextAreaField(
        _l("Your question"),
        filters=[strip],
        validators=[
            DataRequired(_l("Write something first.")),
            Length(max=MAX_QUESTION, message=_l("Write at most %(max)d characters.")),
        ],
    )
    private = BooleanField(_l("Private: only you and the seller can read it"))


def viewer() -> Viewer:
    """Who is reading, for ``questions.view``: anyone, or the signed-in user and their roles."""
    if not current_user.is_authenticated:
        return ANYONE
    user = signed_in_user()
    ventures = frozenset(m.venture_id for m in user.memberships)
    return Viewer(user_id=user.id, operator=user.is_operator, venture_ids=ventures)


def product_section(product_id: int) -> Page[questions.QuestionView]:
    """The product page's newest questions as every visitor may see them (the page is shared
    by everyone through the page cache: never a private text, whoever asks)."""
    return questions.newest_for_product(db.session(), product_id, ANYONE, ON_PRODUCT_PAGE)


def _product_or_404(product_id: int) -> Product:
    product = catalog.get_visible_product(db.session(), product_id)
    if product is None:
        abort(404)
    return product


def _list_page(product: Product, form: QuestionForm) -> str:
    page = questions.for_product(db.session(), product.id, viewer(), page_request(), PER_PAGE)
    return render_template("questions/index.html", product=product, page=page, form=form)


@bp.get("/products/<id:product_id>/questions")
def index(product_id: int) -> str:
    return _list_page(_product_or_404(product_id), QuestionForm())


@bp.post("/products/<id:product_id>/questions")
@limiter.limit(lambda: current_app.config["QUESTION_RATE_LIMIT"])
@login_required
def ask(product_id: int) -> Response | tuple[str, int]:
    product = _product_or_404(product_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            question = questions.ask(
                db.session(),
                product,
                signed_in_user(),
                form.body.data or "",
                private=bool(form.private.data),
                locale=str(get_locale() or "ko"),
                now=utcnow(),
            )
        except QuestionRefused as refused:
            return _list_page(product, form), form_error(form, refused, fallback="body")
        db.session.commit()
        flash(_("Your question is posted. We will email you when it is answered."), "success")
        return redirect(url_for(".index", product_id=product.id, _anchor=f"q-{question.id}"))
    return _list_page(product, form), 400


@bp.get("/questions/mine")
@login_required
def mine() -> str:
    page = questions.asked_by(db.session(), signed_in_user().id, page_request(), PER_PAGE)
    me = viewer()
    items: list[tuple[Any, str, int]] = [
        (questions.view(q, me), title, q.product_id) for q, title in page.items
    ]
    return render_template("questions/mine.html", page=page, items=items)
