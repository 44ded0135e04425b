"""A shopper returns or exchanges a delivered line; the venture approves, receives, refunds
or ships a new item; every step is on both pages and in the shopper's inbox."""

from datetime import timedelta
from io import BytesIO

import pytest
from flask import current_app
from sqlalchemy import func, select

from storefront.models import (
    LedgerEntry,
    Order,
    OrderLine,
    Product,
    Refund,
    ReturnPhoto,
    ReturnRequest,
    utcnow,
)
from storefront.payments import PaymentError
from storefront.services import ledger
from tests.helpers import buy, english, picture, text


@pytest.fixture
def bought(session, shop):
    """A shopper (its own browser) paid ₩30,000 for two cookie sets: ₩1,500 given, ₩1,500
    matched, free shipping; the venture delivered them yesterday."""
    shopper = english(current_app.test_client())
    buy(shopper, shop.product.id, 2)
    order = session.scalars(select(Order)).one()
    assert (order.total, order.donation_total, order.match_total) == (30000, 1500, 1500)
    [line] = order.lines
    deliver(session, line, days_ago=1)
    return shopper, order, line


def deliver(session, line, days_ago):
    line.status, line.delivered_at = "delivered", utcnow() - timedelta(days=days_ago)
    session.commit()


def ask(shopper, order, line, kind="return", reason="changed_mind", photos=(), token=None):
    data = {"line": str(line.id), "kind": kind, "reason": reason, "note": "상자가 찌그러짐"}
    data["images"] = [(BytesIO(body), name) for name, body in photos]
    query = f"?token={token}" if token else ""
    return shopper.post(
        f"/orders/{order.number}/returns/new{query}",
        data=data,
        content_type="multipart/form-data",
    )


def shopper_mail(outbox, order):
    """The last email sent to the shopper (the venture is told of new requests too)."""
    return [m for m in outbox if m.to == [order.email]][-1]


def the_request(session):
    session.expire_all()
    return session.scalars(select(ReturnRequest)).one()


def seller_url(shop, found, action=""):
    base = f"/seller/ventures/{shop.venture.id}/returns/{found.id}"
    return f"{base}/{action}" if action else base


def net(session, line, kind):
    entries = session.scalars(select(LedgerEntry).where(LedgerEntry.order_line_id == line.id))
    return sum(e.amount for e in entries if e.kind.startswith(kind))


def refunds_of(session, order):
    return session.scalars(select(Refund).where(Refund.order_id == order.id)).all()


