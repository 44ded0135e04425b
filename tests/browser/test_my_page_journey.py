"""A shopper's whole journey around My page in a real browser, on the Korean UI.

Sign up -> verify the email through the emailed link -> save a product to 찜 -> buy it with a
gift of ₩3,000 -> the venture ships and delivers it -> review it with a photo -> ask a
question the venture answers -> ask to return it as damaged -> the venture approves, receives
and refunds it -> My page shows the refund, and My giving the reversed donation and gift.
The shopper and the venture's owner keep their own cookies. Screenshots go to
test-artifacts/m01-... to m13-....
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
from sqlalchemy import select

from storefront.demo import loader
from storefront.extensions import db
from storefront.models import Venture
from tests.browser.pages import (
    CARD_OK,
    PRICE,
    RATE_BP,
    TITLE,
    VENTURE,
    expected_match,
    ko,
    parse_won,
    pay,
    product_id,
    shot,
    won,
)

pytestmark = pytest.mark.browser

EMAIL = "minji@example.com"
PASSWORD = "minji-shops-for-good-2026"  # 20+ characters
NAME = "이민지"
GIFT = 3_000
QUESTION = "세탁기에 넣어도 되나요?"
ANSWER = "네, 찬물 세탁을 권합니다."
REVIEW = "포장이 꼼꼼하고 품질이 좋아요. 다음에도 살게요."


def flash(page: Page) -> Any:
    return page.locator("div.flash[role=alert]")


def make_photo(path: Path) -> Path:
    photo = Image.new("RGB", (320, 240), (250, 240, 228))
    draw = ImageDraw.Draw(photo)
    draw.rectangle((60, 50, 260, 190), fill=(198, 120, 84), outline=(90, 50, 30), width=6)
    photo.save(path, "PNG")
    return path


def owner_of_first_venture(app: Flask) -> tuple[str, int]:
    """The demo owners (not loaded by live_app) and the first venture's owner and id."""
    with app.app_context():
        session = db.session()
        loader.load_accounts(session)
        session.commit()
        venture = session.scalars(select(Venture).where(Venture.name == VENTURE["name"])).one()
        return f"owner@{venture.slug}.test", venture.id


def sign_in(page: Page, email: str, password: str, next_url: str) -> None:
    page.goto(f"/account/sign-in?next={next_url}")
    form = page.locator("form.stack")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def verify_link(app: Flask) -> str:
    body = app.extensions["mailman"].outbox[-1].body
    found = re.search(r"(/account/verify/[^\s\"<>]+)", body)
    assert found, body
    return found.group(1)


def giving_total(page: Page) -> int:
    """The year's net total on My giving ("Given ₩a, matched ₩b: ₩c in all")."""
    text = page.locator("[data-testid^=giving-total-]").first.inner_text()
    return parse_won(text.rsplit(":", 1)[1])


