"""The 찜 page: saved products and followed ventures; save, remove, follow, unfollow, and
the back-in-stock emails' requests and unsubscribe link.

Every change is a POST form with its CSRF token that works without JavaScript and goes back to
a ``next`` path on this site. The product and venture pages are cached for everyone, so they
only carry a plain "save"/"follow" button; whether this shopper saved or follows it shows in
the answer (a flashed message) and on this page, which is never cached.
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
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField
from wtforms.validators import AnyOf

from storefront.domain.errors import WishlistRefused
from storefront.extensions import db, limiter
from storefront.services import wishlist
from storefront.web.forms import EmptyForm
from storefront.web.helpers import safe_next
from storefront.web.messages import describe, refusal_status

bp = Blueprint("wishlist", __name__, url_prefix="/wishlist")
SESSION_KEY = "saved"


class AlertForm(FlaskForm):
    """Ask for, or stop, the back-in-stock email of a saved product."""

    want = HiddenField(validators=[AnyOf(["on", "off"])])


def _locale() -> str:
    return str(get_locale() or "ko")


def _session_ids() -> list[int]:
    return wishlist.session_ids(session.get(SESSION_KEY))


def _keep_session_ids(ids: list[int]) -> None:
    if ids:
        session[SESSION_KEY] = ids
    else:
        session.pop(SESSION_KEY, None)


def _back(fallback: str = "wishlist.show") -> Response:
    return redirect(safe_next(request.args.get("next"), url_for(fallback)))


def _checked() -> None:
    """Refuse a form without its CSRF token (400)."""
    if not EmptyForm().validate():
        abort(400)


def merge_session_saves(user_id: int) -> None:
    """Move the visitor's session saves into the account signing in (the caller commits)."""
    ids = wishlist.session_ids(session.pop(SESSION_KEY, None))
    wishlist.merge(db.session(), user_id, ids, _locale())


@bp.get("")
def show() -> str:
    signed_in = current_user.is_authenticated
    if signed_in:
        items = wishlist.saved_items(db.session(), current_user.id)
        ventures = wishlist.followed_ventures(db.session(), current_user.id)
    else:
        items, ventures = wishlist.session_items(db.session(), _session_ids()), []
    return render_template(
        "wishlist/show.html",
        items=items,
        ventures=ventures,
        signed_in=signed_in,
        form=EmptyForm(),
        alert_form=AlertForm(),
    )


# One count for saving and removing: each changes a product's count on the cached pages.
_saves = limiter.shared_limit(lambda: current_app.config["SAVE_RATE_LIMIT"], scope="saves")


@bp.post("/products/<id:product_id>")
@_saves
def save(product_id: int) -> Response | tuple[str, int]:
    _checked()
    product = wishlist.saveable_product(db.session(), product_id)
    if product is None:
        abort(404)
    if current_user.is_authenticated:
        saved = wishlist.save(db.session(), current_user.id, product, _locale())
    else:
        try:
            ids = wishlist.save_in_session(db.session(), _session_ids(), product)
        except WishlistRefused as error:
            flash(describe(error), "error")
            return render_template("errors/form.html"), refusal_status(error)
        saved = ids is not None
        if ids is not None:
            _keep_session_ids(ids)
    db.session.commit()
    if saved:
        flash(_("Saved %(title)s to your saved list.", title=product.title), "success")
    else:
        flash(_("%(title)s is already in your saved list.", title=product.title), "info")
    return _back()


@bp.post("/products/<id:product_id>/remove")
@_saves
def remove(product_id: int) -> Response:
    _checked()
    if current_user.is_authenticated:
        removed = wishlist.unsave(db.session(), current_user.id, product_id)
    else:
        ids = wishlist.unsave_in_session(db.session(), _session_ids(), product_id)
        removed = ids is not None
        if ids is not None:
            _keep_session_ids(ids)
    db.session.commit()
    if removed:
        flash(_("Removed from your saved list."), "success")
    return _back()


@bp.post("/products/<id:product_id>/alert")
def alert(product_id: int) -> Response | tuple[str, int]:
    if not current_user.is_authenticated:
        flash(_("Sign in to be emailed when a saved product is back in stock."), "info")
        return redirect(url_for("account.sign_in", next=url_for("wishlist.show")))
    form = AlertForm()
    if not form.validate():
        return render_template("errors/form.html", form=form), 400
    wanted = form.want.data == "on"
    if not wishlist.set_alert(db.session(), current_user.id, product_id, wanted, _locale()):
        abort(404)
    db.session.commit()
    if wanted:
        flash(_("We will email you once when it is back in stock."), "success")
    else:
        flash(_("No back-in-stock email for this product."), "success")
    return _back()


@bp.get("/ventures/<id:venture_id>")
def follow_form(venture_id: int) -> Response | str:
    """The venture page's "Follow" link: sign in first, then one button to follow.

    A link rather than a form on the venture page, which is kept whole for visitors without a
    cookie (``web/bare_pages.py``): a form there would need each visitor's CSRF token."""
    venture = wishlist.followable_venture(db.session(), venture_id)
    if venture is None:
        abort(404)
    if not current_user.is_authenticated:
        flash(_("Sign in to follow %(name)s.", name=venture.name), "info")
        return redirect(url_for("account.sign_in", next=request.full_path.rstrip("?")))
    following = wishlist.follows(db.session(), current_user.id, venture.id)
    return render_template(
        "wishlist/follow.html", venture=venture, following=following, form=EmptyForm()
    )


@bp.post("/ventures/<id:venture_id>")
def follow(venture_id: int) -> Response:
    _checked()
    venture = wishlist.followable_venture(db.session(), venture_id)
    if venture is None:
        abort(404)
    if not current_user.is_authenticated:
        flash(_("Sign in to follow %(name)s.", name=venture.name), "info")
        return redirect(url_for("account.sign_in", next=url_for("shop.venture", slug=venture.slug)))
    followed = wishlist.follow(db.session(), current_user.id, venture)
    db.session.commit()
    if followed:
        flash(_("You follow %(name)s.", name=venture.name), "success")
    else:
        flash(_("You already follow %(name)s.", name=venture.name), "info")
    return _back()


@bp.post("/ventures/<id:venture_id>/remove")
def unfollow(venture_id: int) -> Response:
    _checked()
    if not current_user.is_authenticated:
        return redirect(url_for("account.sign_in", next=url_for("wishlist.show")))
    if wishlist.unfollow(db.session(), current_user.id, venture_id):
        db.session.commit()
        flash(_("You no longer follow that venture."), "success")
    return _back()


def _tokens() -> wishlist.AlertTokens:
    return wishlist.AlertTokens(current_app.config["SECRET_KEY"])


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> str | tuple[str, int]:
    """The back-in-stock emails' link: GET asks, POST stops every such email of the account."""
    user_id = _tokens().user_id(token)
    if user_id is None:
        abort(404)
    form = EmptyForm()
    if request.method == "GET":
        return render_template("wishlist/unsubscribe.html", form=form, done=False)
    if not form.validate():
        return render_template("wishlist/unsubscribe.html", form=form, done=False), 400
    wishlist.stop_alerts(db.session(), user_id)
    db.session.commit()
    return render_template("wishlist/unsubscribe.html", form=form, done=True)
