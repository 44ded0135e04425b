"""Shopper accounts and My page: verified emails, owned orders, saved addresses, giving and
deleting the account."""

import re
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from itsdangerous.timed import TimestampSigner
from sqlalchemy import func, select

from storefront.domain.periods import local_date
from storefront.models import LedgerEntry, Order, SavedAddress, User
from storefront.services import accounts, shoppers
from tests.factories import Line, make_operator, make_paid_order, refund_line
from tests.helpers import (
    PASSWORD,
    add_to_cart,
    cell,
    english,
    pay,
    place_order,
    sign_in,
    sign_up,
    text,
)

BUYER = "buyer@example.com"
ADDRESS = {
    "name": "김민지",
    "phone": "010-1234-5678",
    "postcode": "04524",
    "address": "서울특별시 중구 세종대로 110",
    "address_detail": "101동 202호",
}


def shopper(app, email=BUYER, name="김민지"):
    """A new client signed up (and so signed in) as a shopper with ``email``."""
    client = english(app.test_client())
    response = sign_up(client, email=email, name=name)
    assert response.status_code == 302, text(response)
    return client


def user(session, email=BUYER):
    return session.scalars(select(User).where(User.email == email)).one()


def verify_link(outbox):
    return re.search(r"http://shop\.test(/account/verify/\S+)", outbox[-1].body).group(1)


# -- who may see what -------------------------------------------------------------------------

MY_PAGES = [
    ("GET", "/my"),
    ("GET", "/my/addresses"),
    ("POST", "/my/addresses"),
    ("GET", "/my/addresses/1/edit"),
    ("POST", "/my/addresses/1/delete"),
    ("POST", "/my/addresses/1/default"),
    ("GET", "/my/giving"),
    ("GET", "/my/giving/statement/2026"),
    ("GET", "/my/delete"),
    ("POST", "/my/delete"),
]


@pytest.mark.parametrize(("method", "path"), MY_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, shop, method, path):
    response = client.open(path, method=method, data=ADDRESS)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/sign-in")


@pytest.mark.parametrize(
    "path", ["/my", "/my/addresses", "/my/giving", "/my/delete", "/my/addresses/{id}/edit"]
)
def test_the_owner_sees_their_pages_and_they_are_not_cached(app, session, shop, path):
    client = shopper(app)
    client.post("/my/addresses", data=ADDRESS)
    address_id = session.scalars(select(SavedAddress.id)).one()
    response = client.get(path.format(id=address_id))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_another_shoppers_address_is_not_found(app, session, shop):
    owner = shopper(app)
    owner.post("/my/addresses", data=ADDRESS)
    address = session.scalars(select(SavedAddress)).one()
    other = shopper(app, email="other@example.com")
    assert other.get(f"/my/addresses/{address.id}/edit").status_code == 404
    assert other.post(f"/my/addresses/{address.id}/edit", data=ADDRESS).status_code == 404
    assert other.post(f"/my/addresses/{address.id}/delete").status_code == 404
    assert other.post(f"/my/addresses/{address.id}/default").status_code == 404
    session.expire_all()
    assert session.get(SavedAddress, address.id) is not None


# -- landing after sign-in ---------------------------------------------------------------------


def test_shoppers_land_on_my_page_staff_on_the_seller_page_operators_on_theirs(
    app, client, session, shop, owner
):
    buyer = shopper(app)
    buyer.post("/account/sign-out")
    assert sign_in(buyer, email=BUYER).headers["Location"] == "/my"
    assert "My page" in text(buyer.get("/my"))
    client.post("/account/sign-out")
    assert sign_in(client).headers["Location"] == "/seller"  # the venture's owner
    client.post("/account/sign-out")
    make_operator(session)
    assert sign_in(client, email="ops@example.com").headers["Location"] == "/operator/ventures"
    buyer.post("/account/sign-out")
    honoured = buyer.post(
        "/account/sign-in?next=/ledger", data={"email": BUYER, "password": PASSWORD}
    )
    assert honoured.headers["Location"] == "/ledger"


def test_the_header_links_my_page_when_signed_in_and_sign_in_when_not(app, client, shop):
    english(client)
    assert 'href="/account/sign-in"' in text(client.get("/cart"))
    assert 'data-testid="my-page-link"' not in text(client.get("/cart"))
    assert 'data-testid="my-page-link"' in text(shopper(app).get("/cart"))


