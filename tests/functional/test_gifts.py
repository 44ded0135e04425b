"""A shopper's own gift at checkout: charged with the order, recorded as its own ledger kind
for the order's cause, never matched, on every page that says what the shopper gave, and
reversed by refunds in proportion (rounded down), all of it on a full refund or when the
order's last line is cancelled."""

import io
import json
from datetime import date
from urllib.parse import parse_qs

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from storefront.domain import chain
from storefront.domain.errors import FulfilmentRefused
from storefront.domain.periods import SEOUL
from storefront.domain.receipts import StatementPeriod
from storefront.models import (
    LedgerEntry,
    MatchingFund,
    Order,
    OrderLine,
    Product,
    Refund,
    TestPaymentSession,
    utcnow,
)
from storefront.payments.base import RefundResult
from storefront.services import accounts, fulfilment, ledger, returns, stats
from storefront.services.receipts import StatementLinks
from tests.factories import make_operator
from tests.helpers import (
    PASSWORD,
    add_to_cart,
    cell,
    english,
    pay,
    place_order,
    run_third_party_script,
    send_event,
    session_object,
    sign_in,
    text,
)
from tests.stripe_fakes import RecordingClient


def sign_up_shopper(session, email):
    user = accounts.sign_up(session, email, "기부자", PASSWORD)
    session.commit()
    return user


def only_order(session):
    return session.scalars(select(Order)).one()


def entries_of(session, order_id):
    return session.scalars(
        select(LedgerEntry).where(LedgerEntry.order_id == order_id).order_by(LedgerEntry.id)
    ).all()


def fund_left(session, shop):
    return session.scalar(select(MatchingFund.remaining).where(MatchingFund.id == shop.fund.id))


def provider_of(app):
    return app.extensions["payment_provider"]


def checkout_and_pay(client, session, **fields):
    placed = place_order(client, **fields)
    assert placed.status_code == 303, text(placed)
    paid = pay(client, placed.headers["Location"])
    success = client.get(paid.headers["Location"])
    return only_order(session), success.headers["Location"]


@pytest.fixture
def gave(client, session, shop):
    """Two cookie sets (₩30,000, free shipping: ₩1,500 given, ₩1,500 matched) and a preset
    gift of ₩5,000, paid: ₩35,000 in one payment."""
    english(client)
    add_to_cart(client, shop.product.id, 2)
    return checkout_and_pay(client, session, gift="5000")


def test_the_gift_is_charged_with_the_order_in_one_payment(client, session, shop, gave):
    order, _ = gave
    assert (order.goods_total, order.shipping_total, order.gift_amount, order.total) == (
        30000, 0, 5000, 35000,
    )  # fmt: skip
    payment = session.scalars(select(TestPaymentSession)).one()
    assert payment.amount == 35000 and payment.payment_status == "paid"
    assert order.status == "paid"


def test_the_gift_is_its_own_unmatched_ledger_entry_for_the_cause(client, session, shop, gave):
    start = 100_000_000
    order, _ = gave
    assert [(e.kind, e.amount, e.cause_id, e.fund_id) for e in entries_of(session, order.id)] == [
        ("donation", 1500, shop.cause.id, None),
        ("match", 1500, shop.cause.id, shop.fund.id),
        ("gift", 5000, shop.cause.id, None),
    ]
    assert fund_left(session, shop) == start - 1500  # the fund matched the donation only
    assert ledger.verify(session)[1] is None


def test_the_gift_goes_to_the_cause_the_shopper_chose(client, session, shop):
    add_to_cart(client, shop.product.id)
    add_to_cart(client, shop.last_one.id)
    order, _ = checkout_and_pay(
        client, session, cause=str(shop.other_cause.id), gift="other", gift_other="12,345"
    )
    assert (order.goods_total, order.shipping_total, order.gift_amount) == (35000, 6000, 12345)
    assert order.total == 35000 + 6000 + 12345
    gift = [e for e in entries_of(session, order.id) if e.kind == "gift"]
    assert [(e.amount, e.cause_id) for e in gift] == [(12345, shop.other_cause.id)]


def test_without_a_gift_nothing_changes(client, session, shop):
    add_to_cart(client, shop.product.id)
    order, _ = checkout_and_pay(client, session)
    assert (order.gift_amount, order.total) == (0, 18000)
    assert "gift" not in {e.kind for e in entries_of(session, order.id)}


