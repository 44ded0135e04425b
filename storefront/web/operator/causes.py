"""Causes, the recipients of donations: the operator adds them, edits them, gives them a logo."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from storefront.domain.errors import CauseRefused
from storefront.extensions import db
from storefront.models import Cause
from storefront.services import causes
from storefront.services.images import ImageRefused, Upload
from storefront.web import messages
from storefront.web.common import media_root
from storefront.web.guards import operator_required
from storefront.web.operator.forms import CauseForm

bp = Blueprint("causes", __name__, url_prefix="/causes")


def _cause_input(form: CauseForm) -> causes.CauseInput:
    return causes.CauseInput(
        name=form.name.data or "",
        description=form.description.data or "",
        registration=form.registration.data or "",
        active=bool(form.active.data),
    )


def _save_logo(form: CauseForm, cause: Cause) -> bool:
    """Store the uploaded logo, if any; a picture the shop refuses is said on the logo field."""
    upload = form.logo.data
    if not isinstance(upload, FileStorage) or not upload.filename:
        return True
    try:
        causes.set_logo(db.session(), cause, Upload(upload.filename, upload.stream), media_root())
    except ImageRefused as refused:
        messages.form_error(form, refused, fallback="logo")
        return False
    return True


@bp.route("", methods=["GET", "POST"])
@operator_required
def index() -> Response | tuple[str, int]:
    form = CauseForm()
    if form.validate_on_submit():
        cause = causes.create(db.session(), _cause_input(form))
        if _save_logo(form, cause):
            db.session.commit()
            flash(_("%(name)s is added.", name=cause.name), "success")
            return redirect(url_for(".index"))
        db.session.rollback()
    status = 400 if form.is_submitted() else 200
    page = render_template(
        "operator/causes.html", causes=causes.all_causes(db.session()), form=form
    )
    return page, status


@bp.route("/<id:cause_id>", methods=["GET", "POST"])
@operator_required
def edit(cause_id: int) -> Response | tuple[str, int]:
    cause = db.get_or_404(Cause, cause_id)
    form = CauseForm(obj=cause)
    if form.validate_on_submit():
        try:
            causes.update(db.session(), cause, _cause_input(form))
        except CauseRefused as refused:
            messages.form_error(form, refused)
        else:
            if _save_logo(form, cause):
                db.session.commit()
                flash(_("%(name)s is saved.", name=cause.name), "success")
                return redirect(url_for(".index"))
        db.session.rollback()
    status = 400 if form.is_submitted() else 200
    return render_template("operator/cause_edit.html", cause=cause, form=form), status
