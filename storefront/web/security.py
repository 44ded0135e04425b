"""Headers that tell the browser what each response may do.

A small ``after_request`` hook rather than Flask-Talisman: the shop needs five fixed headers
and one switch (HSTS in production). Talisman would also redirect to HTTPS and rewrite cookie
flags, which the reverse proxy and ``config.py`` already own, and its nonce machinery is of no
use to a shop without inline script. A view that sets a stricter value keeps it (receipts send
``Referrer-Policy: no-referrer``).
"""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.wrappers import Response

# The pages run one script file (static/print.js) and one stylesheet (static/style.css); no
# template has an inline <script>, an on...= handler or a style= attribute (a test keeps it
# so), hence no 'unsafe-inline' anywhere. form-action is left out: checkout's form answers
# with a redirect to the payment provider's page, which form-action would block.
PAGE_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    )
)
# A PDF is shown by the browser's own viewer, which object-src 'none' can stop; the rest holds.
DOCUMENT_POLICY = "default-src 'self'; frame-ancestors 'none'"


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """Set the shop's security headers on ``response``, keeping any a view chose itself."""
    headers = response.headers
    policy = PAGE_POLICY if response.mimetype != "application/pdf" else DOCUMENT_POLICY
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for older browsers
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    max_age = current_app.config.get("HSTS_MAX_AGE") or 0
    if max_age:
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
    return response
