"""On PostgreSQL: operators recording or correcting payouts at once never pay a cause more
than it is owed, and a payout is corrected once."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from storefront.domain.errors import PayoutRefused
from storefront.extensions import db
from storefront.models import Payout, utcnow
from storefront.services import ledger, payouts
from tests.factories import Line, make_paid_order
from tests.helpers import run_together

pytestmark = pytest.mark.postgres


def attempt(work):
    try:
        work(db.session())
    except PayoutRefused as refused:
        db.session.rollback()
        return refused.code
    db.session.commit()
    return "recorded"


def test_twelve_operators_paying_at_once_pay_no_more_than_the_cause_is_owed(
    app, session, shop, tmp_path
):
    make_paid_order(session, shop.venture, [Line(shop.product, donation=265_733, match=265_733)])
    session.commit()
    assert payouts.outstanding_for(session, shop.cause.id) == 531_466

    def pay(i):
        def work(s):
            return payouts.record(
                s, shop.cause.id, 300_000, date(2026, 11, 2), f"KB-{i}", "", None, tmp_path,
                None, "KRW", utcnow(),
            )  # fmt: skip

        return attempt(work)

    outcomes = run_together(app, 12, pay)
    assert Counter(outcomes) == {"recorded": 1, "payout.too_much": 11}
    paid = session.scalar(select(func.sum(Payout.amount)).where(Payout.cause_id == shop.cause.id))
    assert paid == 300_000
    assert payouts.outstanding_for(session, shop.cause.id) == 231_466
    assert app.test_cli_runner().invoke(args=["ledger", "verify"]).exit_code == 0


def test_eight_corrections_of_one_payout_at_once_record_exactly_one(app, session, shop, tmp_path):
    make_paid_order(session, shop.venture, [Line(shop.product)])
    paid = payouts.record(
        session, shop.cause.id, 1000, date(2026, 11, 2), "KB-1", "", None, tmp_path, None,
        "KRW", utcnow(),
    )  # fmt: skip
    session.commit()
    payout_id = paid.id

    def cancel(i):
        return attempt(
            lambda s: payouts.correct(s, s.get(Payout, payout_id), f"정정 {i}", None, utcnow())
        )

    outcomes = run_together(app, 8, cancel)
    assert Counter(outcomes) == {"recorded": 1, "payout.already_corrected": 7}
    corrections = session.scalars(select(Payout).where(Payout.corrects_id == payout_id)).all()
    assert [c.amount for c in corrections] == [-1000]
    assert ledger.verify(session)[1] is None