def test_the_confirmation_order_page_and_email_show_the_gift(client, session, shop, outbox, gave):
    _order, order_url = gave
    page = text(client.get(order_url))
    assert "Your order gave ₩1,500, and sponsors matched ₩1,500." in page
    assert "You also gave ₩5,000 of your own to 징검다리재단." in page
    assert cell(page, "gift") == "₩5,000"
    body = outbox[0].body
    assert "Your gift to 징검다리재단: ₩5,000" in body and "Total: ₩35,000" in body
    html = outbox[0].alternatives[0][0]
    assert "You also gave ₩5,000 of your own to 징검다리재단." in html


def test_the_receipt_and_its_pdf_count_the_gift(client, session, shop, gave):
    order, _ = gave
    token = order.access_token
    page = text(client.get(f"/orders/{order.number}/receipt?token={token}"))
    assert cell(page, "total-donation") == "₩1,500" and cell(page, "total-match") == "₩1,500"
    assert cell(page, "total-gift") == "₩5,000" and cell(page, "total") == "₩8,000"
    assert 'data-testid="gift-note"' in page
    pdf = client.get(f"/orders/{order.number}/receipt.pdf?token={token}")
    content = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "₩5,000" in content and "₩8,000" in content


def test_the_yearly_statement_counts_the_gift(app, client, session, shop, gave):
    year = utcnow().astimezone(SEOUL).year
    period = StatementPeriod(date(year, 1, 1), date(year, 12, 31))
    url = "/receipts/statement/" + StatementLinks(app.config["SECRET_KEY"]).issue(
        "buyer@example.com", period
    )
    page = text(client.get(url))
    assert cell(page, "total-gift") == "₩5,000" and cell(page, "total") == "₩8,000"
    pdf = client.get(url + "/pdf")
    content = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "₩5,000" in content and "₩8,000" in content


def test_the_public_ledger_shows_the_gift(client, session, shop, gave):
    order, _ = gave
    page = text(client.get(f"/ledger/orders/{order.number}"))
    assert "Shopper&#39;s gift" in page or "Shopper's gift" in page
    totals = text(client.get("/ledger"))
    assert "₩8,000" in totals and "₩5,000" in totals


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"gift": "other", "gift_other": "-1000"}, "A gift is at least ₩1,000."),
        ({"gift": "other", "gift_other": "abc"}, "Enter the gift as a whole number of won"),
        ({"gift": "other", "gift_other": "1000.5"}, "Enter the gift as a whole number of won"),
        ({"gift": "other", "gift_other": ""}, "Enter the gift as a whole number of won"),
        ({"gift": "other", "gift_other": "999"}, "A gift is at least ₩1,000."),
        ({"gift": "other", "gift_other": "1000001"}, "A gift is at most ₩1,000,000."),
        ({"gift": "other", "gift_other": "9" * 15}, "A gift is at most ₩1,000,000."),
        ({"gift": "7777"}, "Not a valid choice"),
        ({"gift": "-5000"}, "Not a valid choice"),
    ],
)
def test_a_bad_gift_re_renders_the_form_and_places_nothing(client, session, shop, fields, message):
    english(client)
    add_to_cart(client, shop.product.id)
    response = place_order(client, **fields)
    assert response.status_code == 400
    assert message in text(response)
    assert session.scalars(select(Order)).all() == []
    assert session.get(Product, shop.product.id).stock == 10


def test_a_chosen_gift_shows_on_the_checkout_summary(client, session, shop):
    english(client)
    add_to_cart(client, shop.product.id)
    page = text(client.get("/checkout"))
    assert 'name="gift"' in page and "₩3,000" in page and 'name="gift_other"' in page
    # the summary adds a gift the form carries (here beside a mistake in another field)
    response = place_order(client, gift="10000", phone="12")
    assert response.status_code == 400
    page = text(response)
    assert cell(page, "gift") == "₩10,000" and cell(page, "total-with-gift") == "₩28,000"


# --- refunds ---------------------------------------------------------------------------------


def refund(client, order, amount, key):
    return client.post(
        f"/operator/orders/{order.id}/refund", data={"amount": amount, "key": key, "note": "요청"}
    )


def net(session, order_id, kind):
    return sum(e.amount for e in entries_of(session, order_id) if e.kind.startswith(kind))