# -- orders that belong to an account ----------------------------------------------------------


def test_an_order_placed_signed_in_belongs_to_the_account_whatever_the_form_says(
    app, session, shop
):
    other = shopper(app, email="other@example.com")
    other_id = user(session, "other@example.com").id
    buyer = shopper(app)
    add_to_cart(buyer, shop.product.id)
    assert place_order(buyer, user_id=str(other_id)).status_code == 303
    order = session.scalars(select(Order)).one()
    assert order.user_id == user(session).id
    # The owner sees it signed in on another browser, without the token; nobody else does.
    elsewhere = english(app.test_client())
    sign_in(elsewhere, email=BUYER)
    assert elsewhere.get(f"/orders/{order.number}").status_code == 200
    assert order.number in text(elsewhere.get("/my"))
    assert other.get(f"/orders/{order.number}").status_code == 404
    assert order.number not in text(other.get("/my"))
    assert app.test_client().get(f"/orders/{order.number}").status_code == 404
    # The guest's way in still works.
    token_path = f"/orders/{order.number}?token={order.access_token}"
    assert app.test_client().get(token_path).status_code == 200


def test_a_guests_order_stays_a_guests(client, session, shop):
    add_to_cart(client, shop.product.id)
    place_order(client)
    assert session.scalars(select(Order.user_id)).one() is None


def test_guest_orders_are_claimed_only_once_the_email_is_verified(app, session, shop, outbox):
    earlier = make_paid_order(
        session, shop.venture, [Line(shop.product)], email="Buyer@Example.com"
    )
    strangers = make_paid_order(session, shop.venture, [Line(shop.cheap)], email="x@example.com")
    session.commit()
    buyer = shopper(app)
    assert earlier.number not in text(buyer.get("/my"))
    assert buyer.get(f"/orders/{earlier.number}").status_code == 404
    buyer.post("/account/sign-out")
    sign_in(buyer, email=BUYER)  # signing in does not claim for an unverified account
    assert session.get(Order, earlier.id).user_id is None

    response = buyer.get(verify_link(outbox))
    assert response.status_code == 302 and response.headers["Location"] == "/my"
    session.expire_all()
    assert user(session).email_verified_at is not None
    assert session.get(Order, earlier.id).user_id == user(session).id
    assert session.get(Order, strangers.id).user_id is None
    assert earlier.number in text(buyer.get("/my"))
    assert buyer.get(f"/orders/{earlier.number}").status_code == 200

    later = make_paid_order(session, shop.venture, [Line(shop.cheap)], email=BUYER)
    session.commit()
    buyer.post("/account/sign-out")
    sign_in(buyer, email=BUYER)  # a verified account claims guest orders made since
    session.expire_all()
    assert session.get(Order, later.id).user_id == user(session).id


def test_a_verification_link_can_be_sent_again(app, session, shop, outbox):
    buyer = shopper(app)
    assert "Send the link again" in text(buyer.get("/my"))
    outbox.clear()
    assert buyer.post("/account/verify/resend").status_code == 302
    [email] = outbox
    assert email.to == [BUYER] and "/account/verify/" in email.body
    assert buyer.get(verify_link(outbox)).status_code == 302
    assert "Send the link again" not in text(buyer.get("/my"))


