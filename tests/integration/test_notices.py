"""Services record notices as plain data in the outbox table, in the transaction that caused
them; they are handed to the queue only when it commits.

These tests use a plain SQLAlchemy session and push no Flask app context: recording a notice,
and paying an order, need neither.
"""

import json
from datetime import timedelta

import pytest
from flask import has_app_context
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from storefront import sqlite
from storefront.domain.pricing import ShippingPolicy
from storefront.models import Job, utcnow
from storefront.payments.base import SessionState
from storefront.services import jobs, notices
from storefront.services.cart import Cart, CartItem
from storefront.services.checkout import ShopperDetails, ShopRules, place_order
from storefront.services.notices import Notice
from storefront.services.payments import fulfil
from tests import factories

NOTICE = Notice("order_refund", "buyer@example.com", "en", {"order_number": "SS-1", "amount": 5})


@pytest.fixture
def handed(monkeypatch):
    """The job ids handed to the queue after a commit, instead of the app's queue."""
    ids = []
    monkeypatch.setattr(jobs, "_dispatcher", [lambda job_id, due: ids.append(job_id)])
    return ids


@pytest.fixture
def plain(database_url):
    """A plain session on the test's migrated database, with no Flask app anywhere."""
    engine = create_engine(database_url)
    sqlite.configure(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def stored(session):
    """The notices in the outbox table, as another connection would read them."""
    with Session(session.get_bind()) as other:
        return [
            (Notice.from_json(job.payload), job.status)
            for job in other.scalars(
                select(Job).where(Job.kind == notices.KIND).order_by(Job.created_at)
            )
        ]


def test_paying_an_order_needs_no_app_context_and_records_the_confirmation(plain, handed):
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
    [job_id] = [job.id for job in jobs.added(plain, notices.KIND)]
    [checkpoint_id] = [job.id for job in jobs.added(plain, "log.checkpoint")]
    assert handed == []
    plain.commit()
    assert sorted(handed) == sorted([job_id, checkpoint_id]) and notices.recorded(plain) == []
    assert stored(plain) == [(confirmation, "pending")]  # committed with the order


def test_a_notice_is_plain_json():
    stored = json.dumps(NOTICE.to_json())
    assert Notice.from_json(json.loads(stored)) == NOTICE


def test_a_notice_is_handed_over_after_the_commit_not_after_a_savepoint(plain, handed):
    notices.record(plain, NOTICE)
    with plain.begin_nested():
        pass
    assert handed == []
    plain.commit()
    assert len(handed) == 1 and stored(plain) == [(NOTICE, "pending")]
    plain.commit()
    assert len(handed) == 1  # once


def test_a_notice_is_dropped_when_the_transaction_rolls_back(plain, handed):
    notices.record(plain, NOTICE)
    plain.flush()
    nested = plain.begin_nested()
    nested.rollback()
    plain.rollback()
    plain.commit()
    assert handed == [] and stored(plain) == []


def test_a_notice_recorded_in_a_savepoint_that_rolls_back_is_dropped(plain, handed):
    kept = Notice("order_refund", "kept@example.com", "ko", {"order_number": "SS-2"})
    notices.record(plain, kept)
    nested = plain.begin_nested()
    notices.record(plain, NOTICE)
    with plain.begin_nested():
        notices.record(plain, NOTICE)
    nested.rollback()
    plain.commit()
    assert len(handed) == 1 and stored(plain) == [(kept, "pending")]


def test_a_session_closed_without_committing_forgets_its_notices(plain, handed):
    plain.connection()  # a transaction is under way
    notices.record(plain, NOTICE)
    plain.close()
    plain.commit()
    assert handed == [] and stored(plain) == []


def test_discarded_notices_are_not_stored_even_once_flushed(plain, handed):
    kept = Notice("order_refund", "kept@example.com", "ko", {"order_number": "SS-2"})
    notices.record(plain, NOTICE)
    plain.flush()
    notices.record(plain, NOTICE)
    notices.discard(plain)
    notices.record(plain, kept)
    plain.commit()
    assert len(handed) == 1 and stored(plain) == [(kept, "pending")]


def test_a_failing_hand_off_keeps_the_job_for_the_relay(plain, monkeypatch, caplog):
    def queue_down(job_id, due):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(jobs, "_dispatcher", [queue_down])
    notices.record(plain, NOTICE)
    plain.commit()
    assert "handing job" in caplog.text and stored(plain) == [(NOTICE, "pending")]
    assert jobs.lost(plain, utcnow() + timedelta(minutes=2), timedelta(minutes=1)) != []
