"""The public impact figures, computed on hand-built data whose answers were counted by hand."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storefront.domain.errors import ReportRefused
from storefront.domain.impact import JobsReport, Quarter
from storefront.models import ImpactReport, SalesBeforeJoining
from storefront.services import accounts, impact, ledger
from tests.factories import Line, make_paid_order, make_product, make_venture
from tests.helpers import PASSWORD

TODAY = date(2026, 11, 20)  # Seoul


def at(*parts):
    return datetime(*parts, tzinfo=UTC)


def sale(session, venture, when, amount, *, status="paid", record=False, order_status="paid"):
    product = make_product(session, venture, price=amount)
    order = make_paid_order(
        session, venture, [Line(product, status=status)], when=when, record=record
    )
    order.status = order_status
    return order


def report(session, venture, year, quarter, total, superseded=None, **groups):
    session.add(
        ImpactReport(
            venture_id=venture.id,
            year=year,
            quarter=quarter,
            total_employees=total,
            superseded_at=superseded,
            **groups,
        )
    )


@pytest.fixture
def shop_history(session):
    # A joined 15 March (Seoul): its first months are April, May and June.
    a = make_venture(session, reviewed_at=at(2026, 3, 15, 1, 0))
    sale(session, a, at(2026, 3, 20, 3, 0), 77_000)  # the month it joined: not counted
    sale(session, a, at(2026, 4, 5, 3, 0), 30_000, record=True)
    sale(session, a, at(2026, 5, 10, 3, 0), 20_000)
    sale(session, a, at(2026, 5, 11, 3, 0), 50_000, status="cancelled")  # refunded: not a sale
    # stock gone on arrival: the payment was refunded and the line never sold
    sale(session, a, at(2026, 5, 12, 3, 0), 40_000, status="new", order_status="refunded")
    sale(session, a, at(2026, 6, 30, 14, 30), 10_000)  # 23:30 on 30 June in Seoul: June
    sale(session, a, at(2026, 6, 30, 15, 30), 99_000)  # 00:30 on 1 July in Seoul: not counted
    # A: 60,000 over three months, 20,000 a month
    session.add(SalesBeforeJoining(venture_id=a.id, monthly_sales=8_000))

    # B joined 31 January at 23:00 in Seoul: February, March and April.
    b = make_venture(session, reviewed_at=at(2026, 1, 31, 14, 0))
    sale(session, b, at(2026, 1, 31, 15, 10), 100_000, record=True)  # 1 February in Seoul
    sale(session, b, at(2026, 4, 15, 3, 0), 1_000)
    # B: 101,000 over three months, 33,666 a month (rounded down)
    session.add(SalesBeforeJoining(venture_id=b.id, monthly_sales=12_000))

    # C joined at 01:00 on 1 March in Seoul (still February in UTC): April to June.
    c = make_venture(session, reviewed_at=at(2026, 2, 28, 16, 0))
    sale(session, c, at(2026, 3, 10, 3, 0), 50_000)  # the month it joined
    sale(session, c, at(2026, 5, 5, 3, 0), 9_000)  # C: 3,000 a month; no sales before reported

    # D joined in September: its first months (October to December) are not over.
    d = make_venture(session, reviewed_at=at(2026, 9, 10, 3, 0))
    sale(session, d, at(2026, 10, 10, 3, 0), 500_000)
    session.add(SalesBeforeJoining(venture_id=d.id, monthly_sales=5_000))

    # E is still waiting for review: not listed, its sales and reports do not count.
    e = make_venture(session, status="pending")
    sale(session, e, at(2026, 5, 5, 3, 0), 800_000)
    session.add(SalesBeforeJoining(venture_id=e.id, monthly_sales=1))

    # F was approved before approval dates were kept: listed, not measured.
    f = make_venture(session)

    report(session, a, 2026, 2, 10, superseded=at(2026, 7, 2), disability=2, career_break_women=1)
    report(session, a, 2026, 2, 10, disability=3, career_break_women=1)  # the correction
    report(session, a, 2026, 3, 12, disability=4, elderly=1)  # A's latest: 5
    report(session, b, 2026, 1, 5, other=2)  # B's latest (and only): 2
    report(session, e, 2026, 3, 20, disability=9)
    session.commit()
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def test_the_figures_counted_by_hand(session, shop_history):
    figures = impact.impact(session, TODAY)
    assert figures.ventures_listed == 5  # A, B, C, D and F
    # (20,000 + 33,666 + 3,000) // 3
    assert figures.first_months_average == 18_888
    assert (figures.first_months_ventures, figures.in_first_months) == (3, 1)
    # A and B reported sales before: (53,666 - 20,000) / 20,000 = 1.6833 -> 16,833 bp
    assert (figures.sales_after_total, figures.sales_before_total) == (53_666, 20_000)
    assert (figures.change_bp, figures.change_ventures) == (16_833, 2)
    # each venture's latest report: A's third quarter (4 + 1) and B's first (2)
    assert figures.jobs_now == 7 and figures.jobs_ventures == 2
    assert figures.jobs_by_group == {
        "disability": 4,
        "career_break_women": 0,
        "elderly": 1,
        "other": 2,
    }
    per_quarter = {q.quarter: (q.vulnerable, q.ventures) for q in figures.jobs_by_quarter}
    assert len(figures.jobs_by_quarter) == 8 and figures.jobs_by_quarter[-1].quarter == Quarter(
        2026, 4
    )
    assert per_quarter[Quarter(2026, 1)] == (2, 1)
    assert per_quarter[Quarter(2026, 2)] == (4, 1)  # the correction, not the superseded report
    assert per_quarter[Quarter(2026, 3)] == (5, 1)  # E is not approved
    assert per_quarter[Quarter(2026, 4)] == (0, 0)


def test_the_money_and_the_charts_counted_by_hand(session, shop_history):
    figures = impact.impact(session, TODAY)
    # 5% of 30,000 and of 100,000, each matched: 3,000 + 10,000
    assert figures.donated == 13_000 == ledger.total_pledged(session)
    months = [start for start, _amount in figures.donations_by_month]
    assert (months[0], months[-1], len(months)) == (date(2025, 12, 1), date(2026, 11, 1), 12)
    donations = dict(figures.donations_by_month)
    assert donations[date(2026, 2, 1)] == 10_000 and donations[date(2026, 4, 1)] == 3_000
    assert sum(donations.values()) == 13_000
    listed = dict(figures.ventures_by_month)
    # F from the start; B in January; A and C in March (C by Seoul time); D in September
    assert listed[date(2025, 12, 1)] == 1
    assert listed[date(2026, 1, 1)] == listed[date(2026, 2, 1)] == 2
    assert listed[date(2026, 3, 1)] == listed[date(2026, 8, 1)] == 4
    assert listed[date(2026, 9, 1)] == listed[date(2026, 11, 1)] == 5


def test_shoppers_gifts_are_shown_apart_from_what_the_ventures_sales_gave(session, shop_history):
    a = shop_history["a"]
    product = make_product(session, a, price=40_000)
    # 7 April: ₩40,000 of goods (₩2,000 given, ₩2,000 matched) and a ₩5,000 gift
    make_paid_order(session, a, [Line(product)], when=at(2026, 4, 7, 3, 0), gift=5_000)
    session.flush()
    figures = impact.impact(session, TODAY)
    assert ledger.total_pledged(session) == 13_000 + 4_000 + 5_000
    assert figures.donated == 13_000 + 4_000 and figures.gifts == 5_000
    donations = dict(figures.donations_by_month)
    assert donations[date(2026, 4, 1)] == 3_000 + 4_000
    assert sum(donations.values()) == figures.donated
    assert ledger.given_by_venture(session, a.id) == (1_500 + 2_000, 1_500 + 2_000)


def test_an_empty_shop_has_no_figures_to_show(session):
    figures = impact.impact(session, TODAY)
    assert figures.ventures_listed == 0 and figures.first_months_average is None
    assert figures.change_bp is None and figures.jobs_now == 0 and figures.donated == 0
    assert figures.gifts == 0


def test_a_venture_owns_first_months_figure_matches_the_public_one(session, shop_history):
    a = shop_history["a"]
    mine = impact.first_months_of(session, a, 8_000, TODAY)
    assert mine is not None and mine.over
    assert (mine.monthly_average, mine.change_bp) == (20_000, 15_000)  # +150%
    d = impact.first_months_of(session, shop_history["d"], 5_000, TODAY)
    assert d is not None and not d.over and d.change_bp is None


@pytest.fixture
def member(session):
    return accounts.sign_up(session, "m@example.com", "김직원", PASSWORD)


def test_filing_again_for_a_quarter_supersedes_the_report_and_keeps_it(session, member):
    venture = make_venture(session, reviewed_at=at(2026, 3, 15, 1, 0))
    now = at(2026, 11, 20, 3, 0)
    first = JobsReport(Quarter(2026, 3), 10, {"disability": 2})
    impact.file_report(session, venture, member, first, "", now)
    corrected = JobsReport(Quarter(2026, 3), 10, {"disability": 3, "elderly": 1})
    impact.file_report(session, venture, member, corrected, " 정정 ", now)
    session.commit()
    rows = [r for r, _name in impact.reports_of(session, venture.id)]
    assert [(r.disability, r.superseded_at is None) for r in rows] == [(3, True), (2, False)]
    assert rows[0].note == "정정" and rows[0].vulnerable == 4
    assert rows[0].submitted_by_id == member.id


def test_reports_for_the_future_or_before_joining_are_refused(session, member):
    venture = make_venture(session, reviewed_at=at(2026, 3, 15, 1, 0))
    now = at(2026, 11, 20, 3, 0)
    for quarter in (Quarter(2027, 1), Quarter(2025, 4)):
        with pytest.raises(ReportRefused):
            impact.file_report(session, venture, member, JobsReport(quarter, 1, {}), "", now)
    assert impact.reports_of(session, venture.id) == []


def test_the_database_keeps_one_current_report_per_quarter(session):
    venture = make_venture(session, reviewed_at=at(2026, 3, 15, 1, 0))
    report(session, venture, 2026, 3, 5)
    report(session, venture, 2026, 3, 6)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_the_database_refuses_more_vulnerable_people_than_employees(session):
    venture = make_venture(session, reviewed_at=at(2026, 3, 15, 1, 0))
    report(session, venture, 2026, 3, 1, disability=2)
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_sales_before_joining_are_reported_once(session, member):
    venture = make_venture(session, reviewed_at=at(2026, 3, 15, 1, 0))
    impact.report_sales_before(session, venture, member, 3_000_000, at(2026, 4, 1))
    with pytest.raises(impact.AlreadyReported):
        impact.report_sales_before(session, venture, member, 1, at(2026, 4, 2))
    session.commit()
    stored = session.scalars(select(SalesBeforeJoining)).one()
    assert (stored.monthly_sales, stored.reported_by_id) == (3_000_000, member.id)


def test_reportable_quarters_run_from_joining_to_now(session):
    venture = make_venture(session, reviewed_at=at(2026, 3, 15, 1, 0))
    assert impact.reportable_quarters(venture, TODAY) == [
        Quarter(2026, 4),
        Quarter(2026, 3),
        Quarter(2026, 2),
        Quarter(2026, 1),
    ]
    assert impact.reportable_quarters(venture, TODAY, most=2) == [
        Quarter(2026, 4),
        Quarter(2026, 3),
    ]
    assert impact.reportable_quarters(make_venture(session, status="pending"), TODAY) == []
