"""A lapsed hold is settled with the provider before it is expired: a payment whose webhook
was lost is fulfilled, an open session is closed first, and an unreachable provider leaves the
order for the next sweep. The test provider redelivers what the shop did not acknowledge."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront.models import (
    LedgerEntry,
    Order,
    Product,
    TestPaymentEvent,
    TestPaymentSession,
    WebhookEvent,
    utcnow,
)
from storefront.payments import PaymentError
from tests.helpers import add_to_cart, count, mark_test_session_paid, pay, place_order


def placed(client, session, product_id, quantity=1):
    """Check out ``product_id``; the order and its payment page's address."""
    add_to_cart(client, product_id, quantity)
    response = place_order(client)
    assert response.status_code == 303
    return session.scalars(select(Order)).one(), response.headers["Location"]


def lapse(session, order):
    order.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()


def sweep(app):
    result = app.test_cli_runner().invoke(args=["orders", "expire-holds"])
    assert result.exit_code == 0, result.output
    return result.output


def stock_of(session, product):
    return session.get(Product, product.id).stock


def test_a_paid_session_whose_webhook_was_lost_is_fulfilled_not_expired(
    app, client, session, shop, outbox
):
    order, _url = placed(client, session, shop.product.id, 2)
    mark_test_session_paid(session, order, "pi_lost")  # the worker died before delivering
    lapse(session, order)
    assert "fulfilled 1" in sweep(app)
    order = session.get(Order, order.id)
    assert (order.status, order.payment_intent_id) == ("paid", "pi_lost")
    assert stock_of(session, shop.product) == 8  # the hold became the sale
    assert count(session, LedgerEntry) == 2 and len(outbox) == 1
    sweep(app)  # and again: nothing more
    assert count(session, LedgerEntry) == 2 and len(outbox) == 1


def test_an_open_session_is_closed_before_the_stock_is_released(app, client, session, shop):
    order, payment_url = placed(client, session, shop.last_one.id)
    lapse(session, order)
    assert "Released 1" in sweep(app)
    assert session.scalars(select(TestPaymentSession)).one().status == "expired"
    assert session.get(Order, order.id).status == "expired"
    assert stock_of(session, shop.last_one) == 1
    late = pay(client, payment_url)
    assert late.status_code == 409  # the shopper can no longer pay for an expired order
    assert session.get(Order, order.id).status == "expired"
    assert count(session, LedgerEntry) == 0 and stock_of(session, shop.last_one) == 1


def test_an_unreachable_provider_leaves_the_order_for_the_next_sweep(
    app, client, session, shop, monkeypatch
):
    order, _url = placed(client, session, shop.last_one.id)
    lapse(session, order)
    provider = app.extensions["payment_provider"]

    def unreachable(session_id):
        raise PaymentError("timed out")

    monkeypatch.setattr(provider, "retrieve_session", unreachable)
    assert "left 1" in sweep(app)
    assert session.get(Order, order.id).status == "pending_payment"
    assert stock_of(session, shop.last_one) == 0
    assert session.scalars(select(TestPaymentSession)).one().status == "open"
    monkeypatch.undo()
    assert "Released 1" in sweep(app)  # the next sweep, with the provider back, expires it
    assert session.get(Order, order.id).status == "expired"


def test_an_order_whose_payment_never_started_expires_without_asking(app, client, session, shop):
    order, _url = placed(client, session, shop.last_one.id)
    order.payment_session_id = None
    lapse(session, order)
    assert "Released 1" in sweep(app)
    assert session.get(Order, order.id).status == "expired"


@pytest.fixture
def failing_delivery(monkeypatch):
    """Make the shop's webhook handling fail the next ``n`` deliveries in the given way."""
    import storefront.web.payments as web_payments

    real = web_payments.handle_event
    failures = []

    def handle(*args, **kwargs):
        if failures:
            raise failures.pop(0)
        return real(*args, **kwargs)

    monkeypatch.setattr(web_payments, "handle_event", handle)
    return failures


