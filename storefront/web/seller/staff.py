"""A venture's staff: the owner invites people by email and removes them; invitees accept."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from storefront import sqlite
from storefront.domain.errors import StaffRefused
from storefront.extensions import db, limiter
from storefront.models import utcnow
from storefront.services import notify, ventures
from storefront.web.forms import EmptyForm
from storefront.web.guards import membership_or_404, signed_in_user
from storefront.web.messages import describe, refusal_status
from storefront.web.seller.forms import InviteForm

bp = Blueprint("staff", __name__)


def _invitations() -> ventures.Invitations:
    return ventures.Invitations(current_app.config["SECRET_KEY"])


@bp.route("/ventures/<id:venture_id>/staff", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
@login_required
def index(venture_id: int) -> Response | tuple[str, int]:
    venture = membership_or_404(venture_id, owner=True).venture
    form = InviteForm()
    if form.validate_on_submit():
        email = form.email.data or ""
        try:
            token = _invitations().issue(venture, email)
        except StaffRefused as error:
            flash(describe(error), "error")
            return redirect(url_for("seller.staff.index", venture_id=venture_id))
        notify.staff_invitation(db.session(), email, venture.name, token, str(get_locale() or "ko"))
        db.session.commit()
        flash(_("Invitation sent to %(email)s.", email=email), "success")
        return redirect(url_for("seller.staff.index", venture_id=venture_id))
    page = render_template(
        "seller/staff.html",
        venture=venture,
        members=ventures.members_of(db.session(), venture_id),
        form=form,
        remove_form=EmptyForm(),
    )
    return page, 400 if form.is_submitted() else 200


@bp.post("/ventures/<id:venture_id>/staff/<id:member_id>/remove")
@login_required
def remove_staff(venture_id: int, member_id: int) -> Response:
    membership_or_404(venture_id, owner=True)
    member = next(
        (m for m in ventures.members_of(db.session(), venture_id) if m.id == member_id), None
    )
    if member is None or not EmptyForm().validate():
        abort(404)
    name = member.user.name
    try:
        ventures.remove_member(db.session(), member)
    except StaffRefused as error:
        flash(describe(error), "error")
        return redirect(url_for("seller.staff.index", venture_id=venture_id))
    db.session.commit()
    flash(_("%(name)s no longer has access.", name=name), "success")
    return redirect(url_for("seller.staff.index", venture_id=venture_id))


@bp.get("/invitations/<token>")
@sqlite.writes  # the emailed link adds the membership
@login_required
def accept_invitation(token: str) -> Response | tuple[str, int]:
    try:
        membership = _invitations().accept(db.session(), token, signed_in_user(), utcnow())
    except StaffRefused as error:
        page = render_template("errors/error.html", title=_("Invitation"), message=describe(error))
        return page, refusal_status(error)
    db.session.commit()
    flash(_("You now help run %(name)s.", name=membership.venture.name), "success")
    return redirect(url_for("seller.venture.overview", venture_id=membership.venture_id))
