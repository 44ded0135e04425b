"""Keep the secrets in links out of access logs.

Order, receipt and checkout links carry ``?token=`` (and the provider's ``session_id``);
password-reset, invitation, statement and test-payment links carry a token in the path.
Whoever reads the logs must not be able to open them. ``redact`` is the one function that
hides them: ``RedactTokens`` applies it to werkzeug's access log here, and the gunicorn
access log of the deployment profile calls it on the request line, path and query.
"""

from __future__ import annotations

import logging
import re

from flask import Flask

REDACTED = "[redacted]"
_QUERY = re.compile(r"([?&](?:token|session_id)=)[^&#\s\"]*", re.IGNORECASE)
_PATH = re.compile(
    r"(/(?:account/reset|test-pay|receipts/statement|seller/invitations)/)[^/?#\s\"]+"
)


def redact(path: str) -> str:
    """Return ``path`` (a path, a URL or a whole request line) with every token replaced by
    ``[redacted]``: the values of ``token`` and ``session_id`` in the query, and the token
    segment of reset, invitation, statement and test-payment links."""
    return _PATH.sub(rf"\g<1>{REDACTED}", _QUERY.sub(rf"\g<1>{REDACTED}", path))


class RedactTokens(logging.Filter):
    """A logging filter that redacts the message and its string arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def init_app(app: Flask) -> None:
    """Redact werkzeug's access log (the development server's) once per process."""
    access = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactTokens) for f in access.filters):
        access.addFilter(RedactTokens())