@pytest.mark.parametrize(
    "failure",
    [RuntimeError("worker killed"), PaymentError("provider busy")],  # a 500; a 503 'retry'
    ids=["exception", "retry-503"],
)
def test_an_unacknowledged_event_is_redelivered_with_backoff_and_pays_once(
    app, client, session, shop, outbox, failing_delivery, failure
):
    from storefront.web.payments import redeliver

    order, payment_url = placed(client, session, shop.product.id)
    failing_delivery.append(failure)
    paid_at = utcnow()
    assert pay(client, payment_url).status_code == 303
    assert session.get(Order, order.id).status == "pending_payment"
    event = session.scalars(select(TestPaymentEvent)).one()
    assert event.attempts == 1 and event.delivered_at is None
    wait = event.next_attempt_at - paid_at
    assert timedelta(seconds=25) < wait < timedelta(seconds=40)

    assert redeliver(paid_at + timedelta(seconds=5)) == []  # not due yet: backing off
    assert redeliver(paid_at + timedelta(minutes=1)) == ["paid"]
    order = session.get(Order, order.id)
    assert order.status == "paid" and stock_of(session, shop.product) == 9
    event = session.get(TestPaymentEvent, event.id)
    assert event.attempts == 2 and event.delivered_at is not None
    assert event.next_attempt_at is None
    assert redeliver(paid_at + timedelta(days=1)) == []  # acknowledged: never sent again

    # Stripe may deliver an event more than once; a duplicate changes nothing.
    event.delivered_at, event.next_attempt_at = None, utcnow()
    session.commit()
    assert redeliver(utcnow() + timedelta(seconds=1)) == ["duplicate"]
    assert count(session, LedgerEntry) == 2 and count(session, WebhookEvent) == 1
    assert len(outbox) == 1


def test_redelivery_gives_up_after_its_last_attempt(app, client, session, shop, failing_delivery):
    from storefront.payments.test_provider import MAX_DELIVERY_ATTEMPTS
    from storefront.web.payments import redeliver

    order, payment_url = placed(client, session, shop.product.id)
    failing_delivery.extend(PaymentError("busy") for _ in range(MAX_DELIVERY_ATTEMPTS))
    pay(client, payment_url)
    later = utcnow()
    for _ in range(MAX_DELIVERY_ATTEMPTS - 1):
        later += timedelta(days=1)
        assert redeliver(later) == ["retry"]
    event = session.scalars(select(TestPaymentEvent)).one()
    assert event.attempts == MAX_DELIVERY_ATTEMPTS and event.next_attempt_at is None
    assert redeliver(later + timedelta(days=30)) == []
    # the payment is not lost for all that: the hold sweep asks the provider
    lapse(session, session.get(Order, order.id))
    assert "fulfilled 1" in sweep(app)


def test_the_redeliver_command_delivers_what_is_due(app, client, session, shop, failing_delivery):
    order, payment_url = placed(client, session, shop.product.id)
    failing_delivery.append(RuntimeError("worker killed"))
    pay(client, payment_url)
    event = session.scalars(select(TestPaymentEvent)).one()
    event.next_attempt_at = utcnow() - timedelta(seconds=1)
    session.commit()
    result = app.test_cli_runner().invoke(args=["payments", "redeliver"])
    assert result.exit_code == 0 and "Delivered 1" in result.output
    assert session.get(Order, order.id).status == "paid"


def test_the_every_minute_task_also_redelivers(make_app, session, shop, failing_delivery):
    app = make_app(JOBS_EAGER=False)
    client = app.test_client()
    order, payment_url = placed(client, session, shop.product.id)
    failing_delivery.append(RuntimeError("worker killed"))
    pay(client, payment_url)
    event = session.scalars(select(TestPaymentEvent)).one()
    event.next_attempt_at = utcnow() - timedelta(seconds=1)
    session.commit()
    client.get("/")
    assert session.get(Order, order.id).status == "pending_payment"  # pages stay out of it
    session.commit()
    app.extensions["jobs"].drain(periodic=True)
    assert session.get(Order, order.id).status == "paid"
