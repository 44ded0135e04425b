"""The payment webhook and the test provider's hosted payment page."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from storefront.domain.errors import DomainError
from storefront.domain.periods import local_today
from storefront.extensions import csrf, db
from storefront.models import Order, TestPaymentSession, utcnow
from storefront.payments import PaymentError, WebhookRejected
from storefront.payments.test_provider import SUCCEEDS, TestProvider, card_expired
from storefront.services.payments import handle_event
from storefront.web import metrics
from storefront.web.common import provider as current_provider
from storefront.web.forms import TestCardForm

log = logging.getLogger(__name__)
bp = Blueprint("payments", __name__)


def deliver(payload: bytes, signature: str | None) -> tuple[str, int]:
    """Verify and apply one webhook delivery; commit on success. Returns (outcome, status)."""
    outcome, status = _deliver(payload, signature)
    metrics.webhook_delivered(outcome)
    if outcome == "paid":
        metrics.order_paid("webhook")
    return outcome, status


def _deliver(payload: bytes, signature: str | None) -> tuple[str, int]:
    provider = current_provider()
    try:
        event = provider.verify_event(payload, signature)
    except WebhookRejected as exc:
        log.warning("webhook rejected: %s", exc)
        return "rejected", 400
    try:
        outcome = handle_event(db.session(), provider, event, utcnow())
    except DomainError as exc:
        # Signed by the provider but not about an order as we know it: retrying will not
        # change that, so acknowledge it (nothing is recorded) and leave it to the logs.
        db.session.rollback()
        log.error("webhook %s refused: %s", event.id, exc)
        return "refused", 200
    except PaymentError as exc:
        db.session.rollback()
        log.error("webhook %s could not be completed, the sender will retry: %s", event.id, exc)
        return "retry", 503
    db.session.commit()
    return outcome, 200


@bp.post("/webhooks/stripe")
@csrf.exempt
def webhook() -> tuple[dict[str, str], int]:
    outcome, status = deliver(request.get_data(), request.headers.get("Stripe-Signature"))
    return {"result": outcome}, status


def _test_session(session_id: str) -> tuple[TestProvider, TestPaymentSession, Order]:
    provider = current_provider()
    if not isinstance(provider, TestProvider):
        abort(404)
    row = db.session.get(TestPaymentSession, session_id)
    order = db.session.get(Order, row.order_id) if row else None
    if row is None or order is None:
        abort(404)
    return provider, row, order


@bp.route("/test-pay/<session_id>", methods=["GET", "POST"])
def test_pay(session_id: str) -> Response | tuple[str, int]:
    provider, row, order = _test_session(session_id)
    form = TestCardForm()
    open_ = row.status == "open" and row.expires_at > utcnow()
    if not form.is_submitted() or not open_:
        return render_template(
            "payments/test_pay.html", form=form, row=row, order=order, open=open_
        ), (200 if open_ or not form.is_submitted() else 409)
    if not form.validate():
        return render_template(
            "payments/test_pay.html", form=form, row=row, order=order, open=True
        ), 400
    if card_expired(form.expiry.data or "", local_today()):
        form.expiry.errors = [_("This card has expired.")]
        return render_template(
            "payments/test_pay.html", form=form, row=row, order=order, open=True
        ), 402
    try:
        outcome = provider.pay(row, form.card_number.data or "")
    except PaymentError:
        form.card_number.errors = [_("Use one of the test cards listed below.")]
        return render_template(
            "payments/test_pay.html", form=form, row=row, order=order, open=True
        ), 402
    if outcome != SUCCEEDS:
        return redirect(row.cancel_url + "&reason=" + outcome, code=303)
    db.session.commit()
    payload, signature = provider.signed_event(row, "checkout.session.completed")
    result, _status = deliver(payload, signature)
    if result != "paid":
        flash(_("The payment went through but the shop could not confirm it yet."), "warning")
    return redirect(row.success_url + "&session_id=" + row.id, code=303)
