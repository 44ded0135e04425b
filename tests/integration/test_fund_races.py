"""On PostgreSQL: many orders paid at once against a small fund spend it to zero, never below."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from storefront.models import LedgerEntry, MatchingFund, Order
from storefront.services import ledger
from storefront.web.payments import deliver
from tests.factories import make_fund, make_product
from tests.helpers import buyer, run_together, session_object, signed

pytestmark = pytest.mark.postgres


def test_orders_paid_at_once_spend_a_small_fund_to_exactly_zero(app, session, shop):
    shop.fund.active = False  # only the small fund is open
    small = make_fund(session, budget=7000, name="작은 더블기부")
    product = make_product(session, shop.venture, stock=100, price=15000)  # gives 750, wants 750
    session.commit()
    order_ids = [r for r in run_together(app, 20, buyer(app, [(product.id, 1, 15000)])) if r]
    assert len(order_ids) == 20
    orders = [session.get(Order, oid) for oid in order_ids]
    assert all(
        line.fund_id == small.id and line.match_wanted == 750 for o in orders for line in o.lines
    )
    for order in orders:
        order.payment_session_id = f"cs_fund_race_{order.id}"
    session.commit()
    deliveries = [signed("checkout.session.completed", session_object(o)) for o in orders]
    outcomes = run_together(
        app, len(deliveries), lambda i: deliver(deliveries[i][0].encode(), deliveries[i][1])[0]
    )
    assert Counter(outcomes) == {"paid": 20}
    assert session.scalar(select(MatchingFund.remaining).where(MatchingFund.id == small.id)) == 0
    matched = session.scalars(
        select(LedgerEntry.amount).where(
            LedgerEntry.kind == "match", LedgerEntry.fund_id == small.id
        )
    ).all()
    # 9 orders matched in full (6,750), one got the last 250, ten were told they were not matched
    assert sum(matched) == 7000 and sorted(matched) == [250] + [750] * 9
    session.expire_all()
    totals = Counter(session.get(Order, oid).match_total for oid in order_ids)
    assert totals == {750: 9, 250: 1, 0: 10}
    donations = session.scalar(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "donation")
    )
    assert donations == 20
    assert ledger.verify(session)[1] is None
