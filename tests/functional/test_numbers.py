"""The numbers page, the statement and the CSV exports, as the venture's owner sees them."""

import csv
import io

from sqlalchemy import select

from storefront.models import Membership, Order, utcnow
from tests.factories import Line, make_paid_order
from tests.helpers import (
    add_to_cart,
    base,
    lose_the_hold_to_a_rival,
    mark_test_session_paid,
    pay,
    place_order,
    send_event,
    session_object,
    text,
)


def buy_as(app, shop, product, quantity, email):
    shopper = app.test_client()
    add_to_cart(shopper, product.id, quantity)
    pay(
        shopper,
        place_order(shopper, email=email, name='=HYPERLINK("http://evil")').headers["Location"],
    )


def test_the_numbers_page_shows_todays_sales(app, client, session, shop, owner):
    buy_as(app, shop, shop.product, 2, "a@example.com")
    buy_as(app, shop, shop.product, 1, "a@example.com")
    page = text(client.get(f"/seller/ventures/{shop.venture.id}/numbers?grain=day"))
    assert 'data-testid="kpi-revenue">₩45,000<' in page
    assert 'data-testid="kpi-orders">2<' in page
    assert 'data-testid="kpi-aov">₩22,500<' in page
    assert 'data-testid="kpi-returning">50%<' in page
    assert 'data-testid="kpi-donations">₩2,250<' in page
    assert "<svg" in page and shop.product.title in page.split('data-testid="best-sellers"')[1]
    for grain in ("week", "month", "bogus"):
        assert (
            client.get(f"/seller/ventures/{shop.venture.id}/numbers?grain={grain}").status_code
            == 200
        )


def test_the_statement_and_its_csv(app, client, session, shop, owner):
    buy_as(app, shop, shop.product, 2, "a@example.com")  # 30,000, free shipping
    page = text(client.get(f"/seller/ventures/{shop.venture.id}/statement"))
    # 30,000 gross, 5% fee 1,500, the venture's 5% donation 1,500: 27,000 due
    assert 'data-testid="payout">₩27,000<' in page
    response = client.get(f"/seller/ventures/{shop.venture.id}/statement?format=csv")
    body = response.get_data()
    assert response.mimetype == "text/csv" and body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][-1] == "payout_due" and rows[1][1:] == [
        "30000",
        "0",
        "500",
        "1500",
        "1500",
        "27000",
    ]
    assert (
        client.get(f"/seller/ventures/{shop.venture.id}/statement?month=2026-13").status_code == 404
    )


def test_the_orders_csv_opens_in_excel_with_korean_text_and_no_formulas(
    app, client, session, shop, owner
):
    buy_as(app, shop, shop.product, 2, "a@example.com")
    order = session.scalars(select(Order)).one()
    response = client.get(f"/seller/ventures/{shop.venture.id}/orders.csv")
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body[:3] == b"\xef\xbb\xbf"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][0] == order.number and rows[1][2] == shop.product.title  # Korean intact
    assert rows[0][12] == "recipient" and rows[1][12].startswith("'=")  # stays text
    assert order.email not in body.decode("utf-8-sig")


def test_the_dashboard_runs_the_same_queries_for_ten_or_a_hundred_orders(
    app, client, session, shop, owner, count_queries
):

    def grow(n, start):
        for i in range(n):
            make_paid_order(
                session,
                shop.venture,
                [Line(shop.cheap)],
                when=utcnow(),
                email=f"s{i % 7}@example.com",
                number=f"SS-Q{start + i}",
            )
        session.commit()

    url = f"/seller/ventures/{shop.venture.id}/numbers?grain=day"
    grow(10, 0)
    client.get(url)
    with count_queries() as small:
        client.get(url)
    grow(90, 10)
    with count_queries() as large:
        assert 'data-testid="kpi-orders">100<' in text(client.get(url))
    assert small.count == large.count


def test_months_far_outside_the_calendar_are_not_found(client, shop, owner):
    for month in ("0001-01", "9999-12", "1999-12"):
        assert client.get(f"{base(shop)}/statement?month={month}").status_code == 404
        assert client.get(f"{base(shop)}/orders.csv?month={month}").status_code == 404


def test_a_payment_refunded_on_arrival_is_not_counted_as_a_sale(app, client, session, shop, owner):
    shopper = app.test_client()
    add_to_cart(shopper, shop.last_one.id)
    place_order(shopper)
    order = session.scalars(select(Order)).one()
    lose_the_hold_to_a_rival(app, session, order, shop.last_one.id)
    mark_test_session_paid(session, order, "pi_late")
    send_event(
        client, "checkout.session.completed", session_object(order, payment_intent="pi_late")
    )
    assert session.get(Order, order.id).status == "refunded"
    other = f"/seller/ventures/{shop.other_venture.id}"
    session.add(Membership(user_id=owner.id, venture_id=shop.other_venture.id, role="owner"))
    session.commit()
    assert 'data-testid="payout">₩0<' in text(client.get(f"{other}/statement"))
    assert 'data-testid="kpi-revenue">₩0<' in text(client.get(f"{other}/numbers"))
    assert order.number not in text(client.get(f"{other}/orders"))
