"""Helpers the browser tests share: Korean UI text, won amounts, screenshots, and the demo
product a shopper buys, checked out and paid for."""

from __future__ import annotations

import re
from pathlib import Path

from babel.support import Translations
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select

from storefront.demo import data
from storefront.extensions import db
from storefront.models import Product

TRANSLATIONS = Path(__file__).resolve().parents[2] / "storefront" / "translations"
KO = Translations.load(str(TRANSLATIONS), ["ko"])
CARD_OK = "4242 4242 4242 4242"

# what the journeys buy: the first product of the demo's first venture
VENTURE = data.VENTURES[0]
PRODUCT = VENTURE["products"][0]
TITLE: str = PRODUCT["title"]
PRICE: int = PRODUCT["price"]
RATE_BP: int = VENTURE["giving_rate_bp"]


def ko(message: str) -> str:
    """The Korean UI text for an English message id."""
    return KO.gettext(message)


def won(amount: int) -> str:
    """Format like the shop does for KRW: 18900 -> ₩18,900."""
    return f"₩{amount:,}"


def parse_won(text: str) -> int:
    digits = re.sub(r"\D", "", text)
    assert digits, f"no amount in {text!r}"
    return int(digits)


def shot(page: Page, artifacts: Path, name: str) -> None:
    """Save a full-page screenshot, with the lazy images below the fold loaded first."""
    page.evaluate(
        """() => Promise.all([...document.images].map((img) => {
            img.loading = "eager";
            return img.complete ? null : img.decode().catch(() => null);
        }))"""
    )
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)


def product_id(app: Flask, title: str) -> int:
    with app.app_context():
        return db.session.scalars(select(Product.id).where(Product.title == title)).one()


def expected_match(app: Flask, title: str, donation: int) -> int:
    """What the fund that checkout would choose gives: rate, cap per order, what it has left."""
    from storefront.models import utcnow
    from storefront.services import funds

    with app.app_context():
        product = db.session.scalars(select(Product).where(Product.title == title)).one()
        fund = funds.offer_for(db.session(), product, utcnow(), "KRW")
        if fund is None:
            return 0
        wanted = donation * fund.rate_bp // 10000
        if fund.cap_per_order:
            wanted = min(wanted, fund.cap_per_order)
        return min(wanted, fund.remaining)


def fill_checkout(page: Page) -> None:
    form = page.locator("form.stack")
    form.locator("input[name=email]").fill("shopper@example.com")
    form.locator("input[name=name]").fill("홍길동")
    form.locator("input[name=phone]").fill("010-1234-5678")
    form.locator("input[name=postcode]").fill("04524")
    form.locator("input[name=address]").fill("서울특별시 중구 세종대로 110")
    form.locator("input[name=address_detail]").fill("101동 1001호")


def go_to_payment(page: Page) -> None:
    page.locator("form.stack").get_by_role("button", name=ko("Go to payment")).click()


def pay(page: Page, card: str) -> None:
    form = page.locator("form.stack")
    form.locator("input[name=card_number]").fill(card)
    form.locator("input[name=expiry]").fill("12/30")
    form.locator("input[name=cvc]").fill("123")
    form.get_by_role("button").click()
