"""Donation statements: asked for with an email and a period, sent only to that address."""

import io
import re
import time
from datetime import UTC, date, datetime

import pytest
from itsdangerous.timed import TimestampSigner
from pypdf import PdfReader

from storefront.domain.periods import SEOUL
from storefront.domain.receipts import StatementPeriod
from storefront.models import utcnow
from storefront.services.receipts import StatementLinks
from tests.factories import Line, make_paid_order, refund_line
from tests.helpers import (
    amounts,
    cell,
    embedded_font_subsets,
    english,
    pdf_text,
    row,
    text,
)

YEAR_2026 = StatementPeriod(date(2026, 1, 1), date(2026, 12, 31))
REFUNDED = datetime(2026, 3, 12, 6, 0, tzinfo=UTC)
SENT = "If there are paid orders for this address in that period"


def ask(client, email="buyer@example.com", start="2026-01-01", end="2026-12-31"):
    return client.post(
        "/receipts/statement",
        data={"email": email, "start": start, "end": end},
        follow_redirects=True,
    )


def link_in(message):
    found = re.search(r"http://shop\.test(/receipts/statement/\S+)", message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture
def history(session, shop):
    """buyer@example.com's orders, hand-counted for 2026 (Seoul dates):

    A  10 Mar        2 cookie sets + 누룽지 -> 징검다리재단 1,665 + 1,665 matched; 누룽지 refunded
                     (-165 / -165) -> 1,500 / 1,500
    B  31 Dec 23:30  1 cookie set -> 푸른물결기금 750 / 750
    C   1 Jan 2027 00:10 Seoul (still 31 Dec in UTC): not in 2026
    D  15 Jun        BUYER@EXAMPLE.COM, 1 cookie set to 징검다리재단 750 / 750 (same shopper)
    E  20 Jul        1 cookie set, refunded in full: 0 / 0, with a note
    F  another email; G not paid: neither counts.

    2026 totals: 징검다리재단 2,250 / 2,250; 푸른물결기금 750 / 750; overall 3,000 / 3,000.
    """
    v = shop.venture
    a = make_paid_order(
        session,
        v,
        [Line(shop.product, quantity=2), Line(shop.cheap)],
        when=datetime(2026, 3, 10, 1, 0, tzinfo=UTC),
        number="SS-260310-AAAAA",
    )
    refund_line(session, a, a.lines[1], REFUNDED)
    make_paid_order(
        session,
        v,
        [Line(shop.product, cause_id=shop.other_cause.id)],
        when=datetime(2026, 12, 31, 14, 30, tzinfo=UTC),
        number="SS-261231-BBBBB",
    )
    make_paid_order(
        session,
        v,
        [Line(shop.product)],
        when=datetime(2026, 12, 31, 15, 10, tzinfo=UTC),
        number="SS-270101-CCCCC",
    )
    make_paid_order(
        session,
        v,
        [Line(shop.product)],
        when=datetime(2026, 6, 15, 3, 0, tzinfo=UTC),
        email="BUYER@EXAMPLE.COM",
        number="SS-260615-DDDDD",
    )
    e = make_paid_order(
        session,
        v,
        [Line(shop.product)],
        when=datetime(2026, 7, 20, 3, 0, tzinfo=UTC),
        number="SS-260720-EEEEE",
    )
    refund_line(session, e, e.lines[0], REFUNDED)
    e.status = "refunded"
    make_paid_order(
        session,
        v,
        [Line(shop.product, quantity=5)],
        when=datetime(2026, 5, 1, tzinfo=UTC),
        email="someone@example.com",
    )
    unpaid = make_paid_order(
        session, v, [Line(shop.product)], when=datetime(2026, 5, 2, tzinfo=UTC), record=False
    )
    unpaid.status, unpaid.paid_at = "payment_failed", None
    session.commit()


def statement_url(app, email="buyer@example.com", period=YEAR_2026):
    return "/receipts/statement/" + StatementLinks(app.config["SECRET_KEY"]).issue(email, period)


def test_the_form_offers_this_calendar_year_in_seoul(client):
    page = text(client.get("/receipts/statement"))
    year = utcnow().astimezone(SEOUL).year
    assert f'value="{year}-01-01"' in page and f'value="{year}-12-31"' in page
    assert 'name="email"' in page


def test_asking_emails_a_link_that_opens_the_statement(client, shop, history, outbox):
    english(client)
    response = ask(client, email="  Buyer@Example.com ")
    assert response.status_code == 200 and SENT in text(response)
    assert len(outbox) == 1 and outbox[0].to == ["Buyer@Example.com"]
    assert "Jan 1, 2026" in outbox[0].body and "Dec 31, 2026" in outbox[0].body
    page = client.get(link_in(outbox[0]))
    assert page.status_code == 200 and "Donation statement" in text(page)


def test_the_answer_is_the_same_for_an_address_without_orders(client, shop, history, outbox):
    english(client)
    with_orders = text(ask(client))
    without = text(ask(client, email="nobody@example.com"))
    in_2020 = text(ask(client, start="2020-01-01", end="2020-12-31"))
    assert SENT in without and SENT in in_2020
    strip = re.compile(r'name="csrf_token"[^>]*>')
    assert strip.sub("", with_orders) == strip.sub("", without) == strip.sub("", in_2020)
    assert len(outbox) == 1  # mail only goes to an address that has orders in the period


def test_the_statement_totals_match_the_hand_count(app, client, shop, history):
    english(client)
    page = text(client.get(statement_url(app)))
    assert cell(page, "statement-count") == "4"  # A, B, D, E
    assert cell(page, "statement-email") == "bu***@example.com"
    assert amounts(row(page, f"total-cause-{shop.cause.id}")) == ["₩2,250", "₩2,250"]
    assert amounts(row(page, f"total-cause-{shop.other_cause.id}")) == ["₩750", "₩750"]
    assert cell(page, "total-donation") == "₩3,000"
    assert cell(page, "total-match") == "₩3,000"
    assert cell(page, "total") == "₩6,000"
    orders = page.split('data-testid="statement-orders"')[1]
    assert re.findall(r'data-testid="order-(SS-[\w-]+)"', orders) == [
        "SS-260310-AAAAA",
        "SS-260615-DDDDD",
        "SS-260720-EEEEE",
        "SS-261231-BBBBB",
    ]
    a = orders.split('data-testid="order-SS-260310-AAAAA"')[1].split("</tbody>")[0]
    assert amounts(a) == ["₩1,500", "₩1,500"]
    e = orders.split('data-testid="order-SS-260720-EEEEE"')[1].split("</tbody>")[0]
    assert amounts(e) == ["₩0", "₩0"] and 'data-testid="reversed-note"' in e
    assert "SS-270101-CCCCC" not in page and "someone" not in page


def test_the_period_is_counted_in_seoul_days(app, client, shop, history):
    english(client)
    new_year = StatementPeriod(date(2027, 1, 1), date(2027, 1, 1))
    page = text(client.get(statement_url(app, period=new_year)))
    assert "SS-270101-CCCCC" in page and cell(page, "statement-count") == "1"
    last_day = StatementPeriod(date(2026, 12, 31), date(2026, 12, 31))
    page = text(client.get(statement_url(app, period=last_day)))
    assert "SS-261231-BBBBB" in page and cell(page, "statement-count") == "1"


def test_the_statement_pdf_holds_the_totals(app, client, shop, history):
    response = client.get(statement_url(app) + "/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'inline; filename="sangsaeng-statement-20260101-20261231.pdf"'
    )
    content = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "기부 내역서" in content and "징검다리재단" in content
    assert "₩2,250" in content and "₩3,000" in content and "₩6,000" in content
    assert "SS-260720-EEEEE" in content and "SS-270101-CCCCC" not in content


def test_the_statement_pdf_embeds_a_subset_of_every_font_it_uses(app, client, shop, history):
    data = client.get(statement_url(app) + "/pdf").data
    assert embedded_font_subsets(data) == {"NanumGothic", "NanumGothicBold"}
    assert b"HYGothic" not in data and b"Helvetica" not in data
    content = pdf_text(data)
    assert "기부내역서" in content and "푸른물결기금" in content and "기부처별합계" in content


def test_a_statement_with_no_orders_says_so(app, client, shop):
    english(client)
    page = text(client.get(statement_url(app, email="nobody@example.com")))
    assert "No paid orders in this period." in page and cell(page, "total") == "₩0"


@pytest.mark.parametrize("suffix", ["", "/pdf"])
def test_a_tampered_link_is_refused_clearly(app, client, shop, history, suffix):
    english(client)
    url = statement_url(app)
    _payload, stamp, signature = url.rsplit("/", 1)[1].rsplit(".", 2)
    other = statement_url(app, email="someone@example.com").rsplit("/", 1)[1].rsplit(".", 2)[0]
    for token in (
        f"{other}.{stamp}.{signature}",  # someone else's email with this link's signature
        url.rsplit("/", 1)[1][:-2] + "xx",
        "garbage",
        "a" * 2000,
    ):
        response = client.get(f"/receipts/statement/{token}{suffix}")
        assert response.status_code == 400
        assert "This statement link does not work" in text(response)


def test_links_signed_for_something_else_are_refused(app, client):
    from itsdangerous import URLSafeTimedSerializer

    reset_salt = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="sangsaeng-password-reset")
    good = {"e": "buyer@example.com", "f": "2026-01-01", "t": "2026-12-31"}
    assert client.get("/receipts/statement/" + reset_salt.dumps(good)).status_code == 400
    mine = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="sangsaeng-donation-statement")
    for bad in (
        {"e": "buyer@example.com", "f": "2026-12-31", "t": "2026-01-01"},
        {"e": "buyer@example.com", "f": "2000-01-01", "t": "2026-01-01"},
        {"e": "buyer@example.com", "f": "yesterday", "t": "2026-01-01"},
        {"e": 7, "f": "2026-01-01", "t": "2026-12-31"},
        ["not", "a", "dict"],
    ):
        assert client.get("/receipts/statement/" + mine.dumps(bad)).status_code == 400