def test_a_shopper_asks_for_a_return_with_a_photo_and_follows_it(session, shop, bought, outbox):
    shopper, order, line = bought
    shop.venture.contact_email = "hello@sunshine.example"
    session.commit()
    order_page = text(shopper.get(f"/orders/{order.number}"))
    assert "Return or exchange" in order_page
    response = ask(shopper, order, line, photos=[("box.jpg", picture())])
    assert response.status_code == 302
    found = the_request(session)
    assert (found.kind, found.reason, found.status, found.quantity) == (
        "return", "changed_mind", "requested", 2,
    )  # fmt: skip
    page = text(shopper.get(response.headers["Location"]))
    assert "Requested" in page and "₩27,000" in page  # the refund due after the fee
    [photo] = found.photos
    served = shopper.get(f"/orders/{order.number}/returns/{found.id}/photos/{photo.id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert "no-store" in served.headers["Cache-Control"]
    told = shopper_mail(outbox, order)
    assert "return request" in told.subject
    assert f"/orders/{order.number}/returns/{found.id}?token=" in told.body
    # the venture is told at its contact address, with the link to its request page
    [venture_mail] = [m for m in outbox if m.to == ["hello@sunshine.example"]]
    assert f"/seller/ventures/{shop.venture.id}/returns/{found.id}" in venture_mail.body
    # the order page lists it, and offers no second request for the line
    order_page = text(shopper.get(f"/orders/{order.number}"))
    assert f"Return request #{found.id}" in order_page and "Return or exchange" not in order_page


def test_someone_without_the_order_gets_a_404(session, bought):
    shopper, order, line = bought
    assert ask(shopper, order, line, photos=[("box.jpg", picture())]).status_code == 302
    found = the_request(session)
    [photo] = found.photos
    base = f"/orders/{order.number}/returns"
    stranger = current_app.test_client()
    urls = (f"{base}/new", f"{base}/{found.id}", f"{base}/{found.id}/photos/{photo.id}")
    for url in urls:
        assert stranger.get(url).status_code == 404
        assert stranger.get(f"{url}?token=wrong").status_code == 404
    assert ask(stranger, order, line, kind="exchange").status_code == 404
    assert session.scalar(select(func.count()).select_from(ReturnRequest)) == 1
    # the order's link (as emailed) opens them, like the order page
    for url in urls:
        assert stranger.get(f"{url}?token={order.access_token}").status_code == 200
    # another shopper's order does not lend its requests
    other = english(current_app.test_client())
    buy(other, shop_product_id(session), 1)
    theirs = session.scalars(select(Order).order_by(Order.id.desc())).first()
    assert other.get(f"/orders/{theirs.number}/returns/{found.id}").status_code == 404
    assert other.get(f"{base}/{found.id}").status_code == 404


def shop_product_id(session):
    return session.scalars(select(Product.id).where(Product.stock > 5).order_by(Product.id)).first()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not delivered", "Only a delivered item can be returned or exchanged."),
        ("too late", "within 7 days of delivery"),
        ("second request", "already has a return or exchange request open"),
    ],
)
def test_requests_the_rules_refuse_get_a_409_with_a_message(session, bought, case, message):
    shopper, order, line = bought
    if case == "not delivered":
        line.status, line.delivered_at = "shipped", None
        session.commit()
    elif case == "too late":
        deliver(session, line, days_ago=8)
    else:
        assert ask(shopper, order, line).status_code == 302
    response = ask(shopper, order, line, kind="exchange")
    assert response.status_code == 409
    assert message in text(response)
    assert session.scalar(select(func.count()).select_from(ReturnRequest)) == (
        1 if case == "second request" else 0
    )


def test_a_file_that_is_not_a_picture_or_too_many_photos_are_refused(session, bought):
    shopper, order, line = bought
    response = ask(shopper, order, line, photos=[("note.txt", b"not a picture")])
    assert response.status_code == 400
    assert "note.txt is not a JPEG, PNG, WebP or GIF picture." in text(response)
    four = [(f"p{i}.jpg", picture()) for i in range(4)]
    response = ask(shopper, order, line, photos=four)
    assert response.status_code == 400 and "Send at most 3 photos." in text(response)
    bad_reason = ask(shopper, order, line, reason="bored")
    assert bad_reason.status_code == 400
    assert session.scalar(select(func.count()).select_from(ReturnRequest)) == 0
    assert session.scalar(select(func.count()).select_from(ReturnPhoto)) == 0