def test_a_partial_refund_reverses_the_gift_in_proportion_and_a_full_one_all_of_it(
    client, session, shop, gave
):
    order, _ = gave
    make_operator(session)
    sign_in(client, email="ops@example.com")
    # ₩10,000 of ₩35,000: each pledge loses left x 10,000 / 35,000, rounded down
    assert refund(client, order, 10000, "k" * 24).status_code == 302
    assert net(session, order.id, "gift") == 5000 - 5000 * 10000 // 35000 == 3572
    assert net(session, order.id, "donation") == 1500 - 1500 * 10000 // 35000 == 1072
    assert net(session, order.id, "match") == 1072
    gift_reversal = [e for e in entries_of(session, order.id) if e.kind == "gift_reversal"]
    assert [(e.amount, e.fund_id) for e in gift_reversal] == [(-1428, None)]
    assert fund_left(session, shop) == 100_000_000 - 1500 + 428  # the gift gives no fund back
    # the rest (₩25,000) reverses whatever is left, whatever the rounding did before
    assert refund(client, order, 25000, "m" * 24).status_code == 302
    assert net(session, order.id, "gift") == 0 and net(session, order.id, "donation") == 0
    assert session.get(Order, order.id).status == "refunded"
    assert ledger.verify(session)[1] is None
    page = text(client.get(f"/orders/{order.number}/receipt?token={order.access_token}"))
    assert cell(page, "total") == "₩0" and cell(page, "total-gift") == "₩0"


def gift_order_of_two_ventures(app, session, shop):
    """A shopper pays for 2 cookies (₩30,000, free shipping, ₩1,500 given and ₩1,500
    matched), the bag of another venture (₩20,000 and ₩3,000 shipping) and a ₩5,000 gift:
    ₩58,000 in one payment."""
    shopper = english(app.test_client())
    add_to_cart(shopper, shop.product.id, 2)
    add_to_cart(shopper, shop.last_one.id, 1)
    order, _ = checkout_and_pay(shopper, session, gift="5000")
    assert (order.goods_total, order.shipping_total, order.gift_amount, order.total) == (
        50000, 3000, 5000, 58000,
    )  # fmt: skip
    return order


def line_of(session, order, product):
    return session.scalars(
        select(OrderLine).where(OrderLine.order_id == order.id, OrderLine.product_id == product.id)
    ).one()


def refunds_of(session, order_id):
    return session.scalars(select(Refund).where(Refund.order_id == order_id).order_by(Refund.id))


def test_a_cancelled_line_keeps_the_gift_while_another_line_stands(
    app, client, session, shop, owner, outbox
):
    order = gift_order_of_two_ventures(app, session, shop)
    cookies = line_of(session, order, shop.product)
    url = f"/seller/ventures/{shop.venture.id}/orders/{order.id}/lines/{cookies.id}/cancel"
    assert client.post(url).status_code == 302
    assert [(r.amount, r.order_line_id) for r in refunds_of(session, order.id)] == [
        (30000, cookies.id)
    ]
    assert net(session, order.id, "donation") > 0  # the bag's donation stands
    assert net(session, order.id, "gift") == 5000
    assert session.get(Order, order.id).status == "paid"
    assert "₩30,000" in outbox[-1].body and "gift" not in outbox[-1].body


def test_cancelling_the_last_line_of_the_order_gives_the_gift_back_too(
    app, client, session, shop, owner, outbox, tmp_path
):
    order = gift_order_of_two_ventures(app, session, shop)
    bag = line_of(session, order, shop.last_one)
    fulfilment.cancel_line(session, provider_of(app), bag, utcnow())  # the other venture
    session.commit()
    cookies = line_of(session, order, shop.product)
    url = f"/seller/ventures/{shop.venture.id}/orders/{order.id}/lines/{cookies.id}/cancel"
    assert client.post(url).status_code == 302
    # one payment refund of ₩30,000 goods + ₩0 shipping + ₩5,000 gift, kept as two rows
    assert session.scalars(select(TestPaymentSession)).one().refunded == 58000
    rows = [(r.amount, r.order_line_id, r.reason) for r in refunds_of(session, order.id)]
    assert rows == [
        (23000, bag.id, "line_cancelled"),
        (30000, cookies.id, "line_cancelled"),
        (5000, None, "line_cancelled"),
    ]
    gift_refund = refunds_of(session, order.id).all()[-1]
    assert gift_refund.provider_ref == refunds_of(session, order.id).all()[1].provider_ref
    reversal = [e for e in entries_of(session, order.id) if e.kind == "gift_reversal"]
    gift = [e for e in entries_of(session, order.id) if e.kind == "gift"]
    assert [(e.amount, e.reverses_id, e.refund_id, e.fund_id) for e in reversal] == [
        (-5000, gift[0].id, gift_refund.id, None)
    ]
    for kind in ("donation", "match", "gift"):
        assert net(session, order.id, kind) == 0
    assert fund_left(session, shop) == 100_000_000  # both matches back, nothing for the gift
    assert session.get(Order, order.id).status == "refunded"
    assert "₩35,000 was refunded" in outbox[-1].body
    assert "includes your own gift of ₩5,000 to 징검다리재단" in outbox[-1].body
    assert "includes your own gift of ₩5,000" in outbox[-1].alternatives[0][0]
    # the venture's statement counts its line's refund, not the shopper's gift
    month = utcnow().astimezone(SEOUL).date().replace(day=1)
    assert stats.statement(session, shop.venture.id, month, 0).refunds == 30000
    assert ledger.verify(session)[1] is None
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    make_operator(session)
    sign_in(client, email="ops@example.com")
    checked = run_third_party_script(tmp_path, client.get("/ledger/export.json").get_data())
    assert checked.returncode == 0, checked.stderr
    assert "donations 0, matches 0, gifts 0 (minor units)" in checked.stdout


