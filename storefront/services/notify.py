"""Emails to shoppers, rendered in the order's language and sent after the commit."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext
from flask_mailman import EmailMultiAlternatives
from sqlalchemy.orm import Session

from storefront.domain.receipts import StatementPeriod
from storefront.models import Order, OrderLine, User
from storefront.services.aftercommit import after_commit


def _send(
    db: Session, to: str, locale: str, template: str, subject: str, context: dict[str, Any]
) -> None:
    """Render ``emails/<template>.txt`` and ``.html`` in ``locale`` and send after the commit."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with force_locale(locale):
        message = EmailMultiAlternatives(
            subject=subject, body=render_template(f"emails/{template}.txt", **context), to=[to]
        )
        message.attach_alternative(
            render_template(f"emails/{template}.html", **context), "text/html"
        )

    def send() -> None:
        with app.app_context():
            message.send()

    after_commit(db, send)


def _order_context(order: Order) -> dict[str, Any]:
    url = url_for("orders.show", number=order.number, token=order.access_token, _external=True)
    receipt_url = url_for(
        "receipts.show", number=order.number, token=order.access_token, _external=True
    )
    return {"order": order, "order_url": url, "receipt_url": receipt_url}


def order_confirmation(db: Session, order: Order) -> None:
    with force_locale(order.locale):
        subject = gettext("Sangsaeng order %(number)s: thank you", number=order.number)
    _send(db, order.email, order.locale, "order_confirmation", subject, _order_context(order))


def order_refunded_out_of_stock(db: Session, order: Order) -> None:
    with force_locale(order.locale):
        subject = gettext("Sangsaeng order %(number)s was refunded", number=order.number)
    _send(db, order.email, order.locale, "order_refunded", subject, _order_context(order))


def password_reset(db: Session, user: User, reset_url: str, locale: str) -> None:
    with force_locale(locale):
        subject = gettext("Reset your Sangsaeng password")
    _send(db, user.email, locale, "password_reset", subject, {"user": user, "reset_url": reset_url})


def line_shipped(db: Session, order: Order, line: OrderLine) -> None:
    with force_locale(order.locale):
        subject = gettext("Sangsaeng order %(number)s has shipped", number=order.number)
    _send(
        db,
        order.email,
        order.locale,
        "line_shipped",
        subject,
        {**_order_context(order), "line": line},
    )


def line_cancelled(db: Session, order: Order, line: OrderLine, amount: int) -> None:
    with force_locale(order.locale):
        subject = gettext("Part of Sangsaeng order %(number)s was cancelled", number=order.number)
    context = {**_order_context(order), "line": line, "amount": amount}
    _send(db, order.email, order.locale, "line_cancelled", subject, context)


def order_refund(db: Session, order: Order, amount: int, left: int) -> None:
    with force_locale(order.locale):
        subject = gettext("Sangsaeng order %(number)s: refund", number=order.number)
    context = {**_order_context(order), "amount": amount, "left": left}
    _send(db, order.email, order.locale, "order_refund", subject, context)


def staff_invitation(db: Session, email: str, venture_name: str, url: str, locale: str) -> None:
    with force_locale(locale):
        subject = gettext(
            "You are invited to help run %(venture)s on Sangsaeng", venture=venture_name
        )
    _send(
        db, email, locale, "staff_invitation", subject, {"venture_name": venture_name, "url": url}
    )


def statement_link(db: Session, email: str, url: str, period: StatementPeriod, locale: str) -> None:
    with force_locale(locale):
        subject = gettext("Your Sangsaeng donation statement")
    _send(db, email, locale, "statement_link", subject, {"url": url, "period": period})
