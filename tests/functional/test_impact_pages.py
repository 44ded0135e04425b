"""The public impact page, and the quarterly report a venture files on the seller page."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storefront.domain.impact import Quarter, first_months
from storefront.domain.periods import SEOUL, to_utc
from storefront.models import ImpactReport, Membership, SalesBeforeJoining, utcnow
from storefront.services import accounts
from tests.factories import Line, make_paid_order, make_product, make_venture
from tests.helpers import PASSWORD, english, sign_in, text


def today():
    return utcnow().astimezone(SEOUL).date()


def listed_venture(session, *, monthly_goods=30_000, before=5_000, disability=3, total=10):
    """An approved venture about seven months in, with sales in its first months, its sales
    before joining and a report for this quarter."""
    joined = utcnow() - timedelta(days=220)
    venture = make_venture(session, reviewed_at=joined)
    product = make_product(session, venture, price=monthly_goods)
    for month in first_months(joined.astimezone(SEOUL).date()):
        when = to_utc(month) + timedelta(days=2)
        make_paid_order(session, venture, [Line(product)], when=when, record=False)
    session.add(SalesBeforeJoining(venture_id=venture.id, monthly_sales=before))
    quarter = Quarter.of(today())
    session.add(
        ImpactReport(
            venture_id=venture.id,
            year=quarter.year,
            quarter=quarter.number,
            disability=disability,
            total_employees=total,
        )
    )
    return venture


def test_the_impact_page_shows_the_figures_from_the_shops_data(client, session):
    listed_venture(session)  # 30,000 a month against 5,000 before: +500%
    listed_venture(session, monthly_goods=10_000, before=5_000, disability=1)  # +100%
    make_venture(session, reviewed_at=utcnow() - timedelta(days=3))  # still in its first months
    session.commit()
    page = text(english(client).get("/impact"))
    assert 'data-testid="kpi-ventures">3<' in page
    assert 'data-testid="kpi-first-months">₩20,000<' in page  # (30,000 + 10,000) // 2
    assert "over 2 ventures whose first 3 months are over; 1 more is still" in page
    assert 'data-testid="kpi-change">+300%<' in page  # (40,000 - 10,000) / 10,000
    assert 'data-testid="kpi-jobs">4<' in page
    assert page.count("<svg") == 3 and page.count("<details>") == 3
    assert 'aria-labelledby="jobs-title jobs-desc"' in page
    assert "₩0" in page.split('data-testid="chart-donations"')[1]  # nothing was recorded


def test_the_impact_page_speaks_korean_and_is_linked_from_every_page(client, session):
    page = text(client.get("/", headers={"Accept-Language": "ko"}))
    assert 'href="/impact"' in page
    impact_page = text(client.get("/impact", headers={"Accept-Language": "ko"}))
    assert "임팩트 리포트" in impact_page and "—" in impact_page  # nothing to show yet


def test_the_impact_page_runs_the_same_queries_for_two_or_twenty_ventures(
    client, session, count_queries, uncached
):
    for _ in range(2):
        listed_venture(session)
    session.commit()
    client.get("/impact")
    with count_queries() as small:
        assert client.get("/impact").status_code == 200
    for _ in range(18):
        listed_venture(session)
    session.commit()
    with count_queries() as large:
        page = text(english(client).get("/impact"))
    assert 'data-testid="kpi-ventures">20<' in page
    assert small.count == large.count


@pytest.fixture
def joined(session, shop, owner):
    """The owner's venture joined five months ago; the client is signed in as its owner."""
    shop.venture.reviewed_at = utcnow() - timedelta(days=150)
    session.commit()
    return shop.venture


def file(client, venture_id, **fields):
    data = {
        "quarter": Quarter.of(today()).key,
        "total_employees": "10",
        "disability": "3",
        "career_break_women": "1",
        "elderly": "0",
        "other": "0",
        "note": "",
        **fields,
    }
    return client.post(f"/seller/ventures/{venture_id}/impact", data=data)


def reports(session, venture_id):
    session.expire_all()
    return session.scalars(
        select(ImpactReport).filter_by(venture_id=venture_id).order_by(ImpactReport.id)
    ).all()


