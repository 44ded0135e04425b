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


# The headers every response gets unless the view set its own, by lower-cased name.
PAGE_HEADERS = (
    ("content-security-policy", "Content-Security-Policy", PAGE_POLICY),
    ("x-content-type-options", "X-Content-Type-Options", "nosniff"),
    ("x-frame-options", "X-Frame-Options", "DENY"),  # frame-ancestors for older browsers
    ("referrer-policy", "Referrer-Policy", "strict-origin-when-cross-origin"),
)
DOCUMENT_HEADERS = (
    ("content-security-policy", "Content-Security-Policy", DOCUMENT_POLICY),
    *PAGE_HEADERS[1:],
)


def add_security_headers(response: Response) -> Response:
    """Set the shop's security headers on ``response``, keeping any a view chose itself.

    One pass over the response's headers rather than a search of them for each one set
    (``setdefault``), and the content type read as sent rather than parsed (``mimetype``):
    this runs on every response."""
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    pdf = headers.get("Content-Type", "").lower().startswith("application/pdf")
    for lowered, name, value in DOCUMENT_HEADERS if pdf else PAGE_HEADERS:
        if lowered not in present:
            headers.add(name, value)
    max_age = current_app.config.get("HSTS_MAX_AGE") or 0
    if max_age and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", f"max-age={max_age}")
    return response
