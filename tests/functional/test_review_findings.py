"""Holes a review of the merged shopper features found, each shown closed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront.models import LedgerEntry, Order, OrderLine, Refund, utcnow
from storefront.services import ledger
from storefront.web.helpers import safe_next
from tests.functional.test_gifts import checkout_and_pay
from tests.functional.test_reviews import add_review, delivered_order
from tests.helpers import add_to_cart, english, text


def test_returning_a_line_gives_back_its_donation_but_never_the_shoppers_gift(
    client, session, shop
):
    english(client)
    add_to_cart(client, shop.product.id, 2)
    order, _ = checkout_and_pay(client, session, gift="5000")
    line = session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)).first()
    refund = Refund(
        order_id=order.id, amount=line.goods_amount, currency="KRW", order_line_id=line.id,
        reason="return", created_at=utcnow(),
    )  # fmt: skip
    session.add(refund)
    session.flush()
    reversed_ = ledger.reverse_line_share(session, line, refund, line.goods_amount, utcnow())
    session.commit()
    assert {e.kind for e in reversed_} == {"donation_reversal", "match_reversal"}
    kinds = session.scalars(select(LedgerEntry.kind).where(LedgerEntry.order_id == order.id))
    assert "gift_reversal" not in set(kinds)


@pytest.mark.parametrize(
    "query", ["endpoint=x", "_method=PUT", "_external=1&_anchor=evil", "_scheme=https"]
)
def test_url_for_arguments_in_the_query_neither_break_nor_change_the_links(
    client, session, shop, query
):
    add_review(session, delivered_order(session, shop.venture, shop.product))
    for page in (f"/products/{shop.product.id}", f"/ventures/{shop.venture.slug}", "/products"):
        answer = client.get(f"{page}?{query}")
        assert answer.status_code == 200, page
        assert "http://" not in text(answer).split("<main", 1)[-1].split("</main>")[0]
        assert "#evil" not in text(answer)


@pytest.mark.parametrize(
    "target",
    ["/\\evil.example", "/\\/evil.example", "/ok\r\nSet-Cookie: x=1", "/\tevil", "//evil.example"],
)
def test_a_next_path_with_a_backslash_or_a_control_character_is_refused(target):
    assert safe_next(target, "/fallback") == "/fallback"


def test_a_plain_next_path_is_kept():
    assert safe_next("/my/giving?year=2026", "/") == "/my/giving?year=2026"


def test_the_seller_reviews_page_takes_any_page_number(client, session, shop, owner):
    for page in ("99999999999999999999999", "-5", "x"):
        answer = client.get(f"/seller/ventures/{shop.venture.id}/reviews?page={page}")
        assert answer.status_code == 200, page


def test_a_return_for_a_line_number_not_in_the_order_is_refused_with_a_400(client, session, shop):
    order = delivered_order(session, shop.venture, shop.product)
    for line in ("99999999999999999999999", "abc", "0"):
        answer = client.post(
            f"/orders/{order.number}/returns/new?token=t",
            data={"line": line, "kind": "return", "reason": "damaged"},
        )
        assert answer.status_code == 400, line
    assert session.scalar(select(Order.status).where(Order.id == order.id)) == "paid"


def test_a_shoppers_gift_is_not_counted_as_the_ventures_giving_in_the_balances(
    app, client, session, shop
):
    from storefront.services import payouts

    english(client)
    add_to_cart(client, shop.product.id, 2)
    order, _ = checkout_and_pay(client, session, gift="5000")
    donation = sum(
        e.amount
        for e in session.scalars(select(LedgerEntry).where(LedgerEntry.order_id == order.id))
        if e.kind in ("donation", "match")
    )
    ventures = {b.label: b for b in payouts.venture_balances(session)}
    assert ventures[shop.venture.name].pledged == donation
