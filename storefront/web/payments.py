"""The payment webhook and the test provider's hosted payment page."""

from __future__ import annotations

import hashlib
import hmac
import logging

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from storefront.domain.errors import DomainError
from storefront.extensions import csrf, db
from storefront.models import Order, TestPaymentSession, utcnow
from storefront.payments import PaymentError, PaymentProvider, WebhookRejected
from storefront.payments.stripe_provider import StripeProvider
from storefront.payments.test_provider import SUCCEEDS, TestProvider, refuse_live_keys
from storefront.services.payments import handle_event
from storefront.web.forms import TestCardForm

log = logging.getLogger(__name__)
bp = Blueprint("payments", __name__)


def build_provider(app: Flask) -> PaymentProvider:
    """Choose the provider from config; the test provider never runs beside live keys."""
    cfg = app.config
    if cfg["PAYMENT_PROVIDER"] == "stripe":
        return StripeProvider(
            cfg["STRIPE_SECRET_KEY"],
            cfg["STRIPE_WEBHOOK_SECRET"],
            http_client=cfg.get("STRIPE_HTTP_CLIENT"),
            api_base=cfg["STRIPE_API_BASE"] or None,
        )
    refuse_live_keys(cfg["STRIPE_SECRET_KEY"], cfg.get("STRIPE_PUBLISHABLE_KEY", ""))
    secret = (
        cfg["STRIPE_WEBHOOK_SECRET"]
        or "whsec_test_"
        + hmac.new(cfg["SECRET_KEY"].encode(), b"test-provider-webhook", hashlib.sha256).hexdigest()
    )
    return TestProvider(
        get_session=lambda: db.session(),
        webhook_secret=secret,
        page_url=lambda session_id: url_for("payments.test_pay", session_id=session_id),
    )


def _provider() -> PaymentProvider:
    return current_app.extensions["payment_provider"]


def deliver(payload: bytes, signature: str | None) -> tuple[str, int]:
    """Verify and apply one webhook delivery; commit on success. Returns (outcome, status)."""
    provider = _provider()
    try:
        event = provider.verify_event(payload, signature)
    except WebhookRejected as exc:
        log.warning("webhook rejected: %s", exc)
        return "rejected", 400
    try:
        outcome = handle_event(db.session(), provider, event, utcnow())
    except DomainError as exc:
        db.session.rollback()
        log.warning("webhook %s refused: %s", event.id, exc)
        return "refused", 400
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
    provider = _provider()
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
