"""Error pages: every refusal is a clear message with a 4xx, never a bare stack trace."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def _page(status: int, title: str, message: str) -> tuple[str, int]:
    return render_template("errors/error.html", title=title, message=message), status


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

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int]:
        return _page(
            500,
            _("Something went wrong"),
            _("Nothing was charged twice. Please try again in a moment."),
        )
