"""Storefront pages run a fixed number of SQL queries however large the catalogue grows."""

import pytest

from tests.factories import make_product, make_venture
from tests.helpers import buy

# The queries of rendering a page, not of the page cache answering from memory.
pytestmark = pytest.mark.usefixtures("uncached")


def grow(session, ventures, per_venture):
    for venture in ventures:
        for i in range(per_venture):
            make_product(session, venture, title=f"상품 {venture.id}-{i}", stock=5 + i)
    session.commit()


def queries_for(client, count_queries, url):
    client.get(url)  # warm up: the first request loads translations and templates
    with count_queries() as counted:
        assert client.get(url).status_code == 200
    return counted.count


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/products",
        "/products?sort=popular&category=food",
        "/products?q=상품&page=2",
        "/ventures",
        "/ledger",
        "/cart",
    ],
)
def test_storefront_pages_do_not_grow_with_the_catalogue(client, session, count_queries, url):
    ventures = [make_venture(session) for _ in range(3)]
    grow(session, ventures, 4)
    small = queries_for(client, count_queries, url)
    grow(session, ventures + [make_venture(session) for _ in range(5)], 30)
    large = queries_for(client, count_queries, url)
    assert small == large
    # the ledger adds the causes' balances (pledges, payouts, names), the latest payouts and
    # which of them were cancelled, the log's latest checkpoint and its witnesses
    assert large <= (12 if url == "/ledger" else 6)


def test_the_product_page_runs_the_same_queries_for_any_product(client, session, count_queries):
    venture = make_venture(session)
    grow(session, [venture], 3)
    first = make_product(session, venture)
    grow(session, [venture, make_venture(session)], 40)
    last = make_product(session, venture)
    session.commit()
    assert queries_for(client, count_queries, f"/products/{first.id}") == queries_for(
        client, count_queries, f"/products/{last.id}"
    )
    # product, pictures, options, and the open matching funds with their ventures
    assert queries_for(client, count_queries, f"/products/{last.id}") <= 5


def test_the_venture_page_and_a_full_cart_stay_constant(client, session, count_queries, shop):
    grow(session, [shop.venture], 5)
    venture_small = queries_for(client, count_queries, f"/ventures/{shop.venture.slug}")
    cart_small = None
    buy(client, shop.cheap.id)  # a paid order: the ledger now has entries
    for product in (shop.product, shop.cheap):
        client.post("/cart/add", data={"product_id": product.id, "quantity": 1})
    cart_small = queries_for(client, count_queries, "/cart")
    grow(session, [shop.venture], 40)
    for product in (
        session.query(type(shop.product)).filter_by(venture_id=shop.venture.id).limit(20)
    ):
        client.post("/cart/add", data={"product_id": product.id, "quantity": 1})
    assert queries_for(client, count_queries, f"/ventures/{shop.venture.slug}") == venture_small
    assert queries_for(client, count_queries, "/cart") == cart_small


def test_the_ledger_page_stays_constant_as_orders_refunds_and_payouts_grow(
    client, session, count_queries, shop
):
    from datetime import date

    from storefront.models import utcnow
    from storefront.services import payouts
    from tests.factories import Line, make_paid_order

    def add(orders):
        for _ in range(orders):
            make_paid_order(session, shop.venture, [Line(shop.product)])
        payouts.record(
            session, shop.cause.id, 1, date.today(), "REF-1", "", None, None, None, "KRW", utcnow()
        )
        session.commit()

    add(2)
    small = queries_for(client, count_queries, "/ledger")
    add(25)
    assert queries_for(client, count_queries, "/ledger") == small


def _next_link(client, url):
    import html
    import re

    found = re.search(r'rel="next" href="([^"]+)"', client.get(url).get_data(as_text=True))
    assert found, f"{url} has no next page"
    return html.unescape(found.group(1))


