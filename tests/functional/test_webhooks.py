"""Webhooks signed like Stripe's: verified on the raw body, applied once, in any order."""

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
import stripe
from sqlalchemy import select

from storefront.models import (
    LedgerEntry,
    Order,
    Product,
    Refund,
    WebhookEvent,
    utcnow,
)
from tests.helpers import (
    WEBHOOK_SECRET,
    add_to_cart,
    count,
    english,
    lose_the_hold_to_a_rival,
    mark_test_session_paid,
    place_order,
    send_event,
    session_object,
    signed,
)


def pending_order(client, session, product_id, quantity=1):
    add_to_cart(client, product_id, quantity)
    assert place_order(client).status_code == 303
    return session.scalars(select(Order).order_by(Order.id.desc())).first()


def test_a_completed_paid_session_pays_the_order_once(client, session, shop, outbox):
    order = pending_order(client, session, shop.product.id)
    obj = session_object(order)
    first = send_event(client, "checkout.session.completed", obj, event_id="evt_1")
    again = send_event(client, "checkout.session.completed", obj, event_id="evt_1")
    other_id = send_event(client, "checkout.session.completed", obj, event_id="evt_2")
    assert (first.status_code, first.json) == (200, {"result": "paid"})
    assert again.json == {"result": "duplicate"}
    assert other_id.json == {"result": "noop"}
    assert session.get(Order, order.id).status == "paid"
    assert count(session, LedgerEntry) == 2
    assert count(session, WebhookEvent) == 2
    assert len(outbox) == 1


def test_a_bad_signature_changes_nothing(client, session, shop):
    order = pending_order(client, session, shop.product.id)
    response = send_event(
        client, "checkout.session.completed", session_object(order), secret="whsec_wrong"
    )
    assert response.status_code == 400
    missing = client.post(
        "/webhooks/stripe", data=b"{}", headers={"Content-Type": "application/json"}
    )
    assert missing.status_code == 400
    assert session.get(Order, order.id).status == "pending_payment"
    assert count(session, WebhookEvent) == 0


def test_a_tampered_body_fails_its_signature(client, session, shop):
    order = pending_order(client, session, shop.product.id)
    payload, header = signed("checkout.session.completed", session_object(order))
    forged = payload.replace(f'"amount_total": {order.total}', '"amount_total": 1')
    response = client.post("/webhooks/stripe", data=forged, headers={"Stripe-Signature": header})
    assert response.status_code == 400
    assert session.get(Order, order.id).status == "pending_payment"


def test_a_stale_timestamp_is_refused(client, session, shop):
    order = pending_order(client, session, shop.product.id)
    old = int(time.time()) - 3600
    response = send_event(
        client, "checkout.session.completed", session_object(order), timestamp=old
    )
    assert response.status_code == 400
    assert session.get(Order, order.id).status == "pending_payment"


def test_a_malformed_body_with_a_good_signature_is_refused(client, shop):
    import stripe

    for body in ("not json", '{"id": "evt_x"}', '{"id": "e", "type": "t", "data": []}'):
        header = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)
        assert (
            client.post(
                "/webhooks/stripe", data=body, headers={"Stripe-Signature": header}
            ).status_code
            == 400
        )


def test_a_session_that_does_not_match_its_order_is_acknowledged_and_changes_nothing(
    client, session, shop
):
    # Signed, so Stripe sent it; retrying would not make it match, so it is not a 4xx.
    order = pending_order(client, session, shop.product.id)
    for wrong in ({"amount_total": 1}, {"currency": "usd"}, {"id": "cs_test_other"}):
        response = send_event(client, "checkout.session.completed", session_object(order, **wrong))
        assert (response.status_code, response.json) == (200, {"result": "refused"})
    ghost = session_object(order, metadata={"order_id": "987654"}, client_reference_id="987654")
    assert send_event(client, "checkout.session.completed", ghost).json == {"result": "refused"}
    assert session.get(Order, order.id).status == "pending_payment"
    assert count(session, WebhookEvent) == 0