def test_a_tampered_expired_or_stale_verification_link_is_refused(
    app, session, shop, outbox, monkeypatch
):
    buyer = shopper(app)
    link = verify_link(outbox)
    tampered = buyer.get(link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb"))
    assert tampered.status_code == 400 and "does not work any more" in text(tampered)
    tokens = shoppers.VerifyTokens(app.config["SECRET_KEY"])
    with monkeypatch.context() as patched:  # a link issued four days ago
        patched.setattr(TimestampSigner, "get_timestamp", lambda s: int(time.time()) - 4 * 86400)
        old = tokens.issue(user(session))
    assert buyer.get(f"/account/verify/{old}").status_code == 400  # older than three days
    elsewhere = tokens.issue(User(id=user(session).id, email="other@example.com"))
    assert buyer.get(f"/account/verify/{elsewhere}").status_code == 400  # not its email now
    session.expire_all()
    assert user(session).email_verified_at is None
    assert buyer.get(link).status_code == 302  # the real one still works


def test_a_verification_link_followed_by_someone_else_verifies_nothing(app, session, shop, outbox):
    """Someone signs up with the victim's email; the victim follows the link: the account is
    not verified and claims none of the victim's guest orders."""
    victims = make_paid_order(session, shop.venture, [Line(shop.product)], email=BUYER)
    session.commit()
    attacker = shopper(app)  # signs up with the victim's email, then signs out
    attacker.post("/account/sign-out")
    link = verify_link(outbox)

    anonymous = english(app.test_client())  # the victim, not signed in, clicks the link
    response = anonymous.get(link)
    assert response.status_code == 302
    to_sign_in = urlsplit(response.headers["Location"])
    assert to_sign_in.path == "/account/sign-in"
    assert parse_qs(to_sign_in.query)["next"] == [link]
    bystander = shopper(app, email="someone@example.com")  # signed in as another account
    refused = bystander.get(link)
    assert refused.status_code == 403 and "another account" in text(refused)
    session.expire_all()
    assert user(session).email_verified_at is None
    assert session.get(Order, victims.id).user_id is None


def test_a_visitor_who_signs_in_from_the_link_comes_back_and_is_verified(
    app, session, shop, outbox
):
    buyer = shopper(app)
    link = verify_link(outbox)
    buyer.post("/account/sign-out")
    to_sign_in = buyer.get(link).headers["Location"]
    signed_in = buyer.post(to_sign_in, data={"email": BUYER, "password": PASSWORD})
    assert signed_in.headers["Location"] == link
    assert buyer.get(link).headers["Location"] == "/my"
    session.expire_all()
    assert user(session).email_verified_at is not None


# -- saved addresses ----------------------------------------------------------------------------


def test_addresses_are_added_edited_made_default_and_deleted(app, session, shop):
    buyer = shopper(app)
    assert buyer.post("/my/addresses", data=ADDRESS).status_code == 302
    second = {**ADDRESS, "name": "박서준", "postcode": "06236", "address": "서울 강남구 테헤란로 1"}
    assert buyer.post("/my/addresses", data=second).status_code == 302
    first, other = session.scalars(select(SavedAddress).order_by(SavedAddress.id)).all()
    assert first.is_default and not other.is_default  # the first one is the default
    assert first.phone == "01012345678"  # normalised as checkout does
    first_id, other_id = first.id, other.id

    buyer.post(f"/my/addresses/{other_id}/default")
    session.expire_all()
    assert not session.get(SavedAddress, first_id).is_default
    assert session.get(SavedAddress, other_id).is_default

    edited = buyer.post(f"/my/addresses/{first_id}/edit", data={**ADDRESS, "address": "부산 1"})
    assert edited.status_code == 302
    session.expire_all()
    assert session.get(SavedAddress, first_id).address == "부산 1"

    buyer.post(f"/my/addresses/{other_id}/delete")  # the default goes: the other one takes over
    session.expire_all()
    assert session.scalars(select(SavedAddress.id)).all() == [first_id]
    assert session.get(SavedAddress, first_id).is_default


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "4524", "five digits"),
        ("phone", "12345", "Korean phone number"),
        ("name", "", "recipient's name"),
        ("address", "", "street address"),
        ("address_detail", "x" * 201, "200"),
    ],
)
def test_a_bad_address_is_refused_with_a_message(app, session, shop, field, value, message):
    buyer = shopper(app)
    response = buyer.post("/my/addresses", data={**ADDRESS, field: value})
    assert response.status_code == 400 and message in text(response)
    buyer.post("/my/addresses", data=ADDRESS)
    address_id = session.scalars(select(SavedAddress.id)).one()
    edit = buyer.post(f"/my/addresses/{address_id}/edit", data={**ADDRESS, field: value})
    assert edit.status_code == 400 and message in text(edit)


def test_an_account_saves_at_most_ten_addresses(app, session, shop):
    buyer = shopper(app)
    for _ in range(10):
        assert buyer.post("/my/addresses", data=ADDRESS).status_code == 302
    eleventh = buyer.post("/my/addresses", data=ADDRESS)
    assert eleventh.status_code == 409 and "up to 10 addresses" in text(eleventh)
    assert session.scalar(select(func.count()).select_from(SavedAddress)) == 10


