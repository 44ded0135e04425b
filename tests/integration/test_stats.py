"""A venture's numbers against hand-checked figures, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime

import pytest

from storefront.domain.periods import Window
from storefront.models import LedgerEntry, Order, Refund
from storefront.services import ledger, stats
from tests.factories import Line, make_paid_order, make_product

NOV = datetime(2026, 11, 1, tzinfo=UTC)


def paid(session, venture, email, when, lines, number):
    """A paid order: ``lines`` are (product, quantity, shipping, status)."""
    specs = [Line(p, quantity=q, shipping=sh, status=st) for p, q, sh, st in lines]
    return make_paid_order(session, venture, specs, when=when, email=email, number=number)


@pytest.fixture
def history(session, shop):
    v = shop.venture
    p1 = make_product(session, v, title="쿠키", price=10000)
    p2 = make_product(session, v, title="누룽지", price=5000)
    other = make_product(session, shop.other_venture, title="가방", price=50000)
    # 20:00 UTC on 31 October is 05:00 on 1 November in Seoul
    paid(
        session,
        v,
        "a@example.com",
        datetime(2026, 10, 31, 20, 0, tzinfo=UTC),
        [(p1, 2, 3000, "paid")],
        "SS-1",
    )
    paid(
        session,
        v,
        "A@Example.com",
        datetime(2026, 11, 10, 3, 0, tzinfo=UTC),
        [(p1, 1, 3000, "shipped"), (p2, 1, 0, "delivered")],
        "SS-2",
    )
    cancelled = paid(
        session,
        v,
        "b@example.com",
        datetime(2026, 11, 20, 3, 0, tzinfo=UTC),
        [(p2, 3, 3000, "cancelled")],
        "SS-3",
    )
    paid(
        session,
        v,
        "c@example.com",
        datetime(2026, 10, 15, 3, 0, tzinfo=UTC),
        [(p1, 1, 0, "paid")],
        "SS-4",
    )
    paid(session, shop.other_venture, "a@example.com", datetime(2026, 11, 12, tzinfo=UTC),
         [(other, 1, 0, "paid")], "SS-5")  # fmt: skip
    line = cancelled.lines[0]
    refund = Refund(
        order_id=cancelled.id,
        order_line_id=line.id,
        amount=18000,
        currency="KRW",
        reason="line_cancelled",
        created_at=datetime(2026, 11, 21, tzinfo=UTC),
    )
    session.add(refund)
    session.flush()
    ledger.reverse_line(session, line, refund, datetime(2026, 11, 21, tzinfo=UTC))
    session.commit()
    return p1, p2


def test_monthly_figures_match_the_hand_count(session, shop, history):
    board = stats.dashboard(session, shop.venture.id, Window.ending(date(2026, 11, 27), "month", 2))
    october, november = board.periods
    assert (october.start, november.start) == (date(2026, 10, 1), date(2026, 11, 1))
    # November: SS-1 (2 cookies) and SS-2 (cookie + 누룽지); SS-3's only line was cancelled
    assert (november.revenue, november.orders, november.units, november.donations) == (
        35000,
        2,
        4,
        1750,
    )
    assert november.average_order_value == 17500
    assert november.returning_share_bp == 5000  # SS-2 is the same shopper as SS-1
    assert (october.revenue, october.orders, october.units, october.donations) == (10000, 1, 1, 500)
    assert october.returning_share_bp == 0
    assert board.change("revenue") == 25000  # +250%
    assert [(b.title, b.units, b.revenue) for b in board.best_sellers] == [
        ("쿠키", 4, 40000),
        ("누룽지", 1, 5000),
    ]


def test_daily_and_weekly_buckets_follow_seoul_time(session, shop, history):
    days = stats.dashboard(session, shop.venture.id, Window.ending(date(2026, 11, 27), "day", 30))
    by_day = {p.start: p.revenue for p in days.periods if p.revenue}
    assert by_day == {date(2026, 11, 1): 20000, date(2026, 11, 10): 15000}
    weeks = stats.dashboard(session, shop.venture.id, Window.ending(date(2026, 11, 27), "week", 6))
    by_week = {p.start: p.revenue for p in weeks.periods if p.revenue}
    # 1 November 2026 is a Sunday: its week starts on Monday 26 October
    assert by_week == {date(2026, 10, 26): 20000, date(2026, 11, 9): 15000}


def test_the_monthly_statement(session, shop, history):
    sheet = stats.statement(session, shop.venture.id, date(2026, 11, 1), fee_bp=500)
    assert (sheet.gross, sheet.refunds, sheet.donations) == (59000, 18000, 1750)
    assert sheet.fee == 2050  # 5% of 41,000
    assert sheet.payout == 59000 - 18000 - 2050 - 1750
    empty = stats.statement(session, shop.venture.id, date(2026, 9, 1), fee_bp=500)
    assert (empty.gross, empty.payout) == (0, 0)


def test_the_ledger_keeps_the_cancelled_lines_entries_and_adds_reversals(session, shop, history):
    from sqlalchemy import select

    entries = session.scalars(select(LedgerEntry).join(Order).where(Order.number == "SS-3")).all()
    assert sorted(e.amount for e in entries) == [-750, -750, 750, 750]
