"""Error pages: every refusal is a clear message with a 4xx, never a bare stack trace."""

from __future__ import annotations

import logging

from flask import Flask, Response, abort, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException, SecurityError

from storefront.extensions import db, login_manager
from storefront.web.logs import request_id

log = logging.getLogger(__name__)


def refuse_nul_bytes() -> None:
    """Answer 400 to NUL characters in the URL or a form: no database stores them in text."""
    if request.path.startswith("/webhooks/"):
        return  # the webhook reads its raw body and verifies it before parsing anything
    values = [request.path]
    query = request.query_string
    if b"%00" in query or b"\x00" in query:  # else no argument can hold one: none to decode
        values += request.args.values()
    if request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        values += request.form.values()
    if any("\x00" in value for value in values):
        abort(400)


def refuse_untrusted_host() -> None:
    """Answer 400 to a request for a host that is not the shop's (``TRUSTED_HOSTS``) before
    anything else runs: no link may be built from such a Host, so no page is rendered."""
    if isinstance(request.routing_exception, SecurityError):
        raise request.routing_exception


def _page(status: int, title: str, message: str) -> tuple[str, int]:
    # A failure of ours carries the request's id, for the shopper to quote and us to find.
    reference = request_id() if status >= 500 else None
    if status >= 500 and "_login_user" not in g:
        # The page must render with the database away: a signed-in user not yet loaded is
        # shown as a visitor rather than loaded (Flask-Login keeps the user in g._login_user).
        g._login_user = login_manager.anonymous_user()
    page = render_template("errors/error.html", title=title, message=message, reference=reference)
    return page, status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> tuple[str, int]:
        return _page(
            400,
            _("This form has expired"),
            _(
                "For your safety the form has to come from this site. "
                "Go back, reload the page and try again."
            ),
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError) -> Response:
        log.warning("refused a request for an untrusted host: %s", error.description)
        message = _("This address does not belong to the shop. Check the link and try again.")
        return Response(message, 400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
        status = error.code or 500
        if request.path.startswith("/webhooks/"):
            return error
        messages = {
            400: (_("Bad request"), _("The request could not be understood.")),
            404: (
                _("Not found"),
                _(
                    "There is nothing here. The link may be old, "
                    "or the product may no longer be for sale."
                ),
            ),
            405: (_("Not allowed"), _("That page cannot be used this way.")),
            413: (_("Too large"), _("What you sent is too large.")),
            429: (_("Too many requests"), _("Please wait a moment and try again.")),
        }
        title, message = messages.get(status, (error.name, error.description or ""))
        return _page(status, title, message)

    @app.errorhandler(DataError)
    def bad_value(error: DataError) -> tuple[str, int]:
        db.session.rollback()
        log.warning("refused a value the database cannot store: %s", error.orig)
        return _page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(OperationalError)
    def busy(error: OperationalError) -> tuple[str, int]:
        db.session.rollback()
        log.error("database unavailable: %s", error.orig)
        return _page(
            503, _("Busy"), _("The shop is busy right now. Nothing was lost; please try again.")
        )

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int]:
        return _page(
            500,
            _("Something went wrong"),
            _("Nothing was charged twice. Please try again in a moment."),
        )