def test_a_change_of_mind_return_refunds_the_goods_less_the_return_shipping(
    client, session, shop, owner, bought, outbox
):
    shopper, order, line = bought
    assert ask(shopper, order, line, reason="changed_mind").status_code == 302
    found = the_request(session)
    assert client.post(seller_url(shop, found, "approve")).status_code == 302
    assert the_request(session).shipping_fee == 3000
    assert "₩3,000 is deducted" in shopper_mail(outbox, order).body
    response = client.post(seller_url(shop, found, "receive"))
    assert response.status_code == 302
    found = the_request(session)
    [refund] = refunds_of(session, order)
    assert (refund.amount, refund.reason, refund.order_line_id, refund.idempotency_key) == (
        27000, "return", line.id, f"sangsaeng-return-{found.id}",
    )  # fmt: skip
    assert (found.status, found.refund_id) == ("refunded", refund.id)
    assert session.get(OrderLine, line.id).status == "returned"
    assert session.get(Order, order.id).status == "paid"  # ₩3,000 stays paid
    # 27,000 of 30,000 given back: 1,500 x 27,000 / 30,000 = 1,350 reversed of each
    assert (net(session, line, "donation"), net(session, line, "match")) == (150, 150)
    reversals = session.scalars(
        select(LedgerEntry).where(LedgerEntry.refund_id == refund.id).order_by(LedgerEntry.id)
    ).all()
    assert [(e.kind, e.amount) for e in reversals] == [
        ("donation_reversal", -1350), ("match_reversal", -1350),
    ]  # fmt: skip
    assert ledger.verify(session)[1] is None
    steps = [m.subject for m in outbox if m.to == [order.email]][-4:]
    assert [s.split(": ", 1)[1] for s in steps] == [
        "we received your return request",
        "your return request is approved",
        "the venture received your item",
        "your return is refunded",
    ]
    assert "₩27,000 was refunded" in shopper_mail(outbox, order).body
    page = text(shopper.get(f"/orders/{order.number}/returns/{found.id}"))
    assert "Refunded" in page and "₩27,000 was refunded" in page
    assert "Returned and refunded" in text(shopper.get(f"/orders/{order.number}"))
    seller_page = text(client.get(seller_url(shop, found)))
    assert "₩27,000" in seller_page and "Refunded" in seller_page
    # no stock comes back by itself
    assert session.get(Product, shop.product.id).stock == 8


def test_a_damaged_item_is_refunded_in_full_and_its_donation_reversed_entirely(
    client, session, shop, owner, bought
):
    shopper, order, line = bought
    assert ask(shopper, order, line, reason="damaged").status_code == 302
    found = the_request(session)
    client.post(seller_url(shop, found, "approve"))
    assert the_request(session).shipping_fee == 0
    assert client.post(seller_url(shop, found, "receive")).status_code == 302
    [refund] = refunds_of(session, order)
    assert refund.amount == 30000
    assert (net(session, line, "donation"), net(session, line, "match")) == (0, 0)
    assert session.get(Order, order.id).status == "refunded"
    assert ledger.verify(session)[1] is None


def test_an_exchange_ships_a_new_item_without_a_refund(
    client, session, shop, owner, bought, outbox
):
    shopper, order, line = bought
    assert ask(shopper, order, line, kind="exchange", reason="wrong_item").status_code == 302
    found = the_request(session)
    for action in ("approve", "receive"):
        assert client.post(seller_url(shop, found, action)).status_code == 302
    assert the_request(session).status == "received"
    bad = client.post(
        seller_url(shop, found, "reship"), data={"carrier": "cj", "tracking_number": "?"}
    )
    assert bad.status_code == 400
    response = client.post(
        seller_url(shop, found, "reship"), data={"carrier": "cj", "tracking_number": "6012-9999"}
    )
    assert response.status_code == 302
    found = the_request(session)
    assert (found.status, found.carrier, found.tracking_number) == ("reshipped", "cj", "6012-9999")
    assert session.get(OrderLine, line.id).status == "exchanged"
    assert refunds_of(session, order) == []
    assert (net(session, line, "donation"), net(session, line, "match")) == (1500, 1500)
    assert (
        "6012-9999" in shopper_mail(outbox, order).body
        and "exchange has shipped" in shopper_mail(outbox, order).subject
    )
    page = text(shopper.get(f"/orders/{order.number}/returns/{found.id}"))
    assert "New item shipped" in page and "6012-9999" in page


def test_a_declined_request_says_why_and_lets_the_shopper_ask_again(
    client, session, shop, owner, bought, outbox
):
    shopper, order, line = bought
    ask(shopper, order, line)
    found = the_request(session)
    assert client.post(seller_url(shop, found, "reject"), data={"note": ""}).status_code == 400
    response = client.post(seller_url(shop, found, "reject"), data={"note": "사용 흔적이 있음"})
    assert response.status_code == 302
    assert the_request(session).status == "rejected"
    assert (
        "사용 흔적이 있음" in shopper_mail(outbox, order).body
        and "declined" in shopper_mail(outbox, order).subject
    )
    assert client.post(seller_url(shop, found, "approve")).status_code == 409
    assert ask(shopper, order, line).status_code == 302  # no request is open any more


