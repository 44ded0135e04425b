"""Matching funds on SQLite and PostgreSQL: draws never overspend, refunds give back, top-ups
and payouts are append-only, and balances add up."""

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from storefront.domain.errors import FundError, PayoutRefused
from storefront.models import FundTopUp, LedgerEntry, MatchingFund, Refund, utcnow
from storefront.services import funds, ledger, payouts
from tests.factories import Line, make_fund, make_paid_order


def remaining(session, fund):
    return session.scalar(select(MatchingFund.remaining).where(MatchingFund.id == fund.id))


def test_a_fund_gives_what_it_has_then_nothing_and_the_entries_say_so(session, shop):
    small = make_fund(session, budget=1000, name="작은 기금")
    orders = [
        make_paid_order(session, shop.venture, [Line(shop.product)], fund=small)  # wants 750
        for _ in range(3)
    ]
    session.commit()
    assert [o.match_total for o in orders] == [750, 250, 0]
    assert remaining(session, small) == 0
    [partial] = session.scalars(
        select(LedgerEntry).where(LedgerEntry.order_id == orders[1].id, LedgerEntry.kind == "match")
    ).all()
    assert partial.amount == 250 and partial.fund_id == small.id
    assert partial.rule.endswith("fund gave 250 of 750")
    kinds = session.scalars(
        select(LedgerEntry.kind).where(LedgerEntry.order_id == orders[2].id)
    ).all()
    assert kinds == ["donation"]  # not matched, and no zero entry
    assert [line.match_shortfall for line in orders[2].lines] == [750]


def test_a_fund_closed_after_checkout_gives_nothing_when_the_order_is_paid(session, shop):
    closed = make_fund(session, budget=5000)
    closed.active = False
    order = make_paid_order(session, shop.venture, [Line(shop.product)], fund=closed)
    assert order.match_total == 0 and remaining(session, closed) == 5000
    assert [line.match_shortfall for line in order.lines] == [750]


def test_a_partial_draw_is_shared_between_the_lines(session, shop):
    small = make_fund(session, budget=1001)
    order = make_paid_order(
        session,
        shop.venture,
        [Line(shop.product, donation=1000, match=1000), Line(shop.cheap, donation=500, match=500)],
        fund=small,
    )
    assert [line.match_amount for line in order.lines] == [667, 334]  # 1001 shared 2:1
    assert remaining(session, small) == 0


def test_top_ups_raise_the_budget_and_are_append_only(session, shop):
    fund = make_fund(session, budget=5000)
    funds.top_up(session, fund, 2500, "추가 후원", None, utcnow())
    session.commit()
    session.refresh(fund)
    assert (fund.budget, fund.remaining) == (7500, 7500)
    assert [t.amount for t in funds.top_ups(session, fund.id)] == [5000, 2500]
    with pytest.raises(FundError):
        funds.top_up(session, fund, 0, "", None, utcnow())
    for statement in ("UPDATE fund_top_up SET amount = 1", "DELETE FROM fund_top_up"):
        with pytest.raises(DatabaseError, match="append-only"):
            session.execute(text(statement))
        session.rollback()
    assert session.scalar(select(FundTopUp.amount).order_by(FundTopUp.id.desc())) == 2500


def test_the_database_refuses_a_fund_below_zero(session, shop):
    fund = make_fund(session, budget=100)
    session.commit()
    with pytest.raises(DatabaseError):
        session.execute(text(f"UPDATE matching_fund SET remaining = -1 WHERE id = {fund.id}"))
    session.rollback()


def test_a_line_cancelled_after_a_partial_refund_reverses_only_what_is_left(session, shop):
    order = make_paid_order(session, shop.venture, [Line(shop.product, quantity=2)])
    refund = Refund(order_id=order.id, amount=10000, currency="KRW", reason="operator")
    session.add(refund)
    session.flush()
    ledger.reverse_share(session, order, refund, 30000, utcnow())
    line_refund = Refund(order_id=order.id, amount=20000, currency="KRW", reason="line_cancelled")
    session.add(line_refund)
    session.flush()
    ledger.reverse_line(session, order.lines[0], line_refund, utcnow())
    amounts = session.scalars(
        select(LedgerEntry.amount).where(LedgerEntry.order_id == order.id).order_by(LedgerEntry.id)
    ).all()
    assert amounts == [1500, 1500, -500, -500, -1000, -1000]