def test_a_link_older_than_a_week_has_expired(app, client, shop, history, monkeypatch):
    english(client)
    eight_days_ago = int(time.time()) - 8 * 24 * 3600
    with monkeypatch.context() as m:
        m.setattr(TimestampSigner, "get_timestamp", lambda self: eight_days_ago)
        old = statement_url(app)
    for suffix in ("", "/pdf"):
        response = client.get(old + suffix)
        assert response.status_code == 410
        assert "This statement link has expired" in text(response)
    six_days_ago = int(time.time()) - 6 * 24 * 3600
    with monkeypatch.context() as m:
        m.setattr(TimestampSigner, "get_timestamp", lambda self: six_days_ago)
        recent = statement_url(app)
    assert client.get(recent).status_code == 200


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-12-31", "2026-01-01", "The start date must be on or before the end date."),
        ("2020-01-01", "2026-12-31", "A statement covers at most 5 years."),
        ("2026-13-01", "2026-12-31", "Enter a date like 2026-03-01."),
        ("", "2026-12-31", "Enter a date"),
    ],
)
def test_bad_periods_are_explained(client, shop, history, outbox, start, end, message):
    english(client)
    response = ask(client, start=start, end=end)
    assert response.status_code == 400
    assert message in text(response)
    assert outbox == []