def test_public_and_seller_pages_cost_the_same_with_many_products_orders_and_entries(
    client, session, count_queries, shop, owner
):
    """Home, the catalogue (first and a later page), /ledger (first and a later page),
    /impact, a venture page, and the seller's overview, orders, returns and numbers: the same
    number of queries with a few rows and with many."""
    from storefront.models import ReturnPhoto, ReturnRequest, utcnow
    from tests.factories import Line, make_paid_order

    def add(products, orders):
        grow(session, [shop.venture, shop.other_venture], products)
        for i in range(orders):
            order = make_paid_order(
                session, shop.venture, [Line(shop.product)], email=f"buyer{i % 7}@example.com",
                when=utcnow(),
            )  # fmt: skip
            if i % 3 == 0:  # a return request on every third order, with a photo
                asked = ReturnRequest(
                    order_id=order.id, order_line_id=order.lines[0].id, venture_id=v,
                    kind="return", reason="damaged", quantity=1, created_at=utcnow(),
                )  # fmt: skip
                session.add(asked)
                session.flush()
                session.add(ReturnPhoto(request_id=asked.id, path=f"{asked.id}/p.jpg"))
        session.commit()

    v = shop.venture.id
    pages = [
        "/",
        "/products",
        "/products?sort=price_asc",
        "/impact",
        f"/ventures/{shop.venture.slug}",
        "/ledger",
        f"/seller/ventures/{v}",
        f"/seller/ventures/{v}/orders",
        f"/seller/ventures/{v}/returns",
        f"/seller/ventures/{v}/numbers?grain=day",
        f"/seller/ventures/{v}/numbers?grain=month",
    ]
    add(30, 60)  # enough for a second page of products, entries and orders
    later = [
        _next_link(client, "/products"),
        _next_link(client, "/products?sort=popular"),
        _next_link(client, "/ledger"),
        _next_link(client, f"/seller/ventures/{v}/orders"),
    ]
    small = {url: queries_for(client, count_queries, url) for url in pages + later}
    add(120, 150)
    large = {url: queries_for(client, count_queries, url) for url in pages + later}
    assert large == small


def test_the_seller_overview_lists_only_the_emptiest_low_stock_listings(session, shop):
    from storefront.services import listings

    venture = make_venture(session)
    for stock in (3, 0, 2, 1, 4):
        make_product(session, venture, title=f"재고 {stock}", stock=stock)
    make_product(session, venture, title="넉넉", stock=50)
    session.commit()
    found = listings.low_stock(session, venture.id, threshold=3, limit=3)
    assert [p.stock for p in found] == [0, 1, 2]


@pytest.mark.parametrize("grain", ["day", "week", "month"])
def test_the_numbers_page_and_impact_read_the_running_totals_not_the_order_lines(
    client, session, count_queries, shop, owner, grain
):
    """The seller's numbers and /impact read services/sales.py's totals: no statement they
    run reads ``order_line`` (the figures themselves are checked in test_stats.py)."""
    import re

    from storefront.domain.periods import local_today
    from storefront.models import utcnow
    from storefront.services import impact
    from tests.factories import Line, make_paid_order

    make_paid_order(session, shop.venture, [Line(shop.product)], when=utcnow())
    session.commit()
    url = f"/seller/ventures/{shop.venture.id}/numbers?grain={grain}"
    client.get(url)
    with count_queries() as counted:
        response = client.get(url)
    assert response.status_code == 200
    assert "15,000" in response.get_data(as_text=True)
    assert any("sales_day" in s for s in counted.statements)
    # /impact is served from the page cache once warm: run its figures directly
    with count_queries() as public:
        impact.impact(session, local_today())
        impact.first_months_sales(session)
    assert any("sales_day" in s for s in public.statements)
    for statement in counted.statements + public.statements:
        assert not re.search(r"\border_line\b", statement), statement


def test_the_order_ledger_page_and_the_receipt_prove_their_entries_in_constant_queries(
    client, session, count_queries, shop
):
    """An order's public ledger page and its receipt read the checkpoint, the leaf indexes and
    every tile their proofs need in one query each, whether the order has 2 entries in a log
    of one tile or 12 in a log two tile levels high."""
    from storefront.models import utcnow
    from storefront.services import log
    from tests.factories import Line, make_paid_order

    def signed_order(lines):
        placed = make_paid_order(session, shop.venture, [Line(shop.product)] * lines)
        session.commit()
        log.checkpoint(session, client.application.extensions["log_signer"], utcnow())
        session.commit()
        return placed

    def urls(placed):
        return [f"/ledger/orders/{placed.number}", f"/orders/{placed.number}/receipt?token=t"]

    small = [queries_for(client, count_queries, url) for url in urls(signed_order(1))]
    make_paid_order(session, shop.venture, [Line(shop.product)] * 150)  # 300 more leaves
    large = [queries_for(client, count_queries, url) for url in urls(signed_order(6))]
    assert log.size(session) > 256 and large == small
    # the order, its lines and its entries, then the checkpoint, the leaf indexes, the tiles
    assert small[0] <= 6
