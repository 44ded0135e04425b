"""Services record notices as plain data; they leave the transaction only when it commits.

These tests use a plain SQLAlchemy session and push no Flask app context: recording a notice,
and paying an order, need neither.
"""

import json
from datetime import timedelta

import pytest
from flask import has_app_context
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from storefront import sqlite
from storefront.domain.pricing import ShippingPolicy
from storefront.models import utcnow
from storefront.payments.base import SessionState
from storefront.services import notices
from storefront.services.cart import Cart, CartItem
from storefront.services.checkout import ShopperDetails, ShopRules, place_order
from storefront.services.notices import Notice
from storefront.services.payments import fulfil
from tests import factories

NOTICE = Notice("order_refund", "buyer@example.com", "en", {"order_number": "SS-1", "amount": 5})


@pytest.fixture
def delivered(monkeypatch):
    """What the outlet was handed, instead of the app's mailer."""
    handed = []
    monkeypatch.setattr(notices, "_outlet", [handed.append])
    return handed


@pytest.fixture
def plain(database_url):
    """A plain session on the test's migrated database, with no Flask app anywhere."""
    engine = create_engine(database_url)
    sqlite.configure(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_paying_an_order_needs_no_app_context_and_records_the_confirmation(plain, delivered):
    assert not has_app_context()
    shop = factories.small_shop(plain)
    rules = ShopRules("KRW", ShippingPolicy(3000, 30000), 99, timedelta(minutes=30))
    shopper = ShopperDetails(
        "Buyer@Example.com", "구매자", "01012345678", "04524", "서울", "", None, "en"
    )
    cart = Cart({(shop.product.id, None): CartItem(1, shop.product.price)})
    order = place_order(plain, cart, shopper, rules, "test", utcnow())
    plain.commit()
    state = SessionState("cs_plain", order.id, "complete", "paid", order.total, "KRW", "pi_plain")

    assert fulfil(plain, None, order, state, utcnow()) == "paid"

    confirmation = Notice(
        "order_confirmation", "Buyer@Example.com", "en", {"order_number": order.number}
    )
    assert notices.recorded(plain) == [confirmation]
    assert delivered == []
    plain.commit()
    assert delivered == [confirmation] and notices.recorded(plain) == []


def test_a_notice_is_plain_json():
    stored = json.dumps(NOTICE.to_json())
    assert Notice.from_json(json.loads(stored)) == NOTICE


def test_a_notice_is_delivered_after_the_commit_not_after_a_savepoint(plain, delivered):
    notices.record(plain, NOTICE)
    with plain.begin_nested():
        pass
    assert delivered == []
    plain.commit()
    assert delivered == [NOTICE]
    plain.commit()
    assert delivered == [NOTICE]  # once


def test_a_notice_is_dropped_when_the_transaction_rolls_back(plain, delivered):
    notices.record(plain, NOTICE)
    nested = plain.begin_nested()
    nested.rollback()
    plain.rollback()
    plain.commit()
    assert delivered == []


def test_a_notice_recorded_in_a_savepoint_that_rolls_back_is_dropped(plain, delivered):
    kept = Notice("order_refund", "kept@example.com", "ko", {"order_number": "SS-2"})
    notices.record(plain, kept)
    nested = plain.begin_nested()
    notices.record(plain, NOTICE)
    with plain.begin_nested():
        notices.record(plain, NOTICE)
    nested.rollback()
    plain.commit()
    assert delivered == [kept]


def test_a_session_closed_without_committing_forgets_its_notices(plain, delivered):
    plain.connection()  # a transaction is under way
    notices.record(plain, NOTICE)
    plain.close()
    plain.commit()
    assert delivered == []


def test_a_failing_delivery_does_not_stop_the_others(plain, monkeypatch, caplog):
    handed = []

    def outlet(notice):
        if notice.to == "broken@example.com":
            raise OSError("mail server down")
        handed.append(notice)

    monkeypatch.setattr(notices, "_outlet", [outlet])
    notices.record(plain, Notice("order_refund", "broken@example.com", "ko", {}))
    notices.record(plain, NOTICE)
    plain.commit()
    assert handed == [NOTICE] and "delivering a order_refund notice failed" in caplog.text
