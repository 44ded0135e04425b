"""Product questions for the operators: every question and answer, hidden ones too, and
hiding (or showing again) a question or an answer that is abuse."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField
from wtforms.validators import AnyOf

from storefront.extensions import db
from storefront.models import Question
from storefront.services import questions
from storefront.web.common import page_request
from storefront.web.guards import operator_required

bp = Blueprint("questions", __name__, url_prefix="/questions")
PER_PAGE = 50


class HideForm(FlaskForm):
    part = HiddenField(validators=[AnyOf(questions.PARTS)])
    hidden = HiddenField(validators=[AnyOf(("1", "0"))])


@bp.get("")
@operator_required
def index() -> str:
    page = questions.everything(db.session(), page_request(), PER_PAGE)
    return render_template("operator/questions.html", page=page, form=HideForm())


@bp.post("/<id:question_id>/hide")
@operator_required
def hide(question_id: int) -> Response:
    question = db.get_or_404(Question, question_id)
    form = HideForm()
    if not form.validate_on_submit():
        abort(400)
    hidden = form.hidden.data == "1"
    questions.set_hidden(db.session(), question, form.part.data or "", hidden)
    db.session.commit()
    if form.part.data == "answer":
        flash(_("The answer is hidden.") if hidden else _("The answer is shown again."), "success")
    else:
        done = _("The question is hidden.") if hidden else _("The question is shown again.")
        flash(done, "success")
    return redirect(url_for(".index", _anchor=f"q-{question_id}"))