def test_a_shopper_buys_reviews_asks_returns_and_sees_the_refund_on_my_page(
    live_app: Flask, new_page: Callable[..., Any], artifacts: Path, tmp_path: Path
) -> None:
    owner_email, venture_id = owner_of_first_venture(live_app)
    product = product_id(live_app, TITLE)
    donation = PRICE * RATE_BP // 10000
    match = expected_match(live_app, TITLE, donation)
    live_app.extensions["mailman"].outbox = []
    shopper = new_page()

    # 1. Sign up, then follow the emailed link to verify the address.
    shopper.goto("/account/sign-up")
    expect(shopper.locator("html")).to_have_attribute("lang", "ko")
    form = shopper.locator("form.stack")
    form.locator("input[name=name]").fill(NAME)
    form.locator("input[name=email]").fill(EMAIL)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("input[name=confirm]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    shopper.goto("/my")
    expect(shopper.get_by_test_id("verify-banner")).to_be_visible()
    shot(shopper, artifacts, "m01-signed-up")
    shopper.goto(verify_link(live_app))
    shopper.goto("/my")
    expect(shopper.get_by_test_id("verify-banner")).to_have_count(0)
    shot(shopper, artifacts, "m02-verified")

    # 2. Save the product to 찜; it is on the 찜 page.
    shopper.goto(f"/products/{product}")
    shopper.locator("div.wish").get_by_role("button", name=ko("♥ Save")).click()
    expect(flash(shopper)).to_be_visible()
    shopper.goto("/wishlist")
    expect(shopper.locator("main")).to_contain_text(TITLE)
    shot(shopper, artifacts, "m03-wishlist")

    # 3. Buy it with a gift of ₩3,000.
    shopper.goto(f"/products/{product}")
    shopper.locator("form.add-to-cart button[type=submit]").click()
    expect(shopper).to_have_url(re.compile(r"/cart$"))
    shopper.goto("/checkout")
    form = shopper.locator("form.stack")
    form.locator("input[name=email]").fill(EMAIL)
    form.locator("input[name=name]").fill(NAME)
    form.locator("input[name=phone]").fill("010-2345-6789")
    form.locator("input[name=postcode]").fill("04524")
    form.locator("input[name=address]").fill("서울특별시 중구 세종대로 110")
    form.locator("input[name=address_detail]").fill("202호")
    form.get_by_test_id("gift-choice").get_by_label(won(GIFT), exact=True).check()
    shot(shopper, artifacts, "m04-checkout-gift")
    form.get_by_role("button", name=ko("Go to payment")).click()
    charged = parse_won(shopper.locator("dl.order-meta dd").nth(1).inner_text())
    pay(shopper, CARD_OK)
    expect(shopper.get_by_test_id("order-status")).to_have_text(ko("Paid"))
    expect(shopper.get_by_test_id("gift")).to_have_text(won(GIFT))
    number = shopper.get_by_test_id("order-number").inner_text().strip()
    assert charged == parse_won(shopper.locator("dl.totals dd.grand").inner_text())
    assert charged - GIFT >= PRICE
    order_url = shopper.url
    shot(shopper, artifacts, "m05-paid")
    expect(shopper.get_by_test_id("order-gives")).to_contain_text(won(donation))
    shopper.goto("/my/giving")
    assert giving_total(shopper) == donation + match + GIFT
    expect(shopper.get_by_test_id(f"giving-order-{number}")).to_contain_text(
        won(donation + match + GIFT)
    )

    # 4. The venture's owner ships and delivers the line from the seller pages.
    owner = new_page()
    sign_in(owner, owner_email, loader.DEMO_PASSWORD, f"/seller/ventures/{venture_id}/orders")
    owner.locator("[data-testid=seller-orders] tbody tr", has_text=number).get_by_role(
        "link", name=number
    ).click()
    line = owner.locator("section.line-card", has_text=TITLE)
    ship = line.locator("form.ship")
    ship.locator("select[name=carrier]").select_option("cj")
    ship.locator("input[name=tracking_number]").fill("6012-0000-1111")
    ship.locator("button[type=submit]").click()
    expect(line.locator("span.status")).to_have_text(ko("Shipped"))
    line.get_by_role("button", name=ko("Mark as delivered")).click()
    expect(line.locator("span.status")).to_have_text(ko("Delivered"))
    shot(owner, artifacts, "m06-seller-delivered")

    # 5. The shopper reviews the delivered line with a photo.
    shopper.goto(order_url)
    shopper.locator("[data-testid^=write-review-]").click()
    form = shopper.get_by_test_id("review-form")
    form.locator("input[name=rating][value='5']").check()
    form.locator("textarea[name=body]").fill(REVIEW)
    form.locator("input[type=file][name=photos]").set_input_files(
        make_photo(tmp_path / "parcel.png")
    )
    shot(shopper, artifacts, "m07-review-form")
    form.get_by_role("button", name=ko("Post the review")).click()
    expect(flash(shopper)).to_be_visible()
    shopper.goto(f"/products/{product}")
    reviews = shopper.locator("section.reviews")
    expect(reviews).to_contain_text(REVIEW)
    expect(reviews.locator("img").first).to_be_visible()
    shot(shopper, artifacts, "m08-product-review")

    # 6. A question on the product page; the venture answers it.
    shopper.goto(f"/products/{product}/questions")
    ask = shopper.locator("#ask form")
    ask.locator("textarea[name=body]").fill(QUESTION)
    ask.get_by_role("button", name=ko("Post the question")).click()
    expect(flash(shopper)).to_be_visible()
    owner.goto(f"/seller/ventures/{venture_id}/questions")
    question = owner.get_by_test_id("seller-question").filter(has_text=QUESTION)
    question.locator("textarea[name=answer]").fill(ANSWER)
    question.get_by_role("button", name=ko("Post the answer")).click()
    expect(flash(owner)).to_be_visible()
    shopper.goto(f"/products/{product}")
    asked = shopper.locator("#questions li", has_text=QUESTION)
    expect(asked).to_contain_text(ANSWER)
    shot(shopper, artifacts, "m09-question-answered")

    # 7. The shopper asks to return the line as damaged.
    shopper.goto(order_url)
    shopper.locator("[data-testid^=return-link-]").click()
    request_form = shopper.locator("form", has=shopper.locator("select[name=reason]"))
    request_form.locator("input[name=kind][value=return]").check()
    request_form.locator("select[name=reason]").select_option("damaged")
    request_form.locator("textarea[name=note]").fill("상자가 찌그러져 왔어요.")
    shot(shopper, artifacts, "m10-return-request")
    request_form.get_by_role("button", name=ko("Send the request")).click()
    expect(shopper).to_have_url(re.compile(r"/returns/\d+"))

    # 8. The venture approves, receives and refunds it.
    owner.goto(f"/seller/ventures/{venture_id}/returns")
    owner.locator("[data-testid^=return-]", has_text=number).locator("a").click()
    expect(owner.get_by_test_id("return-reason")).to_contain_text(ko("Arrived damaged or faulty"))
    owner.get_by_role("button", name=ko("Approve")).click()
    expect(owner.get_by_test_id("return-status")).to_have_text(ko("Approved"))
    # Receiving a return refunds it at once (the "Refund" button only retries a failed one).
    owner.get_by_role("button", name=ko("Item received: refund it")).click()
    expect(owner.get_by_test_id("return-status")).to_have_text(ko("Refunded"))
    expect(owner.locator("div.line-actions button")).to_have_count(0)
    refunded = parse_won(owner.get_by_test_id("refund-due").inner_text())
    assert refunded >= PRICE  # damaged: the whole item, and the venture pays the shipping
    expect(flash(owner)).to_contain_text(won(refunded))
    shot(owner, artifacts, "m11-seller-refunded")

    # 9. My page shows the refund; My giving, the reversed donation and gift.
    # The refund gives back the goods, so their donation and match are reversed; the gift
    # was not refunded, so it stays given.
    shopper.goto("/my")
    mine = shopper.get_by_test_id(f"my-order-{number}")
    expect(mine).to_contain_text(ko("Returned and refunded"))
    shopper.goto(order_url)
    expect(shopper.get_by_test_id("refund")).to_contain_text(won(refunded))
    expect(shopper.get_by_test_id("order-gives")).to_contain_text(won(0))
    expect(shopper.get_by_test_id("order-gift")).to_contain_text(won(GIFT))
    shot(shopper, artifacts, "m12-order-refunded")
    shopper.goto("/my/giving")
    assert giving_total(shopper) == GIFT
    expect(shopper.get_by_test_id(f"giving-order-{number}")).to_contain_text(won(GIFT))
    shot(shopper, artifacts, "m13-my-giving-after")