def test_unknown_event_types_are_acknowledged_and_ignored(client, session, shop):
    response = send_event(client, "customer.created", {"id": "cus_1", "object": "customer"})
    assert (response.status_code, response.json) == (200, {"result": "ignored"})
    foreign = {"id": "cs_x", "object": "checkout.session", "payment_status": "paid", "metadata": {}}
    assert send_event(client, "checkout.session.completed", foreign).json == {"result": "ignored"}


def test_unpaid_then_async_success(client, session, shop):
    order = pending_order(client, session, shop.product.id)
    unpaid = session_object(order, payment_status="unpaid")
    assert send_event(client, "checkout.session.completed", unpaid).json == {"result": "awaiting"}
    assert session.get(Order, order.id).status == "awaiting_payment"
    assert count(session, LedgerEntry) == 0
    # an awaiting order keeps its stock even past the hold
    order.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    result = client.application.test_cli_runner().invoke(args=["orders", "expire-holds"])
    assert result.exit_code == 0 and "Released 0" in result.output
    assert session.get(Product, shop.product.id).stock == 9
    succeeded = send_event(
        client, "checkout.session.async_payment_succeeded", session_object(order)
    )
    assert succeeded.json == {"result": "paid"}
    assert session.get(Order, order.id).status == "paid"
    assert count(session, LedgerEntry) == 2


def test_async_success_before_completed_still_pays_once(client, session, shop):
    order = pending_order(client, session, shop.product.id)
    send_event(client, "checkout.session.async_payment_succeeded", session_object(order))
    late = send_event(
        client, "checkout.session.completed", session_object(order, payment_status="unpaid")
    )
    assert late.json == {"result": "noop"}
    assert session.get(Order, order.id).status == "paid"
    assert count(session, LedgerEntry) == 2


def test_async_failure_releases_the_stock(client, session, shop):
    order = pending_order(client, session, shop.last_one.id)
    send_event(client, "checkout.session.completed", session_object(order, payment_status="unpaid"))
    failed = send_event(
        client,
        "checkout.session.async_payment_failed",
        session_object(order, payment_status="unpaid"),
    )
    assert failed.json == {"result": "failed"}
    assert session.get(Order, order.id).status == "payment_failed"
    assert session.get(Product, shop.last_one.id).stock == 1


def test_an_expired_session_releases_the_hold(client, session, shop):
    order = pending_order(client, session, shop.last_one.id)
    expired = session_object(order, status="expired", payment_status="unpaid")
    assert send_event(client, "checkout.session.expired", expired).json == {"result": "expired"}
    assert session.get(Product, shop.last_one.id).stock == 1


def test_payment_after_the_hold_lapsed_takes_the_stock_again_if_it_is_there(client, session, shop):
    order = pending_order(client, session, shop.product.id, 2)
    order.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    client.application.test_cli_runner().invoke(args=["orders", "expire-holds"])
    assert session.get(Product, shop.product.id).stock == 10
    assert send_event(client, "checkout.session.completed", session_object(order)).json == {
        "result": "paid"
    }
    assert session.get(Product, shop.product.id).stock == 8
    assert session.get(Order, order.id).stock_held


def test_payment_for_stock_that_is_gone_is_refunded_and_the_shopper_told(
    client, session, shop, outbox
):
    english(client)
    order = pending_order(client, session, shop.last_one.id)
    rival = lose_the_hold_to_a_rival(client.application, session, order, shop.last_one.id)
    assert rival.status_code == 303  # someone else takes the last one
    mark_test_session_paid(session, order, "pi_late")
    response = send_event(
        client, "checkout.session.completed", session_object(order, payment_intent="pi_late")
    )
    assert response.json == {"result": "refunded"}
    order = session.get(Order, order.id)
    assert order.status == "refunded"
    refund = session.scalars(select(Refund)).one()
    assert (refund.amount, refund.reason) == (order.total, "out_of_stock")
    assert session.get(Product, shop.last_one.id).stock == 0  # the rival's hold is untouched
    assert count(session, LedgerEntry) == 0
    assert len(outbox) == 1 and "refund" in outbox[0].subject.lower() + outbox[0].body.lower()
    page = client.get(f"/orders/{order.number}?token={order.access_token}")
    assert "refunded" in page.get_data(as_text=True)