def test_a_bad_email_is_explained(client, outbox):
    english(client)
    response = ask(client, email="not an email")
    assert response.status_code == 400 and "Enter a valid email address" in text(response)


def test_the_form_needs_its_csrf_token(make_app, shop):
    client = english(make_app(WTF_CSRF_ENABLED=True).test_client())
    response = ask(client)
    assert response.status_code == 400 and "This form has expired" in text(response)


def test_asking_is_rate_limited(make_app, shop):
    client = make_app(SIGN_IN_RATE_LIMIT="2 per minute").test_client()
    statuses = [ask(client, email=f"n{i}@example.com").status_code for i in range(4)]
    assert statuses == [200, 200, 429, 429]


def test_statement_pages_are_private(app, client, shop, history):
    for suffix in ("", "/pdf"):
        response = client.get(statement_url(app) + suffix)
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_statement_runs_the_same_queries_however_many_orders(
    app, client, session, shop, count_queries
):
    def queries():
        url = statement_url(app)
        client.get(url)
        with count_queries() as counted:
            assert client.get(url).status_code == 200
            assert client.get(url + "/pdf").status_code == 200
        return counted.count

    make_paid_order(
        session, shop.venture, [Line(shop.product)], when=datetime(2026, 2, 1, tzinfo=UTC)
    )
    session.commit()
    few = queries()
    for month in range(3, 12):
        placed = make_paid_order(
            session,
            shop.venture,
            [Line(shop.product), Line(shop.cheap, cause_id=shop.other_cause.id)],
            when=datetime(2026, month, 1, tzinfo=UTC),
        )
        refund_line(session, placed, placed.lines[1], REFUNDED)
    session.commit()
    many = queries()
    assert few == many <= 4  # two for the page, two for the PDF
