"""Operators refund orders in full or in part; refunds made outside the shop are reconciled.

Every refund reverses the same share of the order's donations and matches in the ledger
(rounded down), gives the match back to its fund, and never edits an entry.
"""

import pytest
from sqlalchemy import select

from storefront.models import LedgerEntry, MatchingFund, Order, Refund, TestPaymentSession
from storefront.services import ledger
from tests.factories import make_operator
from tests.helpers import buy, english, send_event, sign_in, text

KEY = "a" * 24


@pytest.fixture
def paid(client, session, shop):
    """Two cookie sets bought (₩30,000, free shipping): ₩1,500 given and ₩1,500 matched."""
    english(client)
    buy(client, shop.product.id, 2)
    order = session.scalars(select(Order)).one()
    assert (order.status, order.total, order.donation_total, order.match_total) == (
        "paid", 30000, 1500, 1500,
    )  # fmt: skip
    make_operator(session)
    sign_in(client, email="ops@example.com")
    return order


def net(session, order_id, kind):
    entries = session.scalars(select(LedgerEntry).where(LedgerEntry.order_id == order_id)).all()
    return sum(e.amount for e in entries if e.kind.startswith(kind))


def refund(client, order, amount, key=KEY, note="고객 요청"):
    return client.post(
        f"/operator/orders/{order.id}/refund", data={"amount": amount, "key": key, "note": note}
    )


def fund_left(session, shop):
    return session.scalar(select(MatchingFund.remaining).where(MatchingFund.id == shop.fund.id))


def test_a_partial_then_a_full_refund_reverse_in_proportion_and_end_at_zero(
    client, session, shop, paid, outbox
):
    start = fund_left(session, shop)
    response = refund(client, paid, 10000)  # a third of ₩30,000
    assert response.status_code == 302
    assert "₩10,000 is refunded." in text(client.get(response.headers["Location"]))
    assert net(session, paid.id, "donation") == 1000 and net(session, paid.id, "match") == 1000
    assert fund_left(session, shop) == start + 500  # the reversed match went back to the fund
    assert session.get(Order, paid.id).status == "paid"
    assert "₩10,000 of order" in outbox[-1].body and "₩20,000 of the order is still paid" in (
        outbox[-1].body
    )
    # the rest: everything left is reversed, whatever the rounding did before
    assert refund(client, paid, 20000, key="b" * 24).status_code == 302
    assert net(session, paid.id, "donation") == 0 and net(session, paid.id, "match") == 0
    assert fund_left(session, shop) == start + 1500
    assert session.get(Order, paid.id).status == "refunded"
    row = session.scalar(select(TestPaymentSession).where(TestPaymentSession.order_id == paid.id))
    assert row.refunded == 30000
    reversals = session.scalars(
        select(LedgerEntry).where(LedgerEntry.reverses_id.is_not(None)).order_by(LedgerEntry.id)
    ).all()
    assert [(e.kind, e.amount) for e in reversals] == [
        ("donation_reversal", -500), ("match_reversal", -500),
        ("donation_reversal", -1000), ("match_reversal", -1000),
    ]  # fmt: skip
    assert all(e.refund_id is not None for e in reversals)
    assert ledger.verify(session)[1] is None


def test_uneven_shares_round_down_and_the_last_refund_takes_the_rest(client, session, paid):
    assert refund(client, paid, 7).status_code == 302  # 1500 x 7 / 30000 = 0.35: nothing yet
    assert net(session, paid.id, "donation") == 1500
    assert refund(client, paid, 9999, key="c" * 24).status_code == 302
    # 1500 x 9999 / 29993 = 500.06 -> 500 reversed
    assert net(session, paid.id, "donation") == 1000
    assert refund(client, paid, 29993 - 9999, key="d" * 24).status_code == 302
    assert net(session, paid.id, "donation") == 0 and net(session, paid.id, "match") == 0


def test_sending_the_same_form_twice_refunds_once(client, session, paid):
    assert refund(client, paid, 5000).status_code == 302
    assert refund(client, paid, 5000).status_code == 302
    assert session.scalars(select(Refund)).all()[0].amount == 5000
    assert len(session.scalars(select(Refund)).all()) == 1


@pytest.mark.parametrize(
    ("amount", "status", "message"),
    [
        ("30001", 409, "At most ₩30,000 of this order is left to refund."),
        ("0", 400, "Enter a whole number of won, at least 1."),
        ("-5", 400, "Enter a whole number of won, at least 1."),
        ("abc", 400, "Not a valid integer value."),
    ],
)
def test_bad_amounts_are_refused_with_a_message_and_change_nothing(
    client, session, paid, amount, status, message
):
    response = refund(client, paid, amount)
    assert response.status_code == status
    assert message in text(response)
    assert session.scalars(select(Refund)).all() == []
    assert net(session, paid.id, "donation") == 1500


def test_a_fully_refunded_order_cannot_be_refunded_again(client, session, shop, paid):
    paid_order = session.get(Order, paid.id)
    assert refund(client, paid_order, 30000).status_code == 302
    response = refund(client, paid_order, 1, key="z" * 24)
    assert response.status_code == 409 and "At most ₩0" in text(response)


def test_a_refund_made_in_the_stripe_dashboard_is_reconciled_once(client, session, shop, paid):
    charge = {
        "id": "ch_test_1",
        "object": "charge",
        "amount": 30000,
        "amount_refunded": 15000,
        "currency": "krw",
        "payment_intent": paid.payment_intent_id,
    }
    assert send_event(client, "charge.refunded", charge).status_code == 200
    assert send_event(client, "charge.refunded", charge).status_code == 200  # a new event, same sum
    [external] = session.scalars(select(Refund)).all()
    assert (external.reason, external.amount, external.provider_ref) == (
        "external", 15000, "ch_test_1",
    )  # fmt: skip
    assert net(session, paid.id, "donation") == 750 and net(session, paid.id, "match") == 750
    # the shop's own refund, then Stripe's event about it: nothing counted twice
    assert refund(client, paid, 15000).status_code == 302
    charge["amount_refunded"] = 30000
    assert send_event(client, "charge.refunded", charge).status_code == 200
    assert sum(r.amount for r in session.scalars(select(Refund))) == 30000
    assert net(session, paid.id, "donation") == 0
    assert session.get(Order, paid.id).status == "refunded"


def test_a_charge_of_another_integration_is_acknowledged_and_ignored(client, session, paid):
    charge = {"id": "ch_x", "object": "charge", "amount": 5, "amount_refunded": 5,
              "currency": "krw", "payment_intent": "pi_someone_else"}  # fmt: skip
    assert send_event(client, "charge.refunded", charge).status_code == 200
    assert session.scalars(select(Refund)).all() == []


def test_the_operator_order_page_lists_refunds_and_entries(client, session, paid):
    refund(client, paid, 3000)
    page = text(client.get(f"/operator/orders/{paid.id}"))
    assert "Refunded by the shop: 고객 요청" in page and "₩27,000" in page
    assert "reverses entry" in page
    found = client.get(f"/operator/orders?number={paid.number.lower()}")
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/orders/{paid.id}")
