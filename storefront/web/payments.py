"""The payment webhook and the test provider's hosted payment page."""

from __future__ import annotations

import logging
from datetime import datetime

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


def attempt_delivery(provider: TestProvider, event_id: str, now: datetime) -> str | None:
    """Deliver one of the test provider's events to the webhook handling, as Stripe would.

    A 2xx answer acknowledges it; anything else (a 503 'retry', a 400, the shop crashing)
    leaves it due again after the provider's backoff. Commits. Returns the outcome, or None
    if the event was not due.
    """
    claimed = provider.claim_event(event_id, now)
    db.session.commit()
    if claimed is None:
        return None
    try:
        outcome, status = deliver(*claimed)
    except Exception:  # what Stripe sees of a crash: a 500, and it tries again later
        db.session.rollback()
        log.exception(
            "test event %s: the shop failed to handle it; it will be redelivered", event_id
        )
        outcome, status = "error", 500
    provider.record_result(event_id, outcome, 200 <= status < 300, now)
    db.session.commit()
    return outcome


def redeliver(now: datetime | None = None, limit: int = 100) -> list[str]:
    """Deliver the test provider's unacknowledged events that are due; their outcomes.

    For ``flask payments redeliver``, the job queue and the hold sweep. Stripe redelivers its
    own events, so with Stripe this does nothing.
    """
    provider = current_provider()
    if not isinstance(provider, TestProvider):
        return []
    now = now or utcnow()
    outcomes = (
        attempt_delivery(provider, event_id, now)
        for event_id in provider.due_events(now, limit=limit)
    )
    return [outcome for outcome in outcomes if outcome is not None]


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
    db.session.commit()  # the payment and its event, which is now owed to the shop
    now = utcnow()
    results = [
        attempt_delivery(provider, event_id, now) for event_id in provider.due_events(now, row.id)
    ]
    if "paid" not in results:
        flash(_("The payment went through but the shop could not confirm it yet."), "warning")
    return redirect(row.success_url + "&session_id=" + row.id, code=303)
