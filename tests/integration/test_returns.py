"""Returns and exchanges in the services, on SQLite and PostgreSQL: the refund's amount for
each kind of reason, the donation reversed in proportion with new entries, the sales totals,
the venture's statement, one open request per line, and one refund per request."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from storefront.domain.errors import ReturnRefused
from storefront.models import LedgerEntry, Refund, ReturnRequest, SalesDay
from storefront.payments.base import RefundResult
from storefront.services import ledger, notices, returns, sales, stats
from tests.factories import Line, make_paid_order, make_product

RULES = returns.Rules(window_days=7, shipping_fee=3000)
PAID = datetime(2026, 11, 2, 3, tzinfo=UTC)  # 12:00 in Seoul
DELIVERED = PAID + timedelta(days=2)


class Provider:
    """Records every refund asked for; refunds what it is asked."""

    name = "test"

    def __init__(self):
        self.calls = []

    def refund(self, payment_intent: str, amount: int, idempotency_key: str) -> RefundResult:
        self.calls.append((amount, idempotency_key))
        return RefundResult(id=f"re_{idempotency_key}", amount=amount, status="succeeded")


@pytest.fixture
def order(session, shop):
    """₩20,000 of pottery (2 x 10,000; ₩1,000 given, ₩1,000 matched) and a ₩5,000 bowl
    (₩250 and ₩250), delivered."""
    pots = make_product(session, shop.venture, title="찻잔", price=10000)
    bowl = make_product(session, shop.venture, title="사발", price=5000)
    placed = make_paid_order(
        session, shop.venture, [Line(pots, quantity=2, shipping=3000), Line(bowl)], when=PAID
    )
    for line in placed.lines:
        line.status, line.delivered_at = "delivered", DELIVERED
    session.flush()
    return placed


def ask(session, order, line, reason, kind="return", now=None):
    return returns.request(
        session, order, line.id, kind, reason, "", [], None, RULES, now or DELIVERED
    )


def walk(session, found, provider, now=DELIVERED):
    returns.approve(session, found, RULES, now)
    returns.receive(session, found, now)
    return returns.refund(session, provider, found, now)


def line_net(session, line):
    return {
        kind: int(
            session.scalar(
                select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                    LedgerEntry.order_line_id == line.id, LedgerEntry.kind.like(f"{kind}%")
                )
            )
        )
        for kind in ("donation", "match")
    }


def clean(session):
    found = ledger.audit(session)
    return (
        found.first_break is None and found.sums_that_differ == [] and sales.verify(session) == []
    )


@pytest.mark.parametrize(
    ("reason", "refunded", "left"),
    [
        ("damaged", 20000, {"donation": 0, "match": 0}),
        ("wrong_item", 20000, {"donation": 0, "match": 0}),
        # 17,000 of 20,000: 1,000 x 17,000 / 20,000 = 850 reversed, 150 kept
        ("changed_mind", 17000, {"donation": 150, "match": 150}),
        ("ordered_by_mistake", 17000, {"donation": 150, "match": 150}),
    ],
)
def test_a_return_refunds_by_its_reason_and_reverses_the_donation_in_proportion(
    session, shop, order, reason, refunded, left
):
    pots, bowl = order.lines
    provider = Provider()
    made = walk(session, ask(session, order, pots, reason), provider)
    assert (made.amount, made.reason, made.order_line_id) == (refunded, "return", pots.id)
    assert provider.calls == [(refunded, made.idempotency_key)]
    assert line_net(session, pots) == left
    assert line_net(session, bowl) == {"donation": 250, "match": 250}  # untouched
    assert pots.status == "returned" and order.status == "paid"
    assert clean(session)


def test_returned_lines_leave_the_sales_totals_and_the_statement_keeps_the_fee(
    session, shop, order
):
    pots, _bowl = order.lines
    v, day = shop.venture.id, date(2026, 11, 2)
    assert session.get(SalesDay, (v, day)).revenue == 25000
    walk(session, ask(session, order, pots, "changed_mind"), Provider())
    assert session.get(SalesDay, (v, day)).revenue == 5000
    statement = stats.statement(session, v, date(2026, 11, 1), 500)
    # 25,000 of goods and 3,000 of shipping sold, 17,000 refunded: the 3,000 fee stays
    assert (statement.gross, statement.refunds) == (28000, 17000)
    assert statement.donations == 1250 - 850
    assert clean(session)


def test_a_second_refund_of_the_same_request_finds_the_first(session, shop, order):
    pots, _bowl = order.lines
    provider = Provider()
    found = ask(session, order, pots, "damaged")
    first = walk(session, found, provider)
    again = returns.refund(session, provider, found, DELIVERED)
    assert again.id == first.id and len(provider.calls) == 1
    assert session.scalar(select(func.count()).select_from(Refund)) == 1


def test_a_return_shipping_larger_than_the_goods_refunds_nothing_and_reverses_nothing(
    session, shop, order
):
    _pots, bowl = order.lines
    rules = returns.Rules(window_days=7, shipping_fee=9000)
    found = ask(session, order, bowl, "changed_mind")
    returns.approve(session, found, rules, DELIVERED)
    returns.receive(session, found, DELIVERED)
    provider = Provider()
    assert returns.refund(session, provider, found, DELIVERED) is None
    assert provider.calls == [] and found.status == "refunded" and bowl.status == "returned"
    assert line_net(session, bowl) == {"donation": 250, "match": 250}
    assert clean(session)


def test_the_last_return_of_an_order_refunds_it_and_reverses_everything(session, shop, order):
    pots, bowl = order.lines
    walk(session, ask(session, order, pots, "damaged"), Provider())
    walk(session, ask(session, order, bowl, "wrong_item"), Provider())
    # the shipping (3,000) was not refunded: the order stays paid for it
    assert order.status == "paid"
    assert line_net(session, pots) == line_net(session, bowl) == {"donation": 0, "match": 0}
    assert clean(session)


def test_an_exchange_refunds_nothing_and_keeps_the_line_sold(session, shop, order):
    pots, _bowl = order.lines
    found = ask(session, order, pots, "not_as_described", kind="exchange")
    returns.approve(session, found, RULES, DELIVERED)
    assert found.shipping_fee == 0
    returns.receive(session, found, DELIVERED)
    with pytest.raises(ReturnRefused):
        returns.refund(session, Provider(), found, DELIVERED)
    returns.reship(session, found, "epost", "1234567890123", DELIVERED)
    assert (found.status, pots.status) == ("reshipped", "exchanged")
    assert session.get(SalesDay, (shop.venture.id, date(2026, 11, 2))).revenue == 25000
    assert session.scalar(select(func.count()).select_from(Refund)) == 0
    assert clean(session)


def test_the_window_closes_seven_days_after_delivery(session, shop, order):
    pots, _bowl = order.lines
    last = DELIVERED + timedelta(days=7)
    with pytest.raises(ReturnRefused) as refused:
        ask(session, order, pots, "damaged", now=last + timedelta(seconds=1))
    assert (refused.value.code, refused.value.params) == ("return.window_closed", {"days": 7})
    assert ask(session, order, pots, "damaged", now=last).status == "requested"


def test_steps_out_of_order_are_refused(session, shop, order):
    pots, _bowl = order.lines
    found = ask(session, order, pots, "damaged")
    for step in (
        lambda: returns.receive(session, found, DELIVERED),
        lambda: returns.refund(session, Provider(), found, DELIVERED),
        lambda: returns.reship(session, found, "cj", "123456", DELIVERED),
    ):
        with pytest.raises(ReturnRefused):
            step()
    assert found.status == "requested"


def test_the_database_holds_one_open_request_per_line(session, shop, order):
    pots, _bowl = order.lines
    ask(session, order, pots, "damaged")
    session.commit()
    session.add(
        ReturnRequest(
            order_id=order.id, order_line_id=pots.id, venture_id=pots.venture_id,
            kind="exchange", reason="damaged", quantity=2,
        )
    )  # fmt: skip
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_each_step_records_one_email_for_the_shopper_and_the_venture_hears_of_it(
    session, shop, order
):
    pots, _bowl = order.lines
    shop.venture.contact_email = "hello@venture.example"
    found = ask(session, order, pots, "changed_mind")
    walk(session, found, Provider())
    told = [(n.kind, n.to, n.params.get("step")) for n in notices.recorded(session)]
    email = order.email
    assert [t for t in told if t[0] == "return_update"] == [
        ("return_update", email, step) for step in ("requested", "approved", "received", "refunded")
    ]
    venture = shop.venture.contact_email
    assert [t[:2] for t in told if t[0] == "return_requested"] == [("return_requested", venture)]
