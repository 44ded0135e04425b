"""A donation receipt and a statement in a real browser, on screen and as printed.

Screenshots go to test-artifacts/ (receipt-ko, receipt-print, statement-ko).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.domain.receipts import StatementPeriod
from storefront.extensions import db
from storefront.models import Order
from storefront.services.receipts import StatementLinks
from tests.browser.pages import ko, shot

pytestmark = pytest.mark.browser


def a_paid_order(app: Flask) -> tuple[str, str, str]:
    with app.app_context():
        order = db.session.scalars(
            select(Order).where(Order.status == "paid").order_by(Order.id)
        ).first()
        assert order is not None
        return order.number, order.access_token, order.email


def test_the_receipt_reads_in_korean_and_prints_as_a_plain_sheet(
    live_app: Flask, new_page: Callable[..., Any], artifacts: Path
) -> None:
    number, token, _email = a_paid_order(live_app)
    page = new_page()
    page.goto(f"/orders/{number}?token={token}")
    page.get_by_test_id("receipt-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Donation receipt"))
    expect(page.get_by_test_id("receipt-causes")).to_contain_text(ko("Sponsor match"))
    expect(page.get_by_test_id("receipt-note")).to_contain_text("It is not a tax receipt")
    shot(page, artifacts, "receipt-ko")

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_test_id("receipt-pdf")).to_be_hidden()
    expect(page.get_by_test_id("receipt")).to_be_visible()
    shot(page, artifacts, "receipt-print")

    page.emulate_media(media="screen")
    pdf = page.request.get(page.get_by_test_id("receipt-pdf").get_attribute("href") or "")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")


def test_a_statement_link_opens_a_printable_statement(
    live_app: Flask, new_page: Callable[..., Any], artifacts: Path
) -> None:
    _number, _token, email = a_paid_order(live_app)
    with live_app.app_context():
        today = date.today()
        period = StatementPeriod(date(today.year - 1, 1, 1), date(today.year, 12, 31))
        token = StatementLinks(live_app.config["SECRET_KEY"]).issue(email, period)
    page = new_page()
    page.goto(f"/receipts/statement/{token}")
    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Donation statement"))
    expect(page.get_by_test_id("statement-orders")).to_be_visible()
    shot(page, artifacts, "statement-ko")


def test_the_content_security_policy_blocks_nothing_the_shop_uses(
    live_app: Flask, new_page: Callable[..., Any]
) -> None:
    """The policy forbids inline script and styles; the pages must not need any, and the
    Print button runs from static/print.js."""
    number, token, _email = a_paid_order(live_app)
    page = new_page()
    complaints: list[str] = []
    page.on("console", lambda message: complaints.append(message.text))
    page.add_init_script("window.print = () => { window.__printed = true; };")
    for path in ("/", f"/orders/{number}?token={token}", f"/orders/{number}/receipt?token={token}"):
        page.goto(path)
    page.locator("[data-print]").click()
    assert page.evaluate("window.__printed === true")
    assert [c for c in complaints if "Content Security Policy" in c] == []
