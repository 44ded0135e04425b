"""A shopper's whole journey in a real browser, on the Korean UI with real CSRF tokens.

Home -> search -> product -> cart -> checkout -> test payment -> confirmation -> ledger, plus a
declined card and the phone-sized layout. Screenshots of each step go to test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from storefront.demo import data
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


SEARCH_WORD = TITLE.split()[0]  # "우리밀": only this product has it

CARD_DECLINED = "4000 0000 0000 0002"


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"page scrolls sideways on {page.url}: {widths}"


def test_shopper_journey(page: Page, live_app: Flask, artifacts: Path) -> None:
    goods = PRICE * 2
    donation = goods * RATE_BP // 10000
    match = expected_match(live_app, TITLE, donation)
    assert match > 0, "the demo's funds match this product"
    assert goods >= live_app.config["FREE_SHIPPING_THRESHOLD"], "the journey expects free shipping"
    shipping = 0

    # Home: the running total of donations (the demo orders have given something already).
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    total_given = page.get_by_test_id("total-given")
    expect(total_given).to_have_text(re.compile(r"^₩[\d,]+$"))
    start_total = parse_won(total_given.inner_text())
    assert start_total > 0
    expect(page.get_by_test_id("cart-count")).to_have_text("0")
    shot(page, artifacts, "01-home")

    # Search from the header.
    search = page.get_by_role("search").get_by_label(ko("Search products"))
    search.fill(SEARCH_WORD)
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/products\?q="))
    result = page.get_by_role("link", name=TITLE)
    expect(result).to_have_count(1)
    shot(page, artifacts, "02-search")
    result.click()

    # Product page: price and what it gives.
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_test_id("price")).to_have_text(won(PRICE))
    gives = page.get_by_test_id("gives")
    expect(gives).to_contain_text(won(PRICE * RATE_BP // 10000))
    expect(gives).to_contain_text(data.CAUSES[0]["name"])
    shot(page, artifacts, "03-product")

    add_form = page.locator("form.add-to-cart")
    add_form.get_by_label(ko("Quantity")).fill("2")
    add_form.get_by_role("button", name=ko("Add to cart")).click()

    # Cart: the line, the totals and the donation.
    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.get_by_role("alert")).to_have_text(ko("Added to your cart."))
    rows = page.locator("table.cart tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link", name=TITLE)).to_be_visible()
    expect(rows.first.locator("input[name=quantity]")).to_have_value("2")
    expect(page.get_by_test_id("total")).to_have_text(won(goods + shipping))
    expect(page.get_by_test_id("donation")).to_have_text(won(donation))
    expect(page.get_by_test_id("match")).to_have_text(won(match))
    expect(page.get_by_test_id("funds")).to_be_visible()
    expect(page.get_by_test_id("cart-count")).to_have_text("2")
    shot(page, artifacts, "04-cart")

    # Checkout.
    page.get_by_role("link", name=ko("Check out"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/checkout$"))
    expect(page.locator("aside.summary")).to_contain_text(f"{TITLE} × 2")
    expect(page.locator("aside.summary").get_by_test_id("total")).to_have_text(won(goods))
    fill_checkout(page)
    expect(page.locator("select[name=cause]")).to_have_value("")
    shot(page, artifacts, "05-checkout")
    go_to_payment(page)

    # The test provider's payment page.
    expect(page).to_have_url(re.compile(r"/test-pay/cs_test_"))
    banner = page.get_by_role("status")
    expect(banner).to_be_visible()
    expect(banner).to_have_text(ko("TEST MODE — payments are simulated and no real money moves."))
    expect(page.get_by_test_id("pay-amount")).to_have_text(won(goods + shipping))
    order_number = page.locator("dl.order-meta dd").first.inner_text().strip()
    assert order_number
    shot(page, artifacts, "06-payment")
    pay(page, CARD_OK)

    # Confirmation: paid, and what the order gave.
    expect(page).to_have_url(re.compile(rf"/orders/{re.escape(order_number)}\?token="))
    expect(page.get_by_test_id("order-number")).to_have_text(order_number)
    expect(page.get_by_test_id("order-status")).to_have_text(ko("Paid"))
    order_gives = page.get_by_test_id("order-gives")
    expect(order_gives).to_contain_text(won(donation))
    expect(order_gives).to_contain_text(won(match))
    expect(page.get_by_test_id("cart-count")).to_have_text("0")
    shot(page, artifacts, "07-confirmation")

    # The public ledger lists the order, and the total grew by its donation and match.
    page.goto("/ledger")
    entries = page.get_by_test_id("ledger-entries")
    expect(entries).to_contain_text(order_number)
    expect(entries.locator("tr", has_text=order_number)).to_have_count(2 if match else 1)
    ledger_total = parse_won(page.get_by_test_id("ledger-total").inner_text())
    assert ledger_total == start_total + donation + match
    shot(page, artifacts, "08-ledger")

    page.goto("/")
    assert parse_won(page.get_by_test_id("total-given").inner_text()) > start_total


def test_declined_card_returns_to_cart(page: Page, live_app: Flask, artifacts: Path) -> None:
    page.goto(f"/products/{product_id(live_app, TITLE)}")
    page.locator("form.add-to-cart").get_by_role("button", name=ko("Add to cart")).click()
    expect(page).to_have_url(re.compile(r"/cart$"))
    page.get_by_role("link", name=ko("Check out"), exact=True).click()
    fill_checkout(page)
    go_to_payment(page)
    expect(page).to_have_url(re.compile(r"/test-pay/"))
    pay(page, CARD_DECLINED)

    expect(page).to_have_url(re.compile(r"/cart$"))
    error = page.get_by_role("alert")
    expect(error).to_be_visible()
    expect(error).to_have_text(
        ko("Your card was declined. Nothing was charged; your cart is still here.")
    )
    rows = page.locator("table.cart tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.get_by_test_id("cart-count")).to_have_text("1")
    shot(page, artifacts, "09-declined-cart")


def test_phone_layout(new_page: Callable[..., Any], live_app: Flask, artifacts: Path) -> None:
    page = new_page(viewport={"width": 390, "height": 844})
    page.goto("/")
    expect(page.get_by_test_id("total-given")).to_be_visible()
    assert page.evaluate("window.innerWidth") == 390
    assert_no_horizontal_scroll(page)
    shot(page, artifacts, "10-mobile-home")

    page.goto(f"/products/{product_id(live_app, TITLE)}")
    expect(page.get_by_test_id("price")).to_have_text(won(PRICE))
    assert_no_horizontal_scroll(page)
    button = page.locator("form.add-to-cart").get_by_role("button", name=ko("Add to cart"))
    expect(button).to_be_visible()
    button.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport()
    shot(page, artifacts, "11-mobile-product")
