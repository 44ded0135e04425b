"""Property: for any sequence of paid orders, partial and full refunds and payouts, every
balance equals what the saved rules give, and nothing goes negative.

The rules are replayed here independently of the shop's code: a donation is the goods times
the giving rate rounded down, the match what the fund still had (up to donation x rate), a
refund of ``r`` when ``b`` was unrefunded reverses ``left x r / b`` of each pledge rounded down
(all of it when ``r == b``), and a payout never exceeds what the cause is owed.
"""

from __future__ import annotations

from datetime import date
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from storefront.models import LedgerEntry, MatchingFund, utcnow
from storefront.payments.base import RefundResult
from storefront.services import funds, ledger, payouts, refunds
from tests.factories import Line, make_cause, make_fund, make_paid_order, make_product, make_venture

_keys = count()


class Provider:
    """The payment service's side of a refund: it always succeeds here."""

    name = "test"

    def refund(self, payment_intent: str, amount: int, idempotency_key: str) -> RefundResult:
        return RefundResult(id=f"re_{idempotency_key}", amount=amount, status="succeeded")


order_step = st.tuples(st.just("order"), st.integers(1, 3), st.sampled_from([990, 15000, 33333]))
refund_step = st.tuples(st.just("refund"), st.integers(0, 20), st.integers(1, 100))
payout_step = st.tuples(st.just("payout"), st.integers(1, 100), st.just(0))
steps = st.lists(st.one_of(order_step, refund_step, payout_step), min_size=1, max_size=14)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps, budget=st.integers(1, 4000), giving=st.sampled_from([100, 500, 1250]))
def test_balances_follow_the_saved_rules_and_never_go_negative(
    session, tmp_path, steps, budget, giving
):
    cause = make_cause(session)
    venture = make_venture(session, cause, giving_rate_bp=giving)
    product = make_product(session, venture, price=1000, stock=10**6)
    fund = make_fund(session, budget=budget, venture_ids=[venture.id])
    model_fund = budget
    orders: list = []  # (order, {entry id: what is left}, unrefunded)
    paid_out = 0
    for kind, a, b in steps:
        if kind == "order":
            order = make_paid_order(
                session, venture, [Line(product, quantity=a, unit_price=b,
                                        donation=a * b * giving // 10000)], fund=fund,
            )  # fmt: skip
            donation = a * b * giving // 10000
            match = min(donation, model_fund)  # 1:1, as much as the fund still had
            model_fund -= match
            assert (order.donation_total, order.match_total) == (donation, match)
            entries = ledger.order_entries(session, order.id)
            assert sorted(e.amount for e in entries) == sorted(x for x in (donation, match) if x)
            orders.append([order, {e.id: e.amount for e in entries}, order.total])
        elif kind == "refund" and orders:
            state = orders[a % len(orders)]
            order, left, unrefunded = state
            if unrefunded == 0:
                continue
            amount = max(1, unrefunded * b // 100)
            refunds.refund_order(
                session, Provider(), order, amount, f"k{next(_keys)}", "", utcnow()
            )
            for entry_id, was in left.items():
                taken = was if amount == unrefunded else was * amount // unrefunded
                left[entry_id] = was - taken
                if taken and session.get(LedgerEntry, entry_id).kind == "match":
                    model_fund += taken
            state[2] = unrefunded - amount
        elif kind == "payout":
            owed = payouts.outstanding_for(session, cause.id)
            amount = owed * a // 100
            if amount > 0:
                payouts.record(
                    session, cause.id, amount, date(2026, 11, 1), "R", "", None, tmp_path, None,
                    "KRW", utcnow(),
                )  # fmt: skip
                paid_out += amount
    session.commit()

    # each pledge is what the replayed rules left of it, and never below zero
    for order, left, _unrefunded in orders:
        net = {
            e.id: e.amount for e in ledger.order_entries(session, order.id) if e.reverses_id is None
        }
        for e in ledger.order_entries(session, order.id):
            if e.reverses_id is not None:
                net[e.reverses_id] += e.amount
        assert net == left and all(v >= 0 for v in net.values())
    fresh = session.scalar(select(MatchingFund).where(MatchingFund.id == fund.id))
    session.refresh(fresh)
    assert fresh.remaining == model_fund >= 0
    [fund_balance] = [b for b in funds.balances(session) if b.fund.id == fund.id]
    assert fund_balance.consistent
    pledged_left = sum(sum(left.values()) for _o, left, _u in orders)
    [cause_balance] = [b for b in payouts.cause_balances(session) if b.key == cause.id] or [
        payouts.Balance(cause.id, "", 0, 0, 0)
    ]
    assert cause_balance.net == pledged_left and cause_balance.paid_out == paid_out
    assert cause_balance.outstanding == max(pledged_left - paid_out, 0)
    for b in (
        cause_balance,
        *payouts.venture_balances(session),
        *payouts.fund_balances(session),
    ):
        assert min(b.pledged, b.reversed, b.paid_out, b.outstanding, b.paid_ahead) >= 0
    [venture_balance] = [b for b in payouts.venture_balances(session) if b.key == venture.id] or [
        payouts.Balance(venture.id, "", 0, 0, 0)
    ]
    assert venture_balance.paid_out == min(paid_out, pledged_left)  # the only venture of its cause
    assert ledger.verify(session)[1] is None
    # refunds after payouts leave the cause paid ahead, never paid more than it was owed
    assert ledger.payout_problems(session) == ([], [])