def test_a_venture_files_its_quarterly_report_and_corrects_it(client, session, joined):
    page = text(client.get(f"/seller/ventures/{joined.id}/impact"))
    assert 'data-testid="report-form"' in page and Quarter.of(today()).key in page
    response = file(client, joined.id, note="첫 보고")
    assert response.status_code == 302
    corrected = file(client, joined.id, disability="4")
    assert corrected.status_code == 302
    filed = reports(session, joined.id)
    assert [(r.disability, r.superseded_at is None) for r in filed] == [(3, False), (4, True)]
    history = text(client.get(f"/seller/ventures/{joined.id}/impact"))
    assert "corrected" in history.split('data-testid="report-history"')[1]
    again = text(
        client.get(
            f"/seller/ventures/{joined.id}/impact?quarter={filed[0].year}-Q{filed[0].quarter}"
        )
    )
    assert re.search(r'name="disability"[^>]*value="4"', again)  # prefilled to correct it


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"disability": "8", "career_break_women": "3"}, "cannot be more than the people employed"),
        ({"elderly": "-1"}, "Enter a whole number of people, 0 or more."),
        ({"total_employees": "ten"}, "Not a valid integer value"),
        ({"total_employees": ""}, "Enter a number of people (0 if none)."),
        ({"quarter": "2099-Q1"}, "not a future quarter"),
        ({"quarter": "2001-Q1"}, "from the one your venture joined in"),
        ({"quarter": "last year"}, "Choose a quarter from the list."),
        ({"note": "x" * 501}, "500"),
    ],
)
def test_a_report_that_breaks_a_rule_is_refused_with_a_clear_message(
    client, session, joined, fields, message
):
    response = file(client, joined.id, **fields)
    assert response.status_code == 400
    assert message in text(response)
    assert reports(session, joined.id) == []


def test_staff_may_file_but_another_venture_may_not(client, session, shop, joined):
    other = accounts.sign_up(session, "other@example.com", "남의직원", PASSWORD)
    session.add(Membership(user_id=other.id, venture_id=shop.other_venture.id, role="owner"))
    staff = accounts.sign_up(session, "staff@example.com", "직원", PASSWORD)
    session.add(Membership(user_id=staff.id, venture_id=joined.id, role="staff"))
    session.commit()
    outsider = english(client.application.test_client())
    sign_in(outsider, email="other@example.com")
    assert file(outsider, joined.id).status_code == 404
    assert outsider.get(f"/seller/ventures/{joined.id}/impact").status_code == 404
    sales = f"/seller/ventures/{joined.id}/impact/sales-before"
    assert outsider.post(sales, data={"monthly_sales": "1"}).status_code == 404
    assert reports(session, joined.id) == []
    helper = english(client.application.test_client())
    sign_in(helper, email="staff@example.com")
    assert file(helper, joined.id).status_code == 302
    assert reports(session, joined.id)[0].submitted_by_id == staff.id


def test_sales_before_joining_are_reported_once(client, session, joined):
    url = f"/seller/ventures/{joined.id}/impact/sales-before"
    assert client.post(url, data={"monthly_sales": "-5"}).status_code == 400
    assert client.post(url, data={"monthly_sales": "2500000"}).status_code == 302
    second = client.post(url, data={"monthly_sales": "1"})
    assert second.status_code == 409 and "reported already" in text(second)
    count = session.scalar(select(func.count()).select_from(SalesBeforeJoining))
    assert count == 1 and session.get(SalesBeforeJoining, joined.id).monthly_sales == 2_500_000
    page = text(client.get(f"/seller/ventures/{joined.id}/impact"))
    assert "₩2,500,000" in page and 'data-testid="sales-before-form"' not in page


def test_a_venture_waiting_for_review_cannot_file_yet(client, session, shop, owner):
    shop.venture.status = "pending"
    session.commit()
    page = text(client.get(f"/seller/ventures/{shop.venture.id}/impact"))
    assert 'data-testid="not-approved"' in page and 'data-testid="report-form"' not in page
    response = file(client, shop.venture.id)
    assert response.status_code == 400 and "once it is approved" in text(response)
