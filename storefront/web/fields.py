"""Field builders and filters the shop's, the seller's and the operator's forms share."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Email, Length


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def korean_phone(value: str | None) -> str | None:
    """Accept 010-1234-5678, 010 1234 5678, 01012345678 and +82 10-1234-5678."""
    if not isinstance(value, str):
        return value
    digits = "".join(ch for ch in value if ch.isdigit() or ch == "+")
    if digits.startswith("+82"):
        digits = "0" + digits[3:].lstrip("0")
    return digits


def email_field(label: Any) -> StringField:
    """An email address, trimmed and checked for shape (not for a live mailbox)."""
    return StringField(
        label,
        filters=[strip],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254),
            Email(
                _l("Enter a valid email address, like name@example.com."),
                check_deliverability=False,
            ),
        ],
    )