def test_checkout_prefills_the_default_address_and_offers_the_saved_ones(app, session, shop):
    buyer = shopper(app)
    buyer.post("/my/addresses", data=ADDRESS)
    buyer.post("/my/addresses", data={**ADDRESS, "name": "박서준", "postcode": "06236"})
    second = session.scalars(select(SavedAddress).where(SavedAddress.name == "박서준")).one()
    add_to_cart(buyer, shop.product.id)
    page = text(buyer.get("/checkout"))
    assert 'data-testid="saved-addresses"' in page
    assert 'value="04524"' in page and f'value="{BUYER}"' in page
    chosen = text(buyer.get(f"/checkout?address={second.id}"))
    assert 'value="06236"' in chosen and 'value="박서준"' in chosen


def test_a_guests_checkout_offers_no_saved_addresses(client, shop):
    add_to_cart(client, shop.product.id)
    assert 'data-testid="saved-addresses"' not in text(client.get("/checkout"))


# -- orders, giving ----------------------------------------------------------------------------


def test_my_orders_show_each_lines_status_carrier_and_tracking(app, session, shop, outbox):
    buyer = shopper(app)
    buyer.get(verify_link(outbox))
    order = make_paid_order(
        session, shop.venture, [Line(shop.product), Line(shop.cheap)], email=BUYER
    )
    order.user_id = user(session).id
    line = order.lines[0]
    line.status, line.carrier, line.tracking_number = "shipped", "cj", "123456789012"
    session.commit()
    page = text(buyer.get("/my"))
    assert "Shipped" in page and "CJ Logistics" in page and "123456789012" in page
    assert "Paid" in page


def test_my_orders_come_a_page_at_a_time(app, session, shop):
    buyer = shopper(app)
    me = user(session).id
    numbers = []
    for _ in range(12):
        order = make_paid_order(session, shop.venture, [Line(shop.cheap)], email=BUYER)
        order.user_id = me
        numbers.append(order.number)
    session.commit()
    first = text(buyer.get("/my"))
    assert numbers[-1] in first and numbers[1] not in first
    after = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = text(buyer.get(after))
    assert numbers[0] in second and numbers[1] in second and numbers[-1] not in second


def test_my_giving_nets_refunds_per_cause_and_year_and_links_receipts(app, session, shop, outbox):
    buyer = shopper(app)
    buyer.get(verify_link(outbox))
    paid = datetime(2025, 6, 1, 3, tzinfo=UTC)
    order = make_paid_order(
        session,
        shop.venture,
        [Line(shop.product, donation=750, match=750), Line(shop.cheap, donation=165, match=0)],
        email=BUYER,
        when=paid,
    )
    order.user_id = user(session).id
    refund_line(session, order, order.lines[1], datetime(2025, 6, 2, tzinfo=UTC))
    session.commit()
    page = text(buyer.get("/my/giving"))
    total = re.search(r'data-testid="giving-total-2025">(.*?)</p>', page, re.S).group(1)
    # 750 + 165 given, 165 reversed; 750 matched
    assert "₩750" in total and "₩1,500" in total
    receipt = f"/orders/{order.number}/receipt?token={order.access_token}"
    assert receipt in page and f"/ledger/orders/{order.number}" in page
    assert buyer.get(receipt).status_code == 200

    statement = buyer.get("/my/giving/statement/2025")
    assert statement.status_code == 302 and "/receipts/statement/" in statement.headers["Location"]
    shown = text(buyer.get(statement.headers["Location"]))
    assert order.number in shown


