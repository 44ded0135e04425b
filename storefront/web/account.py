"""Accounts for shoppers, venture staff and operators: sign up, sign in and out, verify the
email, reset a password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from storefront.domain.errors import (
    AccountRefused,
    BadResetLink,
    BadVerifyLink,
    VerifyLinkNotYours,
)
from storefront.extensions import db, limiter
from storefront.models import User, utcnow
from storefront.services import accounts, notify, shoppers
from storefront.web.forms import (
    EmptyForm,
    ForgotPasswordForm,
    ResetPasswordForm,
    SignInForm,
    SignUpForm,
)
from storefront.web.guards import signed_in_user
from storefront.web.helpers import safe_next
from storefront.web.messages import form_error
from storefront.web.wishlist import merge_session_saves

bp = Blueprint("account", __name__, url_prefix="/account")


def _tokens() -> accounts.ResetTokens:
    return accounts.ResetTokens(current_app.config["SECRET_KEY"])


def _verify_tokens() -> shoppers.VerifyTokens:
    return shoppers.VerifyTokens(current_app.config["SECRET_KEY"])


def _home(user: User) -> str:
    """Where an account lands after signing in: operators on the operator page, venture staff
    on the seller dashboard, shoppers on My page."""
    if user.is_operator:
        return url_for("operator.ventures.index")
    if user.memberships:
        return url_for("seller.venture.dashboard")
    return url_for("my.orders")


@bp.route("/sign-up", methods=["GET", "POST"])
def sign_up() -> Response | tuple[str, int]:
    form = SignUpForm()
    if not form.validate_on_submit():
        return render_template(
            "account/sign_up.html", form=form
        ), 400 if form.is_submitted() else 200
    try:
        user = accounts.sign_up(
            db.session(), form.email.data or "", form.name.data or "", form.password.data or ""
        )
    except AccountRefused as error:
        status = form_error(form, error)
        return render_template("account/sign_up.html", form=form), status
    shoppers.ask_to_verify(db.session(), user, _verify_tokens(), str(get_locale() or "ko"))
    db.session.commit()
    login_user(user)
    flash(
        _("Welcome! Your account is ready. We have emailed you a link to confirm your email."),
        "success",
    )
    # Someone who came to start a venture carries ``next`` (the seller page) through sign-in.
    return redirect(safe_next(request.args.get("next"), _home(user)))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def sign_in() -> Response | tuple[str, int]:
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template(
            "account/sign_in.html", form=form
        ), 400 if form.is_submitted() else 200
    user = accounts.authenticate(
        db.session(), form.email.data or "", form.password.data or "", utcnow()
    )
    if user is None:
        # The same words whether the email exists or not.
        form.password.errors = [_("That email and password do not match an account.")]
        return render_template("account/sign_in.html", form=form), 401
    merge_session_saves(user.id)  # a visitor's 찜 list joins the account's
    shoppers.claim_guest_orders(db.session(), user)  # guest orders placed since verifying
    db.session.commit()
    login_user(user, remember=bool(form.remember.data))
    return redirect(safe_next(request.args.get("next"), _home(user)))


@bp.get("/verify/<token>")
def verify(token: str) -> Response | tuple[str, int]:
    """Where the emailed link lands: the email is verified, and its guest orders claimed, only
    for the account signed in here (a visitor signs in first and comes back)."""
    if not current_user.is_authenticated:
        flash(_("Sign in to the account to confirm its email."), "warning")
        return redirect(url_for("account.sign_in", next=request.path))
    try:
        shoppers.verify_email(
            db.session(), _verify_tokens(), token[:500], utcnow(), signed_in_user()
        )
    except VerifyLinkNotYours:
        db.session.rollback()
        return render_template("account/verify_not_yours.html"), 403
    except BadVerifyLink:
        db.session.rollback()
        return render_template("account/verify_invalid.html"), 400
    db.session.commit()
    flash(_("Thank you: your email is confirmed."), "success")
    return redirect(url_for("my.orders"))


@bp.post("/verify/resend")
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"])
@login_required
def resend_verification() -> Response:
    if not EmptyForm().validate():
        return redirect(url_for("my.orders"))
    user = signed_in_user()
    shoppers.ask_to_verify(db.session(), user, _verify_tokens(), str(get_locale() or "ko"))
    db.session.commit()
    if user.email_verified_at is None:
        flash(_("We have emailed you a new link to confirm your email."), "success")
    return redirect(url_for("my.orders"))


@bp.post("/sign-out")
@login_required
def sign_out() -> Response:
    if EmptyForm().validate():
        # A copied cookie must not outlive the sign-out; this signs out other browsers too.
        accounts.end_sessions(current_user._get_current_object())
        db.session.commit()
        logout_user()
        flash(_("You are signed out."), "success")
    return redirect(url_for("shop.home"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGN_IN_RATE_LIMIT"], methods=["POST"])
def forgot() -> Response | tuple[str, int]:
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template(
            "account/forgot.html", form=form
        ), 400 if form.is_submitted() else 200
    user = accounts.find_by_email(db.session(), form.email.data or "")
    if user is not None and user.active:
        notify.password_reset(db.session(), user, _tokens().issue(user), str(get_locale() or "ko"))
        db.session.commit()
    # The same answer whether or not the email has an account.
    flash(_("If that email has an account, a link to reset the password is on its way."), "success")
    return redirect(url_for("account.sign_in"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> Response | tuple[str, int]:
    try:
        _tokens().user_for(db.session(), token)
    except BadResetLink:
        return render_template("account/reset_invalid.html"), 400
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return render_template("account/reset.html", form=form), 400 if form.is_submitted() else 200
    try:
        accounts.reset_password(db.session(), _tokens(), token, form.password.data or "")
    except AccountRefused as error:
        status = form_error(form, error)
        return render_template("account/reset.html", form=form), status
    db.session.commit()
    if current_user.is_authenticated:
        logout_user()
    flash(_("Your password is changed. Sign in with the new one."), "success")
    return redirect(url_for("account.sign_in"))
