"""Emails to shoppers, rendered in the order's language and sent after the commit."""

from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext
from flask_mailman import EmailMultiAlternatives
from sqlalchemy.orm import Session

from storefront.models import Order
from storefront.services.aftercommit import after_commit


def _send(db: Session, order: Order, template: str, subject: str) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with force_locale(order.locale):
        context = {
            "order": order,
            "order_url": url_for(
                "orders.show", number=order.number, token=order.access_token, _external=True
            ),
        }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_template(f"emails/{template}.txt", **context),
            to=[order.email],
        )
        message.attach_alternative(
            render_template(f"emails/{template}.html", **context), "text/html"
        )

    def send() -> None:
        with app.app_context():
            message.send()

    after_commit(db, send)


def order_confirmation(db: Session, order: Order) -> None:
    with force_locale(order.locale):
        subject = gettext("Sangsaeng order %(number)s: thank you", number=order.number)
    _send(db, order, "order_confirmation", subject)


def order_refunded_out_of_stock(db: Session, order: Order) -> None:
    with force_locale(order.locale):
        subject = gettext("Sangsaeng order %(number)s was refunded", number=order.number)
    _send(db, order, "order_refunded", subject)