def test_my_giving_counts_my_own_gifts_net_of_refunds_as_the_receipt_does(
    app, session, shop, outbox
):
    buyer = shopper(app)
    buyer.get(verify_link(outbox))
    add_to_cart(buyer, shop.product.id, 2)  # ₩30,000: ₩1,500 given, ₩1,500 matched
    placed = place_order(buyer, gift="5000")
    assert placed.status_code == 303, text(placed)
    pay(buyer, placed.headers["Location"])
    order = session.scalars(select(Order)).one()
    assert order.user_id == user(session).id
    make_operator(session)
    operator = english(app.test_client())
    sign_in(operator, email="ops@example.com")
    refunded = operator.post(
        f"/operator/orders/{order.id}/refund",
        data={"amount": 10000, "key": "k" * 24, "note": "요청"},
    )
    assert refunded.status_code == 302
    year = local_date(order.paid_at).year

    page = text(buyer.get("/my/giving"))
    # each pledge loses left x 10,000 / 35,000, rounded down: 3,572 + 1,072 + 1,072 left
    assert cell(page, f"giving-{year}-gift") == "₩3,572"
    total = cell(page, f"giving-total-{year}")
    assert "₩3,572" in total and "₩5,716" in total
    assert "₩5,716" in cell(page, f"giving-order-{order.number}")
    receipt = text(buyer.get(f"/orders/{order.number}/receipt?token={order.access_token}"))
    assert cell(receipt, "total") == "₩5,716" and cell(receipt, "total-gift") == "₩3,572"


def test_an_unverified_account_gets_no_statement_in_one_click(app, session, shop):
    buyer = shopper(app)
    response = buyer.get("/my/giving/statement/2025")
    assert response.headers["Location"] == "/my/giving"
    assert "Confirm your email first" in text(buyer.get("/my/giving"))


# -- deleting the account -----------------------------------------------------------------------


def test_deleting_needs_the_password_and_the_box_ticked(app, session, shop):
    buyer = shopper(app)
    wrong = buyer.post("/my/delete", data={"password": "not it at all", "confirm": "y"})
    assert wrong.status_code == 400 and "not this account" in text(wrong)
    unticked = buyer.post("/my/delete", data={"password": PASSWORD})
    assert unticked.status_code == 400 and "Tick the box" in text(unticked)
    assert user(session).deleted_at is None


def test_deleting_the_account_removes_personal_data_and_keeps_orders_and_ledger(
    app, session, shop, outbox
):
    buyer = shopper(app)
    buyer.get(verify_link(outbox))
    elsewhere = english(app.test_client())
    sign_in(elsewhere, email=BUYER)
    buyer.post("/my/addresses", data=ADDRESS)
    order = make_paid_order(session, shop.venture, [Line(shop.product)], email=BUYER)
    order.user_id = me = user(session).id
    session.commit()
    entries = session.scalar(select(func.count()).select_from(LedgerEntry))

    response = buyer.post("/my/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    session.expire_all()
    gone = session.get(User, me)
    assert gone.email == f"deleted-{me}@invalid" and gone.name == ""
    assert not gone.active and gone.deleted_at is not None and gone.email_verified_at is None
    assert accounts.authenticate(session, gone.email, PASSWORD, gone.deleted_at) is None
    assert session.scalar(select(func.count()).select_from(SavedAddress)) == 0
    kept = session.get(Order, order.id)
    assert kept.total == order.total and len(kept.lines) == 1 and kept.user_id == me
    assert session.scalar(select(func.count()).select_from(LedgerEntry)) == entries
    # Signed out here and in the other browser; the email signs in no more, and can sign up anew.
    assert buyer.get("/my").status_code == 302
    assert elsewhere.get("/my").status_code == 302
    assert sign_in(buyer, email=BUYER).status_code == 401
    assert sign_up(buyer, email=BUYER).status_code == 302
    assert order.number not in text(buyer.get("/my"))


def test_a_venture_owner_cannot_delete_the_account_from_my_page(client, session, shop, owner):
    response = client.post("/my/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 409
    session.expire_all()
    assert session.get(User, owner.id).deleted_at is None


def test_a_signed_in_shoppers_next_checkout_keeps_what_they_typed_last(app, session, shop):
    buyer = shopper(app)
    buyer.post("/my/addresses", data={**ADDRESS, "postcode": "06236"})
    add_to_cart(buyer, shop.product.id)
    place_order(buyer, postcode="48058", address="부산 해운대구 1")  # the card is then declined
    add_to_cart(buyer, shop.product.id)
    page = text(buyer.get("/checkout"))
    assert 'value="48058"' in page and 'value="06236"' not in page
    saved = session.scalars(select(SavedAddress.id)).one()
    assert 'value="06236"' in text(buyer.get(f"/checkout?address={saved}"))
