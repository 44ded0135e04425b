"""A paid order's donation receipt, as a printable page and a PDF, read from the ledger."""

import io
import sys
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from storefront.models import Order
from storefront.services import ledger
from storefront.web.receipt_text import NOT_A_TAX_RECEIPT
from tests.factories import Line, make_paid_order, refund_line
from tests.helpers import (
    amounts,
    buy,
    cell,
    embedded_font_subsets,
    english,
    pdf_fonts,
    pdf_text,
    row,
    text,
)

PAID = datetime(2026, 3, 10, 1, 30, tzinfo=UTC)  # 10:30 in Seoul
REFUNDED = datetime(2026, 3, 12, 6, 0, tzinfo=UTC)


@pytest.fixture
def order(session, shop):
    """Two cookie sets and a 누룽지 to 징검다리재단, one cookie set to 푸른물결기금; then the
    누룽지 line is refunded.

    Pledged: 징검다리재단 1,500 + 165 (and as much matched), 푸른물결기금 750 (and 750);
    after the refund 징검다리재단 keeps 1,500 and 1,500.
    """
    shop.cause.registration = "102-82-00001"
    shop.other_cause.registration = "802-82-12345"
    placed = make_paid_order(
        session,
        shop.venture,
        [
            Line(shop.product, quantity=2),
            Line(shop.cheap),
            Line(shop.product, cause_id=shop.other_cause.id),
        ],
        when=PAID,
        email="Kim.Minji@example.com",
    )
    placed.access_token = "secret-token"
    refund_line(session, placed, placed.lines[1], REFUNDED)
    session.commit()
    return placed


def test_the_receipt_shows_donation_and_match_per_cause_net_of_the_refund(
    client, session, shop, order
):
    english(client)
    response = client.get(f"/orders/{order.number}/receipt?token=secret-token")
    assert response.status_code == 200
    page = text(response)
    assert cell(page, "receipt-number") == "DR-" + order.number.removeprefix("SS-")
    assert cell(page, "donor") == "구매자"
    assert cell(page, "donor-email") == "Ki***@example.com"
    assert "Kim.Minji@example.com" not in page
    assert "10:30" in cell(page, "paid-at")  # 01:30 UTC is 10:30 in Seoul
    first = row(page, f"cause-{shop.cause.id}")
    assert "징검다리재단" in first and "102-82-00001" in first
    assert amounts(first) == ["₩1,500", "₩1,500"]  # 1,665 each before the refund
    second = row(page, f"cause-{shop.other_cause.id}")
    assert "802-82-12345" in second and amounts(second) == ["₩750", "₩750"]
    assert cell(page, "total-donation") == "₩2,250"
    assert cell(page, "total-match") == "₩2,250"
    assert cell(page, "total") == "₩4,500"
    assert "Donation through your purchase" in page and "Sponsor match" in page
    reversals = page.split('data-testid="reversals"')[1].split("<tbody>")[1].split("</table>")[0]
    assert reversals.count("<tr>") == 2
    assert "Donation reversed (refund)" in reversals
    assert "Sponsor match reversed (refund)" in reversals
    assert "Mar 12, 2026" in reversals and amounts(reversals) == ["-₩165", "-₩165"]


def test_the_receipt_lets_anyone_check_each_entry_in_the_public_ledger(
    client, session, shop, order
):
    page = text(client.get(f"/orders/{order.number}/receipt?token=secret-token"))
    assert f"http://shop.test/ledger/orders/{order.number}" in cell(page, "ledger-link")
    entries = ledger.order_entries(session, order.id)
    assert len(entries) == 8  # 3 lines x (donation + match), and 2 reversals
    for entry in entries:
        assert entry.hash[:12] in page
    assert client.get(f"/ledger/orders/{order.number}").status_code == 200


def test_the_receipt_says_it_is_not_a_tax_receipt_in_both_languages(client, order):
    page = text(client.get(f"/orders/{order.number}/receipt?token=secret-token"))
    note = page.split('data-testid="receipt-note"')[1]
    korean, english_note = note.index('lang="ko"'), note.index('lang="en"')
    assert korean < english_note  # the page's language (Korean) first
    assert "It is not a tax receipt" in note
    assert "기부금 영수증" in note


def test_the_receipt_prints_without_the_shops_header_and_buttons(client, order):
    page = text(client.get(f"/orders/{order.number}/receipt?token=secret-token"))
    assert 'class="no-print receipt-actions"' in page
    assert "data-print" in page and "print.js" in page
    css = client.get("/static/style.css")
    style = css.get_data(as_text=True)
    css.close()
    printed = style.split("@media print", 1)[1]
    assert ".site-header" in printed and ".no-print" in printed and "display: none" in printed


def test_the_receipt_is_in_korean_by_default(client, shop, order):
    page = text(client.get(f"/orders/{order.number}/receipt?token=secret-token"))
    assert "기부 확인서" in page and "구매로 기부" in page and "후원 매칭" in page


def test_an_order_with_every_line_refunded_shows_zero_and_says_why(client, session, shop):
    english(client)
    placed = make_paid_order(session, shop.venture, [Line(shop.product)], when=PAID)
    refund_line(session, placed, placed.lines[0], REFUNDED)
    placed.status = "refunded"
    session.commit()
    page = text(client.get(f"/orders/{placed.number}/receipt?token=t"))
    assert cell(page, "total") == "₩0"
    assert "Every donation of this order was reversed" in page