def test_a_body_that_is_not_utf8_is_rejected_not_a_500(client):
    header = stripe.WebhookSignature.generate_signature_header("x", WEBHOOK_SECRET)
    response = client.post(
        "/webhooks/stripe", data=b"\xff\xfe\x00", headers={"Stripe-Signature": header}
    )
    assert response.status_code == 400


def test_failure_or_expiry_events_for_a_paid_order_change_nothing(client, session, shop):
    order = pending_order(client, session, shop.product.id)
    send_event(client, "checkout.session.completed", session_object(order))
    for kind in ("checkout.session.async_payment_failed", "checkout.session.expired"):
        assert send_event(client, kind, session_object(order)).json == {"result": "noop"}
    assert session.get(Order, order.id).status == "paid"
    assert session.get(Product, shop.product.id).stock == 9
    assert count(session, LedgerEntry) == 2


def test_a_refund_the_provider_cannot_make_is_retried_and_records_nothing(client, session, shop):
    order = pending_order(client, session, shop.last_one.id)
    lose_the_hold_to_a_rival(client.application, session, order, shop.last_one.id)
    # the test provider never saw this payment intent, so it refuses the refund
    response = send_event(
        client, "checkout.session.completed", session_object(order, payment_intent="pi_unknown")
    )
    assert response.status_code == 503
    assert session.get(Order, order.id).status == "expired"
    assert count(session, Refund) == 0 and count(session, WebhookEvent) == 0


PAYMENTS_DOC = Path(__file__).resolve().parents[2] / "docs" / "payments.md"


def documented_answer(what):
    """The status and result that docs/payments.md's table of webhook answers gives ``what``."""
    for line in PAYMENTS_DOC.read_text(encoding="utf-8").splitlines():
        found = re.search(r'`(\d{3}) \{"result": "(\w+)"\}`', line)
        if line.startswith("|") and what in line and found:
            return int(found[1]), {"result": found[2]}
    raise AssertionError(f"docs/payments.md gives no webhook answer for {what!r}")


def _bad_signature(client, session, shop):
    order = pending_order(client, session, shop.product.id)
    return send_event(client, "checkout.session.completed", session_object(order), secret="wrong")


def _unknown_order(client, session, shop):
    order = pending_order(client, session, shop.product.id)
    ghost = session_object(order, metadata={"order_id": "987654"}, client_reference_id="987654")
    return send_event(client, "checkout.session.completed", ghost)


def _mismatched_session(client, session, shop):
    order = pending_order(client, session, shop.product.id)
    obj = session_object(order, amount_total=order.total + 1)
    return send_event(client, "checkout.session.completed", obj)


def _provider_unreachable(client, session, shop):
    order = pending_order(client, session, shop.last_one.id)
    lose_the_hold_to_a_rival(client.application, session, order, shop.last_one.id)
    obj = session_object(order, payment_intent="pi_unknown")  # the refund cannot be made
    return send_event(client, "checkout.session.completed", obj)


@pytest.mark.parametrize(
    ("what", "send", "answer"),
    [
        ("fails verification", _bad_signature, (400, {"result": "rejected"})),
        ("names an order the shop does not know", _unknown_order, (200, {"result": "refused"})),
        ("does not match its order", _mismatched_session, (200, {"result": "refused"})),
        ("cannot be reached", _provider_unreachable, (503, {"result": "retry"})),
    ],
)
def test_each_kind_of_webhook_gets_the_answer_the_docs_give_it(
    client, session, shop, what, send, answer
):
    response = send(client, session, shop)
    assert (response.status_code, response.json) == answer
    assert documented_answer(what) == answer
    assert count(session, WebhookEvent) == 0  # none of them is recorded as handled
