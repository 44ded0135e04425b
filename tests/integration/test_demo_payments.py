"""Demo orders are paid the way a test-card payment is, at their historical time, silently."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from storefront.demo import loader
from storefront.extensions import db
from storefront.models import LedgerEntry, Order, TestPaymentSession, utcnow
from storefront.services import notices
from storefront.services.checkout import ShopRules


def test_demo_orders_go_through_fulfilment_at_their_own_time_and_email_nobody(make_app):
    # No SERVER_NAME, as under ``flask demo load``: nothing may need a URL or send an email.
    app = make_app(SERVER_NAME=None)
    mailman = app.extensions["mailman"]
    mailman.outbox = []
    with app.app_context():
        session = db.session()
        loader.load_catalogue(session, Path(app.config["MEDIA_ROOT"]))
        loader.load_funds(session, app.config["SHOP_CURRENCY"])
        started = utcnow()
        placed = loader.load_orders(session, ShopRules.from_config(app.config), count=5)
        assert notices.recorded(session) == []  # nothing waits for the commit to tell anyone
        session.commit()
        orders = session.scalars(select(Order)).all()
        assert len(orders) == placed > 5
        for order in orders:
            paid = session.get(TestPaymentSession, order.payment_session_id)
            assert order.status == "paid" and paid is not None and paid.payment_status == "paid"
            assert order.payment_intent_id == paid.payment_intent  # set by fulfilment
            assert order.paid_at == order.created_at + timedelta(minutes=3) < started
            assert {line.status for line in order.lines} == {"paid"}
            entries = session.scalars(
                select(LedgerEntry).where(LedgerEntry.order_id == order.id)
            ).all()
            assert {e.created_at for e in entries} == {order.paid_at}
            assert sum(e.amount for e in entries if e.kind == "donation") == order.donation_total
    assert mailman.outbox == []
