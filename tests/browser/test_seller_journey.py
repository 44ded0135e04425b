"""A venture's whole journey in a real browser, on the Korean UI with real CSRF tokens.

Sign up -> apply -> an operator approves -> add a product, upload a picture, publish -> a shopper
buys it -> the owner ships the line with a tracking number -> the shopper sees it shipped.
Three browser contexts (owner, operator, shopper) keep their own cookies. Screenshots of each
step go to test-artifacts/s*.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from storefront.extensions import db
from storefront.services import accounts
from tests.browser.pages import CARD_OK, fill_checkout, ko, shot, won

pytestmark = pytest.mark.browser


OWNER_EMAIL = "owner@chorokbit.example.com"
OWNER_PASSWORD = "chorokbit-owner-pass-2024"  # 20+ characters
OPERATOR_EMAIL = "operator@sangsaeng.test"
OPERATOR_PASSWORD = "sangsaeng-demo-1234"

VENTURE_NAME = "초록빛 협동조합"
REGISTRATION_NUMBER = "105-82-01237"  # valid check digit
MISSION = "disability"
CONTACT_PHONE = "02-555-1234"

TITLE = "초록빛 수제 올리브 비누"
CATEGORY = "beauty"
PRICE = 12000
STOCK = 5
DESCRIPTION = "**굵게** 설명\n\n- 손으로 만든 비누\n- 장애인 직원이 포장합니다"

CARRIER = "cj"
TRACKING = "6012-3456-7890"


def assert_image_loaded(page: Page, selector: str) -> None:
    image = page.locator(selector).first
    expect(image).to_be_visible()
    image.evaluate("(img) => img.complete ? null : img.decode()")
    assert image.evaluate("(img) => img.naturalWidth") > 0, f"{selector} did not load"


def flash(page: Page) -> Any:
    return page.locator("div.flash[role=alert]")


def make_picture(path: Path) -> Path:
    picture = Image.new("RGB", (600, 600), (236, 244, 232))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((120, 160, 480, 440), fill=(94, 140, 97))
    draw.rectangle((40, 40, 560, 560), outline=(40, 80, 50), width=12)
    picture.save(path, "PNG")
    return path


def ensure_operator(app: Flask) -> None:
    """The live_app fixture loads the catalogue and orders but not the demo accounts."""
    with app.app_context():
        session = db.session()
        if accounts.find_by_email(session, OPERATOR_EMAIL) is None:
            operator = accounts.sign_up(session, OPERATOR_EMAIL, "상생 운영자", OPERATOR_PASSWORD)
            operator.is_operator = True
            session.commit()


def test_seller_journey(
    new_page: Callable[..., Any], live_app: Flask, artifacts: Path, tmp_path: Path
) -> None:
    ensure_operator(live_app)
    owner = new_page()

    # 1. Sign up from "For ventures" (which carries next=/seller), then apply.
    owner.goto("/account/sign-up?next=/seller")
    expect(owner.locator("html")).to_have_attribute("lang", "ko")
    form = owner.locator("form.stack")
    form.locator("input[name=name]").fill("김초록")
    form.locator("input[name=email]").fill(OWNER_EMAIL)
    form.locator("input[name=password]").fill(OWNER_PASSWORD)
    form.locator("input[name=confirm]").fill(OWNER_PASSWORD)
    shot(owner, artifacts, "s01-sign-up")
    form.locator("button[type=submit]").click()
    expect(owner).to_have_url(re.compile(r"/seller$"))
    expect(owner.get_by_role("link", name=ko("Apply to sell on Sangsaeng"))).to_be_visible()

    owner.goto("/seller/apply")
    form = owner.locator("form.stack")
    form.locator("input[name=name]").fill(VENTURE_NAME)
    form.locator("input[name=registration_number]").fill(REGISTRATION_NUMBER)
    form.locator("select[name=mission]").select_option(MISSION)
    form.locator("input[name=region]").fill("서울 성동구")
    form.locator("textarea[name=story]").fill(
        "발달장애인 직원 열두 명이 올리브 비누를 만들고 포장하는 협동조합입니다."
    )
    form.locator("input[name=contact_email]").fill("hello@chorokbit.example.com")
    form.locator("input[name=contact_phone]").fill(CONTACT_PHONE)
    shot(owner, artifacts, "s02-apply")
    form.locator("button[type=submit]").click()

    expect(owner).to_have_url(re.compile(r"/seller/ventures/\d+$"))
    venture_id = int(re.search(r"/seller/ventures/(\d+)$", owner.url).group(1))  # type: ignore[union-attr]
    expect(owner.get_by_role("heading", level=1)).to_have_text(VENTURE_NAME)
    expect(flash(owner)).to_contain_text(VENTURE_NAME)
    badge = owner.locator("span.status")
    expect(badge).to_have_class(re.compile(r"\bstatus-pending\b"))
    expect(badge).to_have_text(ko("Waiting for review"))
    expect(owner.locator("dl.order-meta")).to_contain_text(REGISTRATION_NUMBER)
    shot(owner, artifacts, "s03-pending")

    # 2. An operator approves it, in a context of their own.
    operator = new_page()
    operator.goto("/account/sign-in?next=/operator/ventures")
    form = operator.locator("form.stack")
    form.locator("input[name=email]").fill(OPERATOR_EMAIL)
    form.locator("input[name=password]").fill(OPERATOR_PASSWORD)
    form.locator("button[type=submit]").click()
    expect(operator).to_have_url(re.compile(r"/operator/ventures$"))
    row = operator.locator("[data-testid=operator-ventures] tbody tr", has_text=VENTURE_NAME)
    expect(row).to_have_count(1)
    expect(row.locator("span.status")).to_have_text(ko("Waiting for review"))
    row.locator("button[name=approve]").click()
    expect(operator).to_have_url(re.compile(r"/operator/ventures$"))
    expect(flash(operator)).to_contain_text(VENTURE_NAME)
    expect(row.locator("span.status")).to_have_class(re.compile(r"\bstatus-approved\b"))
    expect(row.locator("span.status")).to_have_text(ko("Approved"))
    expect(row.locator("button[name=approve]")).to_have_count(0)
    shot(operator, artifacts, "s04-operator-approved")

    # 3. The owner lists a product: draft, picture, publish.
    owner.reload()
    expect(owner.locator("span.status")).to_have_class(re.compile(r"\bstatus-approved\b"))
    expect(owner.locator("span.status")).to_have_text(ko("Approved"))
    shot(owner, artifacts, "s05-approved")

    owner.locator("nav.seller-nav").get_by_role("link", name=ko("Listings")).click()
    expect(owner).to_have_url(re.compile(rf"/seller/ventures/{venture_id}/products$"))
    shot(owner, artifacts, "s06-listings-empty")
    owner.locator(f"a[href$='/seller/ventures/{venture_id}/products/new']").first.click()
    expect(owner).to_have_url(re.compile(r"/products/new$"))
    form = owner.locator("form.stack")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("select[name=category]").select_option(CATEGORY)
    form.locator("input[name=price]").fill(str(PRICE))
    form.locator("input[name=stock]").fill(str(STOCK))
    form.locator("textarea[name=description]").fill(DESCRIPTION)
    shot(owner, artifacts, "s07-new-product")
    form.locator("button[type=submit]").click()

    edit_url = re.compile(rf"/seller/ventures/{venture_id}/products/(\d+)/edit$")
    expect(owner).to_have_url(edit_url)
    product_id = int(edit_url.search(owner.url).group(1))  # type: ignore[union-attr]
    expect(flash(owner)).to_have_text(ko("Saved as a draft. Preview it, then publish it."))
    expect(owner.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(owner.locator("span.status-draft")).to_have_text(ko("Draft"))
    expect(owner.locator("[data-testid=pictures]")).to_have_count(0)

    owner.locator("input[type=file][name=images]").set_input_files(
        make_picture(tmp_path / "soap.png")
    )
    owner.locator("form.upload button[type=submit]").click()
    expect(owner).to_have_url(edit_url)
    expect(flash(owner)).to_have_class(re.compile(r"\bflash-success\b"))
    expect(owner.locator("[data-testid=pictures] img")).to_have_count(1)
    assert_image_loaded(owner, "[data-testid=pictures] img")
    shot(owner, artifacts, "s08-draft-with-picture")

    owner.locator("button[name=action][value=publish]").click()
    expect(owner).to_have_url(edit_url)
    expect(flash(owner)).to_have_text(ko("Published: the product is in the shop."))
    expect(owner.locator("span.status-published")).to_have_text(ko("Published"))
    expect(owner.locator("button[name=action][value=publish]")).to_have_count(0)
    shot(owner, artifacts, "s09-published")

    owner.goto(f"/seller/ventures/{venture_id}/products")
    listing = owner.locator("[data-testid=listings] tbody tr", has_text=TITLE)
    expect(listing).to_have_count(1)
    expect(listing).to_contain_text(won(PRICE))
    expect(listing.locator("input[name=stock]")).to_have_value(str(STOCK))
    expect(listing.locator("span.status")).to_have_text(ko("Published"))
    shot(owner, artifacts, "s10-listings")

    # 4. A shopper buys it.
    shopper = new_page()
    shopper.goto(f"/products/{product_id}")
    expect(shopper.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(shopper.get_by_test_id("price")).to_have_text(won(PRICE))
    expect(shopper.locator(".description strong")).to_have_text("굵게")
    expect(shopper.locator(".product-info")).to_contain_text(VENTURE_NAME)
    assert_image_loaded(shopper, ".product-image img")
    shot(shopper, artifacts, "s11-product")
    shopper.locator("form.add-to-cart button[type=submit]").click()

    expect(shopper).to_have_url(re.compile(r"/cart$"))
    expect(shopper.locator("table.cart tbody tr", has_text=TITLE)).to_have_count(1)
    expect(shopper.get_by_test_id("cart-count")).to_have_text("1")
    shot(shopper, artifacts, "s12-cart")
    shopper.goto("/checkout")
    fill_checkout(shopper)
    form = shopper.locator("form.stack")
    shot(shopper, artifacts, "s13-checkout")
    form.locator("button[type=submit]").click()

    expect(shopper).to_have_url(re.compile(r"/test-pay/cs_test_"))
    form = shopper.locator("form.stack")
    form.locator("input[name=card_number]").fill(CARD_OK)
    form.locator("input[name=expiry]").fill("12/30")
    form.locator("input[name=cvc]").fill("123")
    shot(shopper, artifacts, "s14-payment")
    form.locator("button[type=submit]").click()

    expect(shopper).to_have_url(re.compile(r"/orders/[^/?]+\?token="))
    order_number = shopper.get_by_test_id("order-number").inner_text().strip()
    assert order_number and order_number in shopper.url
    expect(shopper.get_by_test_id("order-status")).to_have_text(ko("Paid"))
    shopper_status = shopper.locator("[data-testid^=line-status-]")
    expect(shopper_status).to_have_count(1)
    expect(shopper_status).to_have_text(ko("Paid"))
    shot(shopper, artifacts, "s15-confirmation")

    # 5. The owner ships the line.
    owner.goto(f"/seller/ventures/{venture_id}/orders")
    orders = owner.locator("[data-testid=seller-orders] tbody tr", has_text=order_number)
    expect(orders).to_have_count(1)
    expect(orders).to_contain_text(f"{TITLE} × 1")
    expect(orders.locator("span.status")).to_have_text(ko("Paid"))
    shot(owner, artifacts, "s16-seller-orders")
    orders.get_by_role("link", name=order_number).click()

    expect(owner).to_have_url(re.compile(rf"/seller/ventures/{venture_id}/orders/\d+$"))
    expect(owner.get_by_test_id("ship-to")).to_contain_text("04524")
    line = owner.locator("section.line-card", has_text=TITLE)
    expect(line).to_have_count(1)
    ship = line.locator("form.ship")
    ship.locator("select[name=carrier]").select_option(CARRIER)
    ship.locator("input[name=tracking_number]").fill(TRACKING)
    shot(owner, artifacts, "s17-seller-order")
    ship.locator("button[type=submit]").click()

    expect(owner).to_have_url(re.compile(rf"/seller/ventures/{venture_id}/orders/\d+$"))
    expect(flash(owner)).to_have_text(
        ko("Marked as shipped; the shopper is emailed the tracking number.")
    )
    expect(line.locator("span.status")).to_have_class(re.compile(r"\bstatus-line-shipped\b"))
    expect(line.locator("span.status")).to_have_text(ko("Shipped"))
    expect(line).to_contain_text(TRACKING)
    expect(line.locator("form.ship")).to_have_count(0)
    shot(owner, artifacts, "s18-seller-shipped")

    # 6. The shopper sees the line shipped, with its tracking number.
    shopper.reload()
    expect(shopper_status).to_contain_text(ko("Shipped"))
    expect(shopper_status).to_contain_text(ko("CJ Logistics"))
    expect(shopper_status).to_contain_text(TRACKING)
    shot(shopper, artifacts, "s19-shopper-shipped")