def test_the_pdf_receipt_holds_the_same_figures_in_korean(client, shop, order):
    response = client.get(f"/orders/{order.number}/receipt.pdf?token=secret-token")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="sangsaeng-receipt-{order.number}.pdf"'
    )
    assert response.data.startswith(b"%PDF-")
    content = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "DR-" + order.number.removeprefix("SS-") in content
    assert "징검다리재단" in content and "802-82-12345" in content
    assert "기부 확인서" in content and "후원 매칭" in content
    assert "₩2,250" in content and "₩4,500" in content and "-₩165" in content
    assert "Ki***@example.com" in content and "Kim.Minji" not in content
    assert f"/ledger/orders/{order.number}" in content


def test_the_pdf_follows_the_shoppers_language(client, order):
    english(client)
    response = client.get(f"/orders/{order.number}/receipt.pdf?token=secret-token")
    content = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Donation receipt" in content and "Sponsor match" in content


@pytest.mark.parametrize("suffix", ["receipt", "receipt.pdf"])
def test_a_wrong_or_missing_token_finds_nothing(client, order, suffix):
    assert client.get(f"/orders/{order.number}/{suffix}?token=wrong").status_code == 404
    assert client.get(f"/orders/{order.number}/{suffix}").status_code == 404
    assert client.get(f"/orders/SS-NOPE/{suffix}?token=secret-token").status_code == 404


def test_an_order_looked_up_in_this_browser_needs_no_token(client, order):
    client.post("/orders/lookup", data={"number": order.number, "email": order.email})
    assert client.get(f"/orders/{order.number}/receipt").status_code == 200
    assert client.get(f"/orders/{order.number}/receipt.pdf").status_code == 200


@pytest.mark.parametrize("status", ["pending_payment", "payment_failed", "expired", "cancelled"])
def test_an_unpaid_order_has_no_receipt(client, session, shop, status):
    english(client)
    unpaid = make_paid_order(session, shop.venture, [Line(shop.product)], record=False)
    unpaid.status, unpaid.paid_at = status, None
    session.commit()
    for suffix in ("receipt", "receipt.pdf"):
        response = client.get(f"/orders/{unpaid.number}/{suffix}?token=t")
        assert response.status_code == 404
        assert "Only paid orders have a donation receipt" in text(response)
    assert "receipt-link" not in text(client.get(f"/orders/{unpaid.number}?token=t"))


def test_receipts_are_kept_out_of_shared_caches(client, order):
    for suffix in ("receipt", "receipt.pdf"):
        response = client.get(f"/orders/{order.number}/{suffix}?token=secret-token")
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_order_page_and_the_confirmation_email_link_the_receipt(client, session, shop, outbox):
    english(client)
    buy(client, shop.product.id)
    paid = session.query(Order).one()
    page = text(client.get(f"/orders/{paid.number}"))
    assert f"/orders/{paid.number}/receipt" in page and "Donation receipt" in page
    confirmation = outbox[-1]
    link = f"http://shop.test/orders/{paid.number}/receipt?token={paid.access_token}"
    assert link in confirmation.body
    assert link in confirmation.alternatives[0][0]
    stranger = client.application.test_client()  # another browser, with only the link
    assert stranger.get(link.removeprefix("http://shop.test")).status_code == 200


def test_the_receipt_runs_the_same_queries_however_many_entries(
    client, session, shop, count_queries
):
    small = make_paid_order(session, shop.venture, [Line(shop.product)], when=PAID)
    large = make_paid_order(
        session,
        shop.venture,
        [Line(shop.product, cause_id=c) for c in (shop.cause.id, shop.other_cause.id)] * 4,
        when=PAID,
    )
    for line in large.lines[:3]:
        refund_line(session, large, line, REFUNDED)
    session.commit()

    def queries(number):
        url = f"/orders/{number}/receipt?token=t"
        client.get(url)
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return counted.count

    # the order, its entries; the log's latest checkpoint, leaf indexes and tiles
    assert queries(small.number) == queries(large.number) <= 6


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_pdf_receipt_embeds_a_subset_of_every_font_it_uses(client, order, language):
    if language == "en":
        english(client)
    data = client.get(f"/orders/{order.number}/receipt.pdf?token=secret-token").data
    assert embedded_font_subsets(data) == {"NanumGothic", "NanumGothicBold"}
    assert b"HYGothic" not in data and b"Helvetica" not in data
    assert "matplotlib" not in sys.modules  # the font package is read, never imported


def test_every_korean_text_of_the_pdf_receipt_extracts_back_as_rendered(
    app, client, session, shop, order
):
    # More distinct syllables than one 256-glyph subset of the font holds, spread over the
    # whole Hangul block, so the text is drawn from several embedded subsets. (A cause's name
    # holds at most 200 characters: the two causes take half each.)
    syllables = "".join(chr(0xAC00 + 37 * i) for i in range(300))
    shop.cause.name, shop.other_cause.name = syllables[:150], syllables[150:]
    session.commit()
    data = client.get(f"/orders/{order.number}/receipt.pdf?token=secret-token").data
    assert len(pdf_fonts(data)) > 2
    content = pdf_text(data)
    with app.test_request_context(), force_locale("ko"):
        note = str(NOT_A_TAX_RECEIPT)
    for rendered in [syllables[:150], syllables[150:], "상생", "기부 확인서", "구매자", note]:
        assert "".join(rendered.split()) in content, rendered
    assert "￦" not in content  # the won sign is U+20A9, as on the web page