def test_after_a_partial_refund_the_last_line_gives_back_what_is_left(
    app, client, session, shop, gave
):
    order, _ = gave  # ₩30,000 of cookies and a ₩5,000 gift
    make_operator(session)
    sign_in(client, email="ops@example.com")
    assert refund(client, order, 10000, "k" * 24).status_code == 302
    assert net(session, order.id, "gift") == 3572
    [line] = session.scalars(select(OrderLine).where(OrderLine.order_id == order.id))
    fulfilment.cancel_line(session, provider_of(app), line, utcnow())
    session.commit()
    # ₩25,000 was left: ₩25,000 for the line (capped), so no gift row; the gift is reversed
    assert [(r.amount, r.order_line_id) for r in refunds_of(session, order.id)] == [
        (10000, None),
        (25000, line.id),
    ]
    assert session.scalars(select(TestPaymentSession)).one().refunded == 35000
    reversal = [e.amount for e in entries_of(session, order.id) if e.kind == "gift_reversal"]
    assert reversal == [-1428, -3572]
    for kind in ("donation", "match", "gift"):
        assert net(session, order.id, kind) == 0
    assert session.get(Order, order.id).status == "refunded"
    assert ledger.verify(session)[1] is None
    # reversing the gift again finds nothing left
    last = refunds_of(session, order.id).all()[-1]
    assert ledger.reverse_gift(session, order, last, utcnow()) == []


def test_the_same_cancellation_twice_refunds_the_gift_once(app, client, session, shop, gave):
    order, _ = gave
    [line] = session.scalars(select(OrderLine).where(OrderLine.order_id == order.id))
    fulfilment.cancel_line(session, provider_of(app), line, utcnow())
    session.commit()
    with pytest.raises(FulfilmentRefused):
        fulfilment.cancel_line(session, provider_of(app), line, utcnow())
    session.rollback()
    assert [r.amount for r in refunds_of(session, order.id)] == [30000, 5000]
    assert session.scalars(select(TestPaymentSession)).one().refunded == 35000
    assert net(session, order.id, "gift") == 0


def test_my_giving_counts_the_gift_and_its_reversal(client, session, shop, gave):
    order, _ = gave
    buyer = sign_up_shopper(session, "giver@example.com")
    order.user_id = buyer.id
    session.commit()
    sign_in(client, email="giver@example.com")
    year = utcnow().astimezone(SEOUL).year
    total = cell(text(client.get("/my/giving")), f"giving-total-{year}")
    # ₩1,500 given, ₩1,500 matched and the ₩5,000 gift
    assert "₩5,000" in total and "₩8,000" in total
    client.post("/account/sign-out")
    make_operator(session)
    sign_in(client, email="ops@example.com")
    assert refund(client, order, 35000, "f" * 24).status_code == 302
    client.post("/account/sign-out")
    sign_in(client, email="giver@example.com")
    assert "₩0" in cell(text(client.get("/my/giving")), f"giving-total-{year}")


class RefundingProvider:
    name = "test"

    def refund(self, payment_intent: str, amount: int, idempotency_key: str) -> RefundResult:
        return RefundResult(id=f"re_{idempotency_key}", amount=amount, status="succeeded")


