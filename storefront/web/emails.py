"""Turn the notices services record into emails: render, link and send them.

``deliver(notice)`` is the one way a notice becomes an email; it needs an app context and
nothing else (no request): the job queue's worker calls it (``storefront.jobs``). Links are
built with ``url_for(..., _external=True)``, from ``SERVER_NAME`` when it is configured.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_mailman import EmailMultiAlternatives
from sqlalchemy import select

from storefront.domain.receipts import StatementPeriod
from storefront.extensions import db
from storefront.models import Order, OrderLine, Product, Question, ReturnRequest
from storefront.services.notices import Notice, Param
from storefront.services.wishlist import AlertTokens

Params = Mapping[str, Param]
Email = tuple[str, dict[str, Any]]  # the subject and what the templates are given


def deliver(notice: Notice) -> None:
    """Render ``notice`` in its language (``templates/emails/<kind>.txt`` and ``.html``) and
    send it. Raises ``LookupError`` for a kind or an order the shop does not know."""
    with force_locale(notice.locale):
        subject, context = EMAILS[notice.kind](notice.params)
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_template(f"emails/{notice.kind}.txt", **context),
            to=[notice.to],
        )
        message.attach_alternative(
            render_template(f"emails/{notice.kind}.html", **context), "text/html"
        )
    message.send()


def _order(params: Params) -> dict[str, Any]:
    order = db.session.scalar(select(Order).where(Order.number == params["order_number"]))
    if order is None:
        raise LookupError(f"no order {params['order_number']}")
    number, token = order.number, order.access_token
    return {
        "order": order,
        "order_url": url_for("orders.show", number=number, token=token, _external=True),
        "receipt_url": url_for("receipts.show", number=number, token=token, _external=True),
    }


def _line(order: Order, params: Params) -> OrderLine:
    line = db.session.get(OrderLine, params["line_id"])
    if line is None or line.order_id != order.id:
        raise LookupError(f"no line {params['line_id']} in order {order.number}")
    return line


def order_confirmation(params: Params) -> Email:
    subject = gettext("Sangsaeng order %(number)s: thank you", number=params["order_number"])
    return subject, _order(params)


def order_refunded(params: Params) -> Email:
    subject = gettext("Sangsaeng order %(number)s was refunded", number=params["order_number"])
    return subject, _order(params)


def line_shipped(params: Params) -> Email:
    subject = gettext("Sangsaeng order %(number)s has shipped", number=params["order_number"])
    context = _order(params)
    return subject, {**context, "line": _line(context["order"], params)}


def line_cancelled(params: Params) -> Email:
    subject = gettext(
        "Part of Sangsaeng order %(number)s was cancelled", number=params["order_number"]
    )
    context = _order(params)
    line = _line(context["order"], params)
    gift = params.get("gift", 0)  # notices recorded before gifts were given back have none
    return subject, {**context, "line": line, "amount": params["amount"], "gift": gift}


def order_refund(params: Params) -> Email:
    subject = gettext("Sangsaeng order %(number)s: refund", number=params["order_number"])
    return subject, {**_order(params), "amount": params["amount"], "left": params["left"]}


RETURN_SUBJECTS = {
    "requested": _l("Sangsaeng order %(number)s: we received your return request"),
    "approved": _l("Sangsaeng order %(number)s: your return request is approved"),
    "rejected": _l("Sangsaeng order %(number)s: your return request was declined"),
    "received": _l("Sangsaeng order %(number)s: the venture received your item"),
    "refunded": _l("Sangsaeng order %(number)s: your return is refunded"),
    "reshipped": _l("Sangsaeng order %(number)s: your exchange has shipped"),
}


def return_update(params: Params) -> Email:
    context = _order(params)
    order = context["order"]
    found = db.session.get(ReturnRequest, params["request_id"])
    if found is None or found.order_id != order.id:
        raise LookupError(f"no return request {params['request_id']} in order {order.number}")
    step = str(params["step"])
    subject = str(RETURN_SUBJECTS[step]) % {"number": order.number}
    url = url_for(
        "returns.show",
        number=order.number,
        request_id=found.id,
        token=order.access_token,
        _external=True,
    )
    return subject, {
        **context,
        "req": found,
        "step": step,
        "amount": params.get("amount") or 0,
        "request_url": url,
    }


def return_requested(params: Params) -> Email:
    found = db.session.get(ReturnRequest, params["request_id"])
    if found is None:
        raise LookupError(f"no return request {params['request_id']}")
    url = url_for(
        "seller.returns.show", venture_id=found.venture_id, request_id=found.id, _external=True
    )
    subject = gettext("A shopper asked to return or exchange %(title)s", title=found.line.title)
    return subject, {"req": found, "url": url}


def password_reset(params: Params) -> Email:
    url = url_for("account.reset", token=params["token"], _external=True)
    return gettext("Reset your Sangsaeng password"), {"name": params["name"], "reset_url": url}


def email_verification(params: Params) -> Email:
    url = url_for("account.verify", token=params["token"], _external=True)
    return gettext("Confirm your email for Sangsaeng"), {"name": params["name"], "verify_url": url}


def staff_invitation(params: Params) -> Email:
    venture = params["venture_name"]
    subject = gettext("You are invited to help run %(venture)s on Sangsaeng", venture=venture)
    url = url_for("seller.staff.accept_invitation", token=params["token"], _external=True)
    return subject, {"venture_name": venture, "url": url}


def statement_link(params: Params) -> Email:
    period = StatementPeriod(
        date.fromisoformat(str(params["start"])), date.fromisoformat(str(params["end"]))
    )
    url = url_for("receipts.statement", token=params["token"], _external=True)
    return gettext("Your Sangsaeng donation statement"), {"url": url, "period": period}


def question_answered(params: Params) -> Email:
    question = db.session.get(Question, params["question_id"])
    if question is None:
        raise LookupError(f"no question {params['question_id']}")
    product = db.session.get(Product, question.product_id)
    url = url_for(
        "questions.index",
        product_id=question.product_id,
        _anchor=f"q-{question.id}",
        _external=True,
    )
    title = product.title if product else ""
    subject = gettext("Your question about %(title)s was answered", title=title)
    return subject, {"question": question, "title": title, "url": url}


def back_in_stock(params: Params) -> Email:
    product = db.session.get(Product, params["product_id"])
    if product is None:
        raise LookupError(f"no product {params['product_id']}")
    tokens = AlertTokens(current_app.config["SECRET_KEY"])
    unsubscribe = tokens.issue(int(params["user_id"] or 0))
    return gettext("%(title)s is back in stock", title=product.title), {
        "product": product,
        "product_url": url_for("shop.product", product_id=product.id, _external=True),
        "wishlist_url": url_for("wishlist.show", _external=True),
        "unsubscribe_url": url_for("wishlist.unsubscribe", token=unsubscribe, _external=True),
    }


EMAILS: dict[str, Callable[[Params], Email]] = {
    "order_confirmation": order_confirmation,
    "order_refunded": order_refunded,
    "line_shipped": line_shipped,
    "line_cancelled": line_cancelled,
    "order_refund": order_refund,
    "return_update": return_update,
    "return_requested": return_requested,
    "password_reset": password_reset,
    "staff_invitation": staff_invitation,
    "email_verification": email_verification,
    "statement_link": statement_link,
    "question_answered": question_answered,
    "back_in_stock": back_in_stock,
}
