"""Logs: a request id on every line, JSON in production, and no secrets from URLs.

Each request gets an id: the caller's ``X-Request-ID`` when it is a sane token (a proxy or
load balancer sets one), else a new one. It goes back in the response's ``X-Request-ID``,
onto every log line written while the request runs, into gunicorn's access line (which
reads the response header) and onto the 500 and 503 pages as the reference to quote.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_app_context, request
from werkzeug.wrappers import Response

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

# Tokens that let a link do something on its own: order and receipt links (``?token=``, and the
# provider's ``session_id``), a password reset, a statement, a staff invitation and the test
# provider's payment page (a token in the path). A log line keeps the shape of the URL and
# loses the secret; ``RedactTokens`` applies this to werkzeug's access log, and
# gunicorn.conf.py to gunicorn's.
REDACTED = "[redacted]"
_QUERY = re.compile(r"((?:^|[?&])(?:token|session_id)=)[^&#\s\"]*", re.IGNORECASE)
_PATH = re.compile(
    r"(/(?:account/reset|test-pay|receipts/statement|seller/invitations)/)[^/?#\s\"]+"
)


_PATH_PARTS = ("/account/reset/", "/test-pay/", "/receipts/statement/", "/seller/invitations/")


def redact(path: str) -> str:
    """Return ``path`` (a path, a query string, a whole request line or a full URL) with every
    token replaced by ``[redacted]``: the values of ``token`` and ``session_id`` in the query,
    and the token segment of reset, invitation, statement and test-payment links."""
    # Every access line passes its atoms here: most hold neither, and a substring test costs
    # a tenth of a regular expression's substitution.
    lowered = path.lower()
    if "token=" in lowered or "session_id=" in lowered:
        path = _QUERY.sub(rf"\g<1>{REDACTED}", path)
    if any(part in path for part in _PATH_PARTS):
        path = _PATH.sub(rf"\g<1>{REDACTED}", path)
    return path


class RedactTokens(logging.Filter):
    """A logging filter that redacts the message and its string arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def request_id() -> str | None:
    """The id of the request being handled, if any."""
    if not has_app_context():
        return None
    return g.get("request_id")


def _take_request_id() -> None:
    given = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = given if SANE_REQUEST_ID.fullmatch(given) else secrets.token_hex(16)


def _give_request_id(response: Response) -> Response:
    if "request_id" not in g:  # a hook before ours refused the request
        _take_request_id()
    response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


class RequestIdFilter(logging.Filter):
    """Put the current request's id on every record a handler writes (``-`` outside one),
    unless the record already carries one (gunicorn's access line passes it along)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, request id, and the
    ``http`` fields of an access line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or "-",
        }
        http = getattr(record, "http", None)
        if http:
            line["http"] = http
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


PLAIN_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def formatter(kind: str) -> logging.Formatter:
    """``json`` or ``plain``."""
    return JsonFormatter() if kind == "json" else logging.Formatter(PLAIN_FORMAT)


def configure(kind: str, level: int = logging.INFO) -> None:
    """Send the root logger's records to stderr as ``kind`` lines, unless a server (gunicorn's
    ``logconfig_dict``) has already given it handlers."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(kind))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)


def init_app(app: Flask) -> None:
    # First of the before-request hooks, so that a request refused by a later one has an id.
    app.before_request_funcs.setdefault(None, []).insert(0, _take_request_id)
    app.after_request(_give_request_id)
    access = logging.getLogger("werkzeug")  # the development server's access log
    if not any(isinstance(f, RedactTokens) for f in access.filters):
        access.addFilter(RedactTokens())
