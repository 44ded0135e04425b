"""A venture's product questions: the list (unanswered first) and answering one, once, with
later edits of the answer. The asker is emailed on the first answer."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from storefront.domain.errors import QuestionRefused
from storefront.domain.questions import MAX_ANSWER
from storefront.extensions import db
from storefront.models import Question, Venture, utcnow
from storefront.services import questions
from storefront.web.common import page_request
from storefront.web.fields import strip
from storefront.web.guards import membership_or_404, signed_in_user
from storefront.web.messages import describe, refusal_status

bp = Blueprint("questions", __name__, url_prefix="/ventures/<id:venture_id>/questions")
PER_PAGE = 30


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("Answer"),
        filters=[strip],
        validators=[
            DataRequired(_l("Write something first.")),
            Length(max=MAX_ANSWER, message=_l("Write at most %(max)d characters.")),
        ],
    )


def _page(venture: Venture, failed: tuple[int, str, str] | None = None) -> str:
    """The questions page; ``failed`` is (question id, the text sent, why it was refused)."""
    page = questions.for_venture(db.session(), venture.id, page_request(), PER_PAGE)
    return render_template(
        "seller/questions.html", venture=venture, page=page, form=AnswerForm(), failed=failed
    )


@bp.get("")
@login_required
def index(venture_id: int) -> str:
    return _page(membership_or_404(venture_id).venture)


@bp.post("/<id:question_id>/answer")
@login_required
def answer(venture_id: int, question_id: int) -> Response | tuple[str, int]:
    venture = membership_or_404(venture_id).venture
    question = db.session.get(Question, question_id)
    if question is None or question.venture_id != venture_id or question.hidden:
        abort(404)  # another venture's question, or one an operator hid
    form = AnswerForm()
    if not form.validate_on_submit():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        why = errors[0] if errors else _("Write something first.")
        return _page(venture, (question_id, form.answer.data or "", why)), 400
    try:
        first = questions.answer(
            db.session(), question, signed_in_user(), form.answer.data or "", utcnow()
        )
    except QuestionRefused as refused:
        db.session.rollback()
        status = refusal_status(refused)
        return _page(venture, (question_id, form.answer.data or "", describe(refused))), status
    db.session.commit()
    flash(_("Answer posted; the asker gets an email.") if first else _("Answer saved."), "success")
    return redirect(url_for(".index", venture_id=venture_id, _anchor=f"q-{question_id}"))
