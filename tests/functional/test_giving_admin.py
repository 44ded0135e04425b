"""Operators manage causes, matching funds and payouts; ventures choose their default cause;
shoppers see what a fund has left and whether their order was matched."""

import io
import re
from datetime import timedelta

from sqlalchemy import select

from storefront.domain.periods import local_today
from storefront.models import Cause, MatchingFund, Order, Payout, Venture
from tests.factories import Line, make_fund, make_operator, make_paid_order
from tests.helpers import add_to_cart, english, pay, picture, place_order, sign_in, text

KEY = "one-time-key-of-the-form"


def as_operator(client, session):
    make_operator(session)
    english(client)
    sign_in(client, email="ops@example.com")


def test_an_operator_adds_a_cause_with_a_logo_and_retires_one_no_venture_uses(
    client, session, shop, app
):
    as_operator(client, session)
    response = client.post(
        "/operator/causes",
        data={
            "name": "바다숲재단",
            "registration": "123-82-00001",
            "description": "연안 생태 복원",
            "active": "y",
            "logo": (io.BytesIO(picture("PNG", (400, 400))), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    cause = session.scalar(select(Cause).where(Cause.name == "바다숲재단"))
    assert cause.registration == "123-82-00001" and cause.logo.startswith("causes/")
    logo = client.get(f"/media/{cause.logo}")
    assert logo.status_code == 200 and logo.mimetype == "image/jpeg"
    logo.close()
    # a cause some venture gives to by default cannot be retired
    used = client.post(
        f"/operator/causes/{shop.cause.id}",
        data={"name": shop.cause.name, "registration": "1"},
    )
    assert used.status_code == 400 and "move them first" in text(used)
    assert session.get(Cause, shop.cause.id).active
    retired = client.post(
        f"/operator/causes/{cause.id}", data={"name": "바다숲재단", "registration": "9"}
    )
    assert retired.status_code == 302 and not session.get(Cause, cause.id).active


def test_a_cause_needs_a_name_and_a_picture_logo(client, session, shop):
    as_operator(client, session)
    response = client.post(
        "/operator/causes",
        data={"name": "", "registration": "1", "logo": (io.BytesIO(b"<svg/>"), "x.svg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "Enter a name." in text(response)
    bad_logo = client.post(
        "/operator/causes",
        data={"name": "좋은재단", "registration": "1", "logo": (io.BytesIO(b"<svg/>"), "x.svg")},
        content_type="multipart/form-data",
    )
    assert bad_logo.status_code == 400 and "is not a JPEG, PNG, WebP or GIF" in text(bad_logo)
    assert session.scalar(select(Cause).where(Cause.name == "좋은재단")) is None


def test_an_owner_chooses_the_default_cause_from_the_active_ones(client, session, shop, owner):
    url = f"/seller/ventures/{shop.venture.id}/cause"
    assert client.post(url, data={"cause": str(shop.other_cause.id)}).status_code == 302
    assert session.get(Venture, shop.venture.id).default_cause_id == shop.other_cause.id
    retired = Cause(slug="old", name="옛 재단", active=False)
    session.add(retired)
    session.commit()
    refused = client.post(url, data={"cause": str(retired.id)})
    assert refused.status_code == 400 and "Not a valid choice" in text(refused)
    assert session.get(Venture, shop.venture.id).default_cause_id == shop.other_cause.id


def test_an_operator_opens_a_fund_for_one_category_and_tops_it_up(client, session, shop):
    as_operator(client, session)
    response = client.post(
        "/operator/funds",
        data={
            "name": "패션 더블", "sponsor": "옷장재단", "rate": "200", "budget": "50000",
            "cap_per_order": "3000", "categories": ["fashion"],
            "ends_on": (local_today() + timedelta(days=30)).isoformat(),
        },
    )  # fmt: skip
    assert response.status_code == 302
    fund = session.scalar(select(MatchingFund).where(MatchingFund.name == "패션 더블"))
    assert (fund.rate_bp, fund.budget, fund.remaining, fund.cap_per_order) == (
        20000,
        50000,
        50000,
        3000,
    )
    assert fund.category_list == ["fashion"] and fund.ends_at is not None
    assert (
        client.post(f"/operator/funds/{fund.id}/top-up", data={"amount": "25000"}).status_code
        == 302
    )
    session.refresh(fund)
    assert (fund.budget, fund.remaining) == (75000, 75000)
    page = text(client.get(f"/operator/funds/{fund.id}"))
    assert "₩75,000" in page and "Opening budget" in page
    for data, message in (
        ({"name": "x", "sponsor": "y", "rate": "0", "budget": "1"}, "more than zero"),
        ({"name": "x", "sponsor": "y", "rate": "abc", "budget": "1"}, "such as 100 or 50"),
        ({"name": "x", "sponsor": "y", "rate": "100", "budget": "-3"}, "at least 1"),
        ({"name": "x", "sponsor": "y", "rate": "100", "budget": "9", "starts_on": "2026-05-02",
          "ends_on": "2026-05-01"}, "must end after it starts"),
    ):  # fmt: skip
        refused = client.post("/operator/funds", data=data)
        assert refused.status_code == 400 and message in text(refused), data
    assert client.post(f"/operator/funds/{fund.id}/active").status_code == 302
    assert not session.get(MatchingFund, fund.id).active


def test_checkout_shows_the_fund_and_its_remaining_money(client, session, shop):
    english(client)
    add_to_cart(client, shop.product.id)
    page = text(client.get("/checkout"))
    assert "더블기부 by 상생재단 matches 100% of the donation; it has ₩100,000,000 left." in page
    product = text(client.get(f"/products/{shop.product.id}"))
    assert "plus ₩750 matched by 상생재단's 더블기부 (₩100,000,000 left in the fund)" in product


def test_an_order_paid_after_the_fund_ran_out_says_it_was_not_matched(client, session, shop):
    shop.fund.active = False
    tiny = make_fund(session, budget=750, name="작은 기금", sponsor="이웃")
    session.commit()
    english(client)
    add_to_cart(client, shop.product.id)
    assert "It may run out" not in text(client.get("/checkout"))  # 750 left, 750 wanted
    placed = place_order(client)
    # someone else's order takes the last of the fund before this one is paid
    make_paid_order(session, shop.venture, [Line(shop.product)], fund=tiny)
    session.commit()
    pay(client, placed.headers["Location"])
    order = session.scalars(select(Order).where(~Order.number.startswith("SS-F"))).one()
    assert order.match_total == 0
    page = text(client.get(f"/orders/{order.number}?token={order.access_token}"))
    assert "This order was not matched: the matching fund had run out" in page
    assert "(it had promised ₩750)" in page


def test_an_order_no_fund_covers_says_so(client, session, shop):
    shop.fund.active = False
    session.commit()
    english(client)
    add_to_cart(client, shop.product.id)
    assert "No matching fund covers these products right now" in text(client.get("/cart"))


def test_an_operator_records_a_payout_with_its_proof_and_anyone_can_download_it(
    client, session, shop
):
    make_paid_order(session, shop.venture, [Line(shop.product, quantity=4)])  # 3000 + 3000
    session.commit()
    as_operator(client, session)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    form = {
        "cause": str(shop.cause.id), "amount": "4000", "paid_on": local_today().isoformat(),
        "bank_reference": "KB-20261127-01", "note": "11월 지급",
        "proof": (io.BytesIO(pdf), "영수증.pdf"), "key": KEY,
    }  # fmt: skip
    response = client.post("/operator/payouts", data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    row = session.scalars(select(Payout)).one()
    assert (row.amount, row.bank_reference, row.proof_name) == (
        4000,
        "KB-20261127-01",
        "영수증.pdf",
    )
    client.post("/account/sign-out")
    download = client.get(f"/ledger/payouts/{row.id}/proof")
    moved = client.get(f"/ledger/disbursements/{row.id}/receipt")
    assert moved.status_code == 301 and moved.location.endswith(f"/ledger/payouts/{row.id}/proof")
    assert download.status_code == 200 and download.data == pdf
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    ledger_page = text(client.get("/ledger"))
    assert "KB-20261127-01" in ledger_page and "₩2,000" in ledger_page  # 6000 - 4000 outstanding


def test_a_payout_beyond_what_is_owed_or_in_the_future_is_refused(client, session, shop):
    make_paid_order(session, shop.venture, [Line(shop.product)])  # 750 + 750 owed
    session.commit()
    as_operator(client, session)
    today = local_today().isoformat()
    base = {"cause": str(shop.cause.id), "paid_on": today, "bank_reference": "R", "key": KEY}
    too_much = client.post("/operator/payouts", data={**base, "amount": "1501"})
    assert too_much.status_code == 409 and "The cause is owed ₩1,500" in text(too_much)
    future = (local_today() + timedelta(days=2)).isoformat()
    later = client.post("/operator/payouts", data={**base, "amount": "10", "paid_on": future})
    assert later.status_code == 400 and "cannot be in the future" in text(later)
    script = client.post(
        "/operator/payouts",
        data={**base, "amount": "10", "proof": (io.BytesIO(b"<script>"), "r.html")},
        content_type="multipart/form-data",
    )
    assert script.status_code == 400 and "must be a PDF" in text(script)
    assert session.scalars(select(Payout)).all() == []


def test_a_cancelled_payout_is_marked_and_cannot_be_cancelled_again(client, session, shop):
    make_paid_order(session, shop.venture, [Line(shop.product, quantity=4)])
    session.commit()
    as_operator(client, session)
    base = {"cause": str(shop.cause.id), "paid_on": local_today().isoformat(), "amount": "1000"}
    client.post("/operator/payouts", data={**base, "bank_reference": "KB-9", "key": KEY})
    paid = session.scalars(select(Payout)).one()
    silent = client.post(f"/operator/payouts/{paid.id}/correct", data={"note": "", "key": KEY})
    assert silent.status_code == 302 and len(session.scalars(select(Payout)).all()) == 1
    assert "Say why the payout is cancelled." in text(client.get(silent.headers["Location"]))
    done = client.post(
        f"/operator/payouts/{paid.id}/correct", data={"note": "이중 기록", "key": KEY}
    )
    assert done.status_code == 302
    correction = session.scalars(select(Payout).where(Payout.amount < 0)).one()
    page = text(client.get("/operator/balances"))
    assert f"cancelled by #{correction.id}" in page
    public = text(client.get("/ledger"))
    assert f"cancelled by #{correction.id}" in public and f"corrects #{paid.id}" in public


def test_an_orders_public_ledger_page_names_the_venture_and_the_cause(client, session, shop):
    order = make_paid_order(session, shop.venture, [Line(shop.product)])
    session.commit()
    page = text(client.get(f"/ledger/orders/{order.number}"))
    assert shop.venture.name in page and shop.cause.name in page


def test_the_proof_names_the_sponsor_of_the_match(client, session, shop):
    english(client)
    add_to_cart(client, shop.product.id)
    pay(client, place_order(client).headers["Location"])
    order = session.scalars(select(Order)).one()
    receipt = text(client.get(f"/orders/{order.number}/receipt?token={order.access_token}"))
    assert "Matched by 상생재단's 더블기부." in receipt


def one_time_key(page, action):
    """The hidden one-time key of the form that posts to ``action`` on a page."""
    form = page[page.index(f'action="{action}"') :]
    return re.search(r'name="key"[^>]*value="([A-Za-z0-9_-]+)"', form[: form.index("</form>")])[1]


def test_the_same_payout_form_sent_twice_records_once_and_says_so_twice(client, session, shop):
    make_paid_order(session, shop.venture, [Line(shop.product, quantity=4)])  # 6000 owed
    session.commit()
    as_operator(client, session)
    page = text(client.get("/operator/balances"))
    key = one_time_key(page, "/operator/payouts")
    assert key != one_time_key(text(client.get("/operator/balances")), "/operator/payouts")
    form = {
        "cause": str(shop.cause.id), "amount": "3000", "paid_on": local_today().isoformat(),
        "bank_reference": "KB-1", "key": key,
    }  # fmt: skip
    first = client.post("/operator/payouts", data=form, follow_redirects=True)
    again = client.post("/operator/payouts", data=form, follow_redirects=True)
    for response in (first, again):
        assert response.status_code == 200
        assert "The payout of ₩3,000 is recorded." in text(response)
    assert [p.amount for p in session.scalars(select(Payout))] == [3000]


def test_the_same_correction_form_sent_twice_records_one_correction(client, session, shop):
    make_paid_order(session, shop.venture, [Line(shop.product, quantity=4)])
    session.commit()
    as_operator(client, session)
    base = {"cause": str(shop.cause.id), "paid_on": local_today().isoformat(), "amount": "1000"}
    key = one_time_key(text(client.get("/operator/balances")), "/operator/payouts")
    client.post("/operator/payouts", data={**base, "bank_reference": "KB-9", "key": key})
    paid = session.scalars(select(Payout)).one()
    action = f"/operator/payouts/{paid.id}/correct"
    form = {
        "note": "이중 기록",
        "key": one_time_key(text(client.get("/operator/balances")), action),
    }
    first = client.post(action, data=form, follow_redirects=True)
    again = client.post(action, data=form, follow_redirects=True)
    for response in (first, again):
        assert "The payout is cancelled by a correcting entry." in text(response)
    assert len(session.scalars(select(Payout).where(Payout.corrects_id == paid.id)).all()) == 1