def test_a_returned_line_keeps_the_gift(client, session, shop, gave):
    order, _ = gave
    line = session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)).one()
    now = utcnow()
    line.status, line.delivered_at = "delivered", now
    session.flush()
    rules = returns.Rules(window_days=7, shipping_fee=3000)
    found = returns.request(session, order, line.id, "return", "damaged", "", [], None, rules, now)
    returns.approve(session, found, rules, now)
    returns.receive(session, found, now)
    made = returns.refund(session, RefundingProvider(), found, now)
    session.commit()
    # the goods (₩30,000) come back, and their donation and match with them; the gift stays
    assert made is not None and made.amount == 30000
    assert net(session, order.id, "donation") == 0 and net(session, order.id, "match") == 0
    assert net(session, order.id, "gift") == 5000
    assert ledger.verify(session)[1] is None


def test_the_export_with_gifts_passes_the_documented_script_and_the_log_audit(
    app, client, session, shop, gave, tmp_path
):
    order, _ = gave
    make_operator(session)
    sign_in(client, email="ops@example.com")
    refund(client, order, 10000, "k" * 24)
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    assert "The log checks" in result.output
    export = client.get("/ledger/export.json")
    gifts = [e for e in export.json["entries"] if e["kind"].startswith("gift")]
    assert [(e["kind"], e["amount"]) for e in gifts] == [("gift", 5000), ("gift_reversal", -1428)]
    checked = run_third_party_script(tmp_path, export.get_data())
    assert checked.returncode == 0, checked.stderr
    assert "donations 1072, matches 1072, gifts 3572 (minor units)" in checked.stdout
    # a gift said to be drawn from a fund does not check, even with the chain rehashed
    edited = export.json
    previous = chain.GENESIS
    for entry in edited["entries"]:
        if entry["kind"] == "gift":
            entry["fund_id"] = shop.fund.id
        entry["prev_hash"] = previous
        entry["hash"] = previous = chain.entry_hash(entry)
    off = run_third_party_script(tmp_path, json.dumps(edited).encode())
    assert off.returncode != 0 and f"names fund {shop.fund.id}" in off.stderr


def test_stripe_charges_the_gift_as_a_line_of_the_same_checkout(make_app, session, shop):
    http = RecordingClient(
        [
            (
                200,
                {
                    "id": "cs_test_gift",
                    "object": "checkout.session",
                    "url": "https://checkout.stripe.com/c/pay/cs_test_gift",
                    "amount_total": 23000,
                },
            )
        ]
    )
    app = make_app(
        PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY="sk_test_123", STRIPE_HTTP_CLIENT=http
    )
    client = english(app.test_client())
    add_to_cart(client, shop.product.id)
    response = place_order(client, gift="5000")
    assert response.headers["Location"] == "https://checkout.stripe.com/c/pay/cs_test_gift"
    form = parse_qs(http.requests[0]["body"])
    assert form["line_items[0][price_data][unit_amount]"] == ["15000"]
    assert form["line_items[1][price_data][unit_amount]"] == ["3000"]  # shipping
    assert form["line_items[2][price_data][unit_amount]"] == ["5000"]
    assert form["line_items[2][price_data][product_data][name]"] == ["Donation to 징검다리재단"]
    assert form["line_items[2][quantity]"] == ["1"]
    order = only_order(session)
    assert order.total == 23000
    assert send_event(client, "checkout.session.completed", session_object(order)).json == {
        "result": "paid"
    }
    assert [(e.kind, e.amount) for e in entries_of(session, order.id)] == [
        ("donation", 750),
        ("match", 750),
        ("gift", 5000),
    ]


def test_impact_and_home_show_gifts_apart_from_what_the_ventures_sales_gave(
    client, session, shop, gave
):
    # ₩1,500 given and ₩1,500 matched through the sale, and the shopper's own ₩5,000
    home = text(client.get("/"))
    assert cell(home, "total-given") == "₩3,000"
    assert "and shoppers gave ₩5,000 of their own" in home
    page = text(client.get("/impact"))
    assert cell(page, "kpi-donated") == "₩3,000" and cell(page, "kpi-gifts") == "₩5,000"
    venture = text(client.get(f"/ventures/{shop.venture.slug}"))
    assert cell(venture, "venture-given") == "₩1,500"
    assert "₩8,000" in text(client.get("/ledger"))  # the ledger itself counts everything
