"""The operator's view of the job queue: what is waiting, what failed, and a retry.

A job (today: an email) that failed every attempt stays ``failed`` in the outbox until an
operator retries it here; the retry gives it a fresh set of attempts.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from storefront.extensions import db
from storefront.models import Job, utcnow
from storefront.services import jobs
from storefront.web.guards import operator_required
from storefront.web.operator.forms import RetryForm

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.get("")
@operator_required
def index() -> str:
    session = db.session()
    return render_template(
        "operator/jobs.html",
        failed=jobs.failed(session),
        stats=jobs.stats(session),
        form=RetryForm(),
    )


@bp.post("/<uuid:job_id>/retry")
@operator_required
def retry(job_id: uuid.UUID) -> Response:
    if not RetryForm().validate_on_submit():
        abort(400)
    job = db.get_or_404(Job, job_id)
    if jobs.retry(db.session(), job, utcnow()):
        db.session.commit()
        flash(_("The job will be tried again."), "success")
    else:
        flash(_("This job is not waiting for a retry."), "warning")
    return redirect(url_for(".index"))
