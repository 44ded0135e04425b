"""Concurrency on PostgreSQL: many shoppers, one last unit; many deliveries, one payment."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import LedgerEntry, Order, Product, WebhookEvent, utcnow
from storefront.web.payments import deliver
from tests.factories import make_product
from tests.helpers import buyer, run_together, session_object, signed

pytestmark = pytest.mark.postgres


def test_twenty_shoppers_racing_for_five_units_never_oversell(app, session, shop):
    product = make_product(session, shop.venture, stock=5, price=12000)
    session.commit()
    results = run_together(app, 20, buyer(app, [(product.id, 1, 12000)]))
    winners = [r for r in results if r is not None]
    assert len(winners) == 5
    assert session.get(Product, product.id).stock == 0
    assert session.scalar(select(func.count()).select_from(Order)) == 5


def test_orders_sharing_products_in_any_order_do_not_deadlock(app, session, shop):
    a = make_product(session, shop.venture, stock=100, price=1000)
    b = make_product(session, shop.venture, stock=100, price=2000)
    session.commit()
    forward = buyer(app, [(a.id, 1, 1000), (b.id, 2, 2000)])
    backward = buyer(app, [(b.id, 2, 2000), (a.id, 1, 1000)])
    results = run_together(app, 12, lambda i: (forward if i % 2 else backward)(i))
    assert all(r is not None for r in results)
    assert (session.get(Product, a.id).stock, session.get(Product, b.id).stock) == (88, 76)


def test_each_paid_order_records_one_set_of_entries_however_often_it_is_delivered(
    app, session, shop
):
    product = make_product(session, shop.venture, stock=3, price=20000)
    session.commit()
    order_ids = [r for r in run_together(app, 8, buyer(app, [(product.id, 1, 20000)])) if r]
    assert len(order_ids) == 3
    orders = [session.get(Order, oid) for oid in order_ids]
    for order in orders:  # as start_payment would record it
        order.payment_session_id = f"cs_race_{order.id}"
    session.commit()
    deliveries = []
    for order in orders:
        obj = session_object(order)
        same = signed("checkout.session.completed", obj, event_id=f"evt_same_{order.id}")
        deliveries += [same, same, same]  # Stripe retrying one event
        deliveries.append(signed("checkout.session.async_payment_succeeded", obj))  # another event
    outcomes = run_together(
        app, len(deliveries), lambda i: deliver(deliveries[i][0].encode(), deliveries[i][1])[0]
    )
    tally = Counter(outcomes)
    assert tally["paid"] == 3
    assert tally["paid"] + tally["duplicate"] + tally["noop"] == len(deliveries)
    assert all(session.get(Order, oid).status == "paid" for oid in order_ids)
    entries = session.scalars(select(LedgerEntry)).all()
    assert Counter(e.order_id for e in entries) == {oid: 2 for oid in order_ids}
    assert session.scalar(select(func.count()).select_from(WebhookEvent)) == 6
    assert session.get(Product, product.id).units_sold == 3
    from storefront.services import ledger

    assert ledger.verify(session) == (6, None)  # concurrent payers kept one unbroken chain


def test_the_success_page_and_the_webhook_racing_record_one_set_of_entries(app, session, shop):
    from storefront.payments.test_provider import paid_session
    from storefront.services.payments import confirm_from_success_page

    product = make_product(session, shop.venture, stock=5, price=20000)
    session.commit()
    [order_id] = [r for r in run_together(app, 1, buyer(app, [(product.id, 1, 20000)])) if r]
    order = session.get(Order, order_id)
    order.payment_session_id = f"cs_race_{order.id}"
    session.add(paid_session(order, "pi_race"))
    session.commit()
    payload, header = signed(
        "checkout.session.completed", session_object(order, payment_intent="pi_race")
    )
    provider = app.extensions["payment_provider"]

    def work(i):
        if i % 2:
            return deliver(payload.encode(), header)[0]
        fresh = db.session.get(Order, order_id)
        outcome = confirm_from_success_page(
            db.session(), provider, fresh, fresh.payment_session_id, utcnow()
        )
        db.session.commit()
        return outcome

    outcomes = run_together(app, 8, work)
    assert Counter(outcomes)["paid"] == 1, outcomes
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 2
    assert session.get(Order, order_id).status == "paid"


def test_shoppers_racing_for_the_last_units_of_an_option(app, session, shop):
    from storefront.models import ProductOption
    from storefront.services import listings

    product = make_product(session, shop.venture, stock=0, price=9000)
    small = listings.add_option(session, product, "S", 3)
    listings.add_option(session, product, "L", 50)
    session.commit()
    results = run_together(app, 12, buyer(app, [(product.id, 1, 9000, small.id)]))
    assert len([r for r in results if r]) == 3
    assert session.get(ProductOption, small.id).stock == 0
    assert session.get(Product, product.id).stock == 50


def test_a_shopper_paying_while_the_sweep_expires_the_hold_is_either_paid_or_refused(
    app, session, shop
):
    import time
    from datetime import timedelta

    from storefront.models import TestPaymentSession
    from storefront.payments import PaymentError
    from storefront.services.holds import expire_holds
    from storefront.web.payments import attempt_delivery
    from tests.helpers import add_to_cart, place_order

    product = make_product(session, shop.venture, stock=10, price=15000)
    session.commit()
    provider = app.extensions["payment_provider"]
    outcomes = []
    for _round in range(6):
        client = app.test_client()
        add_to_cart(client, product.id)
        assert place_order(client).status_code == 303
        order = session.scalars(select(Order).order_by(Order.id.desc())).first()
        order.expires_at = utcnow() - timedelta(seconds=1)  # the session itself is still open
        session.commit()

        def sweep_or_pay(i, session_id=order.payment_session_id, late=_round % 2 * 0.2):
            if i == 0:
                expire_holds(db.session(), provider, utcnow())
                db.session.commit()
                return "swept"
            time.sleep(late)  # every other round the sweep goes first
            row = db.session.get(TestPaymentSession, session_id)
            try:
                provider.pay(row, "4242424242424242")
            except PaymentError:
                db.session.rollback()
                return "refused"
            db.session.commit()
            now = utcnow()
            return [attempt_delivery(provider, e, now) for e in provider.due_events(now, row.id)]

        _swept, paid = run_together(app, 2, sweep_or_pay)
        outcomes.append(paid)
        row = session.scalars(select(TestPaymentSession).filter_by(order_id=order.id)).one()
        status = session.get(Order, order.id).status
        if paid == "refused":
            assert (status, row.status) == ("expired", "expired")
        else:
            assert (status, row.payment_status) == ("paid", "paid")
    assert "refused" in outcomes and any(o != "refused" for o in outcomes)
    paid_orders = session.scalar(select(func.count()).where(Order.status == "paid"))
    assert session.get(Product, product.id).stock == 10 - paid_orders
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == 2 * paid_orders
