"""Buy, read the receipt, refund part of the order as an operator, and see the reversal on
the public ledger and on the receipt, in a real browser on the Korean UI.

Screenshots go to test-artifacts/ (r01-receipt ... r05-receipt-after).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from storefront.extensions import db
from storefront.services import accounts
from tests.browser.pages import (
    CARD_OK,
    PRICE,
    RATE_BP,
    TITLE,
    expected_match,
    fill_checkout,
    go_to_payment,
    ko,
    parse_won,
    pay,
    product_id,
    shot,
    won,
)

pytestmark = pytest.mark.browser

OPERATOR = ("refunds-ops@example.com", "operator refunds carefully")


def make_operator(app: Flask) -> None:
    with app.app_context():
        user = accounts.sign_up(db.session(), OPERATOR[0], "운영자", OPERATOR[1])
        user.is_operator = True
        db.session.commit()


def test_a_partial_refund_shows_as_reversals_on_the_ledger_and_the_receipt(
    live_app: Flask, new_page: Callable[..., Any], artifacts: Path
) -> None:
    make_operator(live_app)
    goods = PRICE * 2
    donation = goods * RATE_BP // 10000
    match = expected_match(live_app, TITLE, donation)

    # A shopper buys two and opens the receipt from the confirmation page.
    shopper = new_page()
    shopper.goto(f"/products/{product_id(live_app, TITLE)}")
    add_form = shopper.locator("form.add-to-cart")
    add_form.get_by_label(ko("Quantity")).fill("2")
    add_form.get_by_role("button", name=ko("Add to cart")).click()
    shopper.get_by_role("link", name=ko("Check out"), exact=True).click()
    fill_checkout(shopper)
    go_to_payment(shopper)
    number = shopper.locator("dl.order-meta dd").first.inner_text().strip()
    pay(shopper, CARD_OK)
    expect(shopper.get_by_test_id("order-status")).to_have_text(ko("Paid"))
    total = goods  # free shipping at this amount
    shopper.get_by_test_id("receipt-link").click()
    receipt_url = shopper.url
    expect(shopper.get_by_test_id("total-donation")).to_have_text(won(donation))
    expect(shopper.get_by_test_id("total-match")).to_have_text(won(match))
    shot(shopper, artifacts, "r01-receipt")

    # An operator refunds a third of it from the operator page.
    refund = total // 3
    operator = new_page()
    operator.goto("/account/sign-in?next=/operator/orders")
    form = operator.locator("form.stack")
    form.locator("input[name=email]").fill(OPERATOR[0])
    form.locator("input[name=password]").fill(OPERATOR[1])
    form.locator("button[type=submit]").click()
    expect(operator).to_have_url(re.compile(r"/operator/orders$"))
    operator.get_by_label(ko("Order number")).fill(number)
    operator.get_by_role("button", name=ko("Find")).click()
    expect(operator).to_have_url(re.compile(r"/operator/orders/\d+$"))
    expect(operator.get_by_test_id("refundable")).to_have_text(won(total))
    shot(operator, artifacts, "r02-operator-order")
    refund_form = operator.locator("form", has=operator.locator("input[name=amount]"))
    refund_form.locator("input[name=amount]").fill(str(refund))
    refund_form.locator("input[name=note]").fill("부분 환불 요청")
    refund_form.get_by_role("button", name=ko("Refund")).click()
    expect(operator.get_by_role("alert")).to_contain_text(won(refund))
    expect(operator.get_by_test_id("refundable")).to_have_text(won(total - refund))
    expect(operator.get_by_test_id("refunds")).to_contain_text("부분 환불 요청")
    shot(operator, artifacts, "r03-operator-refunded")

    # Anyone sees the reversals on the order's public ledger page, with their hashes.
    reversed_donation = donation * refund // total
    reversed_match = match * refund // total
    public = new_page()
    public.goto(f"/ledger/orders/{number}")
    rows = public.get_by_test_id("order-ledger").locator("tbody tr")
    expect(rows).to_have_count(4 if reversed_match else 3)
    reversal = rows.filter(has_text=ko("Donation reversed (refund)"))
    expect(reversal).to_have_count(1)
    expect(reversal).to_contain_text(won(reversed_donation))
    shot(public, artifacts, "r04-public-ledger")

    # The receipt now shows the net pledge and lists the reversal.
    shopper.goto(receipt_url)
    expect(shopper.get_by_test_id("total-donation")).to_have_text(won(donation - reversed_donation))
    expect(shopper.get_by_test_id("total-match")).to_have_text(won(match - reversed_match))
    expect(shopper.get_by_test_id("reversals")).to_be_visible()
    net_total = parse_won(shopper.get_by_test_id("total").inner_text())
    assert net_total == donation + match - reversed_donation - reversed_match
    shot(shopper, artifacts, "r05-receipt-after")