def test_the_refund_form_sent_twice_refunds_once(client, session, shop, owner, bought):
    shopper, order, line = bought
    ask(shopper, order, line)
    found = the_request(session)
    client.post(seller_url(shop, found, "approve"))
    client.post(seller_url(shop, found, "receive"))
    again = client.post(seller_url(shop, found, "refund"))
    assert again.status_code == 302
    assert len(refunds_of(session, order)) == 1
    assert client.post(seller_url(shop, found, "receive")).status_code == 409
    assert len(refunds_of(session, order)) == 1


def test_a_refused_refund_keeps_the_item_received_and_can_be_retried(
    app, client, session, shop, owner, bought, monkeypatch
):
    shopper, order, line = bought
    ask(shopper, order, line)
    found = the_request(session)
    client.post(seller_url(shop, found, "approve"))
    provider = app.extensions["payment_provider"]
    real = provider.refund

    def refuse(*args, **kwargs):
        raise PaymentError("card network down")

    monkeypatch.setattr(provider, "refund", refuse)
    response = client.post(seller_url(shop, found, "receive"))
    assert response.status_code == 503
    assert "The item stays received" in text(response)
    found = the_request(session)
    assert (found.status, found.refund_error) == ("received", "card network down")
    assert refunds_of(session, order) == []
    assert session.get(OrderLine, line.id).status == "delivered"
    shopper_page = text(shopper.get(f"/orders/{order.number}/returns/{found.id}"))
    assert "Nothing is lost" in shopper_page
    monkeypatch.setattr(provider, "refund", real)
    assert client.post(seller_url(shop, found, "refund")).status_code == 302
    found = the_request(session)
    assert (found.status, found.refund_error) == ("refunded", "")
    assert [r.amount for r in refunds_of(session, order)] == [27000]


def test_another_venture_cannot_see_or_act_on_the_request(client, session, shop, bought):
    from storefront.models import Membership
    from storefront.services import accounts
    from tests.helpers import PASSWORD, sign_in

    shopper, order, line = bought
    ask(shopper, order, line, photos=[("box.jpg", picture())])
    found = the_request(session)
    rival = accounts.sign_up(session, "rival@example.com", "경쟁", PASSWORD)
    session.add(Membership(user_id=rival.id, venture_id=shop.other_venture.id, role="owner"))
    session.commit()
    english(client)
    sign_in(client, email="rival@example.com")
    mine = f"/seller/ventures/{shop.other_venture.id}/returns/{found.id}"
    photo = found.photos[0].id
    for url in (mine, f"{mine}/photos/{photo}", seller_url(shop, found)):
        assert client.get(url).status_code == 404
    for action in ("approve", "receive", "refund"):
        assert client.post(f"{mine}/{action}").status_code == 404
        assert client.post(seller_url(shop, found, action)).status_code == 404
    assert the_request(session).status == "requested"
    listing = text(client.get(f"/seller/ventures/{shop.other_venture.id}/returns"))
    assert order.number not in listing and "No returns or exchanges yet." in listing


def test_a_korean_shopper_is_told_in_korean(session, shop, outbox):
    shopper = current_app.test_client()  # the shop speaks Korean by default
    buy(shopper, shop.product.id, 1)
    order = session.scalars(select(Order)).one()
    [line] = order.lines
    deliver(session, line, days_ago=0)
    assert "반품·교환" in text(shopper.get(f"/orders/{order.number}"))
    response = ask(shopper, order, line, reason="damaged")
    assert response.status_code == 302
    assert "요청됨" in text(shopper.get(response.headers["Location"]))
    assert (
        shopper_mail(outbox, order).subject
        == f"상생 주문 {order.number}: 반품·교환 요청을 받았습니다"
    )
    assert "우리밀 쿠키 세트의 반품 요청을 받았습니다" in shopper_mail(outbox, order).body
    second = ask(shopper, order, line, kind="exchange")
    assert second.status_code == 409 and "이미 진행 중인 반품·교환 요청" in text(second)