def test_balances_per_cause_venture_and_fund_add_up(session, shop, tmp_path):
    second = make_fund(session, budget=10**9, name="둘째 기금")
    make_paid_order(session, shop.venture, [Line(shop.product, donation=1000, match=1000)])
    make_paid_order(
        session, shop.other_venture, [Line(shop.last_one, donation=2000, match=2000,
                                           cause_id=shop.cause.id)], fund=second,
    )  # fmt: skip
    make_paid_order(session, shop.other_venture, [Line(shop.last_one, donation=700, match=0)])
    payouts.record(
        session, shop.cause.id, 3001, date(2026, 11, 1), "KB-1", "", None, tmp_path, None,
        "KRW", utcnow(),
    )  # fmt: skip
    session.commit()
    causes = {b.key: (b.pledged, b.reversed, b.paid_out, b.outstanding) for b in
              payouts.cause_balances(session)}  # fmt: skip
    assert causes == {shop.cause.id: (6000, 0, 3001, 2999), shop.other_cause.id: (700, 0, 0, 700)}
    ventures = {b.key: (b.net, b.paid_out, b.outstanding) for b in
                payouts.venture_balances(session)}  # fmt: skip
    # ₩3,001 to the cause settles its ₩2,000 and ₩4,000 pledges 1:2, the odd won to the larger
    assert ventures == {
        shop.venture.id: (2000, 1000, 1000),
        shop.other_venture.id: (4700, 2001, 2699),
    }
    by_fund = {b.key: (b.net, b.paid_out) for b in payouts.fund_balances(session)}
    # matches are half of what the cause was given, so half the payout (rounded down) is theirs
    assert sum(d for _n, d in by_fund.values()) == 1500
    assert {k: n for k, (n, _d) in by_fund.items()} == {
        f.id: n for f, n in ((_factory_fund(session), 1000), (second, 2000))
    }
    with pytest.raises(PayoutRefused) as refused:
        payouts.record(
            session, shop.cause.id, 3000, date(2026, 11, 2), "KB-2", "", None, tmp_path, None,
            "KRW", utcnow(),
        )  # fmt: skip
    assert (refused.value.code, refused.value.params) == ("payout.too_much", {"owed": 2999})


def _factory_fund(session):
    return session.scalar(select(MatchingFund).where(MatchingFund.name == "factory fund"))


def test_payouts_are_append_only_and_corrected_by_a_new_entry(session, shop, tmp_path):
    make_paid_order(session, shop.venture, [Line(shop.product)])
    paid = payouts.record(
        session, shop.cause.id, 1000, date(2026, 11, 1), "KB-1", "", None, tmp_path, None,
        "KRW", utcnow(),
    )  # fmt: skip
    session.commit()
    for statement in ("UPDATE payout SET amount = 1", "DELETE FROM payout"):
        with pytest.raises(DatabaseError, match="append-only"):
            session.execute(text(statement))
        session.rollback()
    with pytest.raises(PayoutRefused) as silent:
        payouts.correct(session, paid, "  ", None, utcnow())
    assert silent.value.code == "payout.why"
    correction = payouts.correct(session, paid, "잘못 입력", None, utcnow())
    assert (correction.amount, correction.corrects_id) == (-1000, paid.id)
    with pytest.raises(PayoutRefused) as twice:
        payouts.correct(session, paid, "또 정정", None, utcnow())
    assert twice.value.code == "payout.already_corrected"
    assert payouts.corrected_ids(session, [paid.id]) == {paid.id: correction.id}
    assert payouts.outstanding_for(session, shop.cause.id) == 1500


def test_verify_reports_a_fund_whose_counter_was_changed(app, session, shop):
    make_paid_order(session, shop.venture, [Line(shop.product)])
    session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0
    session.execute(
        text(f"UPDATE matching_fund SET remaining = remaining + 5 WHERE id = {shop.fund.id}")
    )
    session.commit()
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 1 and f"Fund {shop.fund.id}" in result.output


def test_the_running_totals_follow_the_entries_and_verify_names_one_that_does_not(
    app, session, shop
):
    from storefront.models import LedgerSum

    make_paid_order(session, shop.venture, [Line(shop.product, quantity=2)])
    make_paid_order(session, shop.venture, [Line(shop.product)])
    session.commit()
    assert ledger.total_pledged(session) == 4500 and ledger.sums_that_differ(session) == []
    [row] = session.scalars(select(LedgerSum).where(LedgerSum.kind == "donation")).all()
    assert (row.amount, row.entries) == (2250, 2)
    session.execute(text(f"UPDATE ledger_sum SET amount = amount + 1 WHERE id = {row.id}"))
    session.commit()
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 1 and f"venture {shop.venture.id}" in result.output
