"""A venture ships, delivers or cancels its lines; the shopper follows along."""

from sqlalchemy import func, select

from storefront.models import LedgerEntry, Order, OrderLine, Product, Refund, TestPaymentSession
from storefront.services import ledger
from tests.helpers import add_to_cart, english, pay, place_order, text


def two_venture_order(session, shop):
    """A shopper pays for 2 cookies (the owner's venture) and the bag (another venture)."""
    from flask import current_app

    shopper = current_app.test_client()
    english(shopper)
    add_to_cart(shopper, shop.product.id, 2)
    add_to_cart(shopper, shop.last_one.id, 1)
    pay(shopper, place_order(shopper).headers["Location"])
    order = session.scalars(select(Order)).one()
    return shopper, order


def lines(session, order, venture):
    return session.scalars(
        select(OrderLine).where(OrderLine.order_id == order.id, OrderLine.venture_id == venture.id)
    ).all()


def order_url(shop, order):
    return f"/seller/ventures/{shop.venture.id}/orders/{order.id}"


def test_the_venture_sees_only_its_lines_and_only_what_shipping_needs(client, session, shop, owner):
    _shopper, order = two_venture_order(session, shop)
    listing = text(client.get(f"/seller/ventures/{shop.venture.id}/orders"))
    assert (
        order.number in listing
        and shop.product.title in listing
        and shop.last_one.title not in listing
    )
    page = text(client.get(order_url(shop, order)))
    assert shop.product.title in page and shop.last_one.title not in page
    assert order.address in page and "010-1234-5678" in page
    assert order.email not in page


def test_shipping_a_line_shows_the_tracking_number_to_the_shopper(
    client, session, shop, owner, outbox
):
    shopper, order = two_venture_order(session, shop)
    [line] = lines(session, order, shop.venture)
    base = f"{order_url(shop, order)}/lines/{line.id}"
    assert client.post(f"{base}/prepare").status_code == 302
    assert session.get(OrderLine, line.id).status == "preparing"
    response = client.post(
        f"{base}/ship", data={"carrier": "cj", "tracking_number": "6012-3456-7890"}
    )
    assert response.status_code == 302
    line = session.get(OrderLine, line.id)
    assert (line.status, line.carrier, line.tracking_number) == ("shipped", "cj", "6012-3456-7890")
    assert line.shipped_at is not None
    shipped_mail = outbox[-1]
    assert shipped_mail.to == [order.email] and "6012-3456-7890" in shipped_mail.body
    page = text(shopper.get(f"/orders/{order.number}"))
    assert "Shipped" in page and "6012-3456-7890" in page and "CJ Logistics" in page
    assert client.post(f"{base}/deliver").status_code == 302
    assert session.get(OrderLine, line.id).status == "delivered"
    assert "Delivered" in text(shopper.get(f"/orders/{order.number}"))


def test_bad_shipping_details_and_wrong_steps_are_refused(client, session, shop, owner):
    _shopper, order = two_venture_order(session, shop)
    [line] = lines(session, order, shop.venture)
    base = f"{order_url(shop, order)}/lines/{line.id}"
    assert (
        client.post(
            f"{base}/ship", data={"carrier": "teleport", "tracking_number": "123456"}
        ).status_code
        == 400
    )
    assert (
        client.post(f"{base}/ship", data={"carrier": "cj", "tracking_number": "12"}).status_code
        == 400
    )
    assert (
        client.post(
            f"{base}/ship", data={"carrier": "cj", "tracking_number": "<script>"}
        ).status_code
        == 400
    )
    assert client.post(f"{base}/deliver").status_code == 409  # not shipped yet
    assert client.post(f"{base}/explode").status_code == 409
    assert session.get(OrderLine, line.id).status == "paid"


def test_cancelling_a_line_refunds_it_reverses_its_donation_and_restocks(
    client, session, shop, owner, outbox
):
    shopper, order = two_venture_order(session, shop)
    [line] = lines(session, order, shop.venture)
    stock_before = session.get(Product, shop.product.id).stock
    pledged_before = ledger.total_pledged(session)
    response = client.post(f"{order_url(shop, order)}/lines/{line.id}/cancel")
    assert response.status_code == 302
    line = session.get(OrderLine, line.id)
    assert line.status == "cancelled"
    # 2 × 15,000 = 30,000 of goods; this venture's shipping was free (30,000 reached)
    refund = session.scalars(select(Refund)).one()
    assert (refund.amount, refund.order_line_id, refund.reason) == (
        30000,
        line.id,
        "line_cancelled",
    )
    assert session.scalars(select(TestPaymentSession)).one().refunded == 30000
    reversals = session.scalars(
        select(LedgerEntry).where(LedgerEntry.reverses_id.is_not(None))
    ).all()
    assert sorted((e.kind, e.amount) for e in reversals) == [
        ("donation_reversal", -1500),
        ("match_reversal", -1500),
    ]
    assert ledger.total_pledged(session) == pledged_before - 3000
    originals = session.scalars(
        select(LedgerEntry).where(LedgerEntry.order_line_id == line.id, LedgerEntry.amount > 0)
    ).all()
    assert sorted(e.amount for e in originals) == [1500, 1500]  # never edited
    assert session.get(Product, shop.product.id).stock == stock_before + 2
    assert session.get(Order, order.id).status == "paid"  # the other venture's line stands
    assert "₩30,000" in outbox[-1].body and order.number in outbox[-1].subject
    assert "Cancelled and refunded" in text(shopper.get(f"/orders/{order.number}"))
    assert client.post(f"{order_url(shop, order)}/lines/{line.id}/cancel").status_code == 409
    assert session.scalar(select(func.count()).select_from(Refund)) == 1


def test_the_last_line_of_a_venture_also_refunds_its_shipping_and_the_order_ends_refunded(
    client, session, shop, owner
):
    from flask import current_app

    shopper = current_app.test_client()
    add_to_cart(shopper, shop.cheap.id, 1)  # ₩3,300 + ₩3,000 shipping
    pay(shopper, place_order(shopper).headers["Location"])
    order = session.scalars(select(Order)).one()
    [line] = lines(session, order, shop.venture)
    assert line.shipping_amount == 3000
    client.post(f"{order_url(shop, order)}/lines/{line.id}/cancel")
    assert session.scalars(select(Refund)).one().amount == 3300 + 3000
    assert session.get(Order, order.id).status == "refunded"


def test_a_shipped_line_cannot_be_cancelled(client, session, shop, owner):
    _shopper, order = two_venture_order(session, shop)
    [line] = lines(session, order, shop.venture)
    base = f"{order_url(shop, order)}/lines/{line.id}"
    client.post(f"{base}/ship", data={"carrier": "epost", "tracking_number": "1234567890123"})
    response = client.post(f"{base}/cancel")
    assert response.status_code == 409 and "cannot be done" in text(response)
    assert session.scalar(select(func.count()).select_from(Refund)) == 0


def test_a_line_of_another_venture_is_not_found(client, session, shop, owner):
    _shopper, order = two_venture_order(session, shop)
    [other_line] = lines(session, order, shop.other_venture)
    assert client.post(f"{order_url(shop, order)}/lines/{other_line.id}/cancel").status_code == 404
    assert (
        client.get(f"/seller/ventures/{shop.other_venture.id}/orders/{order.id}").status_code == 404
    )
    assert session.get(OrderLine, other_line.id).status == "paid"
