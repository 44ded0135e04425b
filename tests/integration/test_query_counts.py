"""Storefront pages run a fixed number of SQL queries however large the catalogue grows."""

import pytest

from storefront.models import Product
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
    # a first page that holds every product needs no count: never more queries than a full one
    few = queries_for(client, count_queries, url)
    grow(session, ventures, 5)  # 27 products: more than a page
    small = queries_for(client, count_queries, url)
    assert few <= small
    grow(session, ventures + [make_venture(session) for _ in range(5)], 30)
    large = queries_for(client, count_queries, url)
    assert small == large
    # the ledger: its totals and the causes' balances (one statement), the latest payouts with
    # their corrections, the log's latest checkpoint with its witnesses, and the entries
    assert large <= (4 if url == "/ledger" else 6)


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
    # product, pictures, options, the open matching funds with their ventures' ids, the newest
    # questions with their count, the reviews' stored counts (no review: no page of reviews
    # nor their photos), and the recommendations (the stored model and the popular products
    # near this one, together)
    assert queries_for(client, count_queries, f"/products/{last.id}") <= 7


def test_question_pages_do_not_grow_with_the_questions(client, session, count_queries, shop):
    """The product page, its full list of questions (anonymous and as the asker), the asker's
    own list and the venture's: the same queries with 21 questions (more than a page) as with
    78, and no more with 3 (a first page that holds them all needs no count)."""
    from storefront.models import Membership, utcnow
    from storefront.services import accounts, questions
    from tests.helpers import PASSWORD, sign_in

    asker = accounts.sign_up(session, "asker@example.com", "이문의", PASSWORD)
    owner = accounts.sign_up(session, "owner@example.com", "김대표", PASSWORD)
    session.add(Membership(user_id=owner.id, venture_id=shop.venture.id, role="owner"))

    def add(count):
        for i in range(count):
            question = questions.ask(
                session, shop.product, asker, f"문의 {i}", private=i % 2 == 0, locale="ko",
                now=utcnow(),
            )  # fmt: skip
            if i % 3 == 0:
                questions.answer(session, question, owner, "답변", utcnow())
        session.commit()

    product = f"/products/{shop.product.id}"
    seller = client.application.test_client()
    sign_in(seller, email="owner@example.com")
    shopper = client.application.test_client()
    sign_in(shopper, email="asker@example.com")
    pages = [
        (client, product),
        (client, f"{product}/questions"),
        (shopper, f"{product}/questions"),
        (shopper, "/questions/mine"),
        (seller, f"/seller/ventures/{shop.venture.id}/questions"),
    ]
    add(3)
    few = [queries_for(who, count_queries, url) for who, url in pages]
    add(18)
    small = [queries_for(who, count_queries, url) for who, url in pages]
    assert all(f <= s for f, s in zip(few, small, strict=True))
    add(57)
    assert [queries_for(who, count_queries, url) for who, url in pages] == small


def test_recommendations_cost_the_same_with_many_orders_and_products(
    client, session, count_queries, shop
):
    """The product page with its recommendations, and a signed-in shopper's home page with
    their own: the same number of queries with a small model and a large one."""
    from storefront.models import utcnow
    from storefront.services import recommend
    from tests.factories import Line, make_paid_order
    from tests.helpers import sign_up

    def add(products, orders):
        grow(session, [shop.venture, shop.other_venture], products)
        catalogue = (
            session.query(type(shop.product))
            .filter(type(shop.product).stock > 0)
            .order_by(type(shop.product).id)
            .all()
        )
        for i in range(orders):
            picks = [catalogue[(i * 7 + k * 3) % len(catalogue)] for k in range(3)]
            venture = shop.venture if picks[0].venture_id == shop.venture.id else shop.other_venture
            make_paid_order(
                session, venture, [Line(p) for p in dict.fromkeys(picks)],
                email=f"buyer{i % 9}@example.com",
            )  # fmt: skip
        make_paid_order(session, shop.venture, [Line(shop.product)], email="me@example.com")
        recommend.refresh(session, utcnow())
        session.commit()

    sign_up(client, email="me@example.com")
    add(3, 10)
    small = [
        queries_for(client, count_queries, url) for url in (f"/products/{shop.product.id}", "/")
    ]
    add(30, 120)
    large = [
        queries_for(client, count_queries, url) for url in (f"/products/{shop.product.id}", "/")
    ]
    assert small == large
    page = client.get(f"/products/{shop.product.id}").get_data(as_text=True)
    assert 'data-testid="bought-together"' in page
    assert 'data-testid="for-you"' in client.get("/").get_data(as_text=True)


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
    assert public.count <= 3  # the ventures and their sales, the jobs, the ledger's totals
    with count_queries() as demo:
        impact.first_months_sales(session)
    public.statements += demo.statements
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


def test_the_wishlist_page_stays_constant_with_more_saves_and_follows(
    client, session, count_queries
):
    from storefront.services import accounts, wishlist
    from tests.helpers import PASSWORD, sign_in

    user = accounts.sign_up(session, "saver@example.com", "찜하는 사람", PASSWORD)
    ventures = [make_venture(session) for _ in range(3)]
    grow(session, ventures, 4)
    sign_in(client, "saver@example.com")
    products = session.query(Product).order_by(Product.id).all()

    def keep(few_products, few_ventures):
        for product in few_products:
            wishlist.save(session, user.id, product, "ko")
        for venture in few_ventures:
            wishlist.follow(session, user.id, venture)
        session.commit()

    keep(products[:2], ventures[:1])
    small = queries_for(client, count_queries, "/wishlist")
    keep(products[2:], ventures[1:])
    large = queries_for(client, count_queries, "/wishlist")
    assert small == large
    # the signed-in user (and memberships), the saved products with their ventures, the follows
    assert large <= 5


def test_a_visitors_wishlist_page_stays_constant(client, session, count_queries):
    ventures = [make_venture(session) for _ in range(2)]
    grow(session, ventures, 10)
    products = session.query(Product).order_by(Product.id).all()
    client.post(f"/wishlist/products/{products[0].id}")
    small = queries_for(client, count_queries, "/wishlist")
    for product in products[1:]:
        client.post(f"/wishlist/products/{product.id}")
    large = queries_for(client, count_queries, "/wishlist")
    assert small == large == 1  # the saved products with their ventures, in one query


def test_product_and_venture_pages_cost_the_same_with_few_or_many_reviews(
    client, session, count_queries, shop, monkeypatch, tmp_path
):
    """The counts, the bars and a page of reviews with their photos come from the stored
    counts and one query each, whatever the number of reviews, filtered or not, any page."""
    from storefront.models import utcnow
    from storefront.services import reviews
    from storefront.services.images import Upload
    from tests.factories import Line, make_paid_order

    monkeypatch.setattr(reviews.images, "encode_picture", lambda _u: (b"f", b"t", (800, 600)))

    def add(n):
        for i in range(n):
            order = make_paid_order(
                session, shop.venture, [Line(shop.product, status="delivered")], record=False
            )
            photos = [Upload("p.jpg", None)] * (1 + i % 3) if i % 2 == 0 else []
            draft = reviews.Draft(1 + i % 5, "열 글자가 넘는 리뷰 본문입니다.")
            reviews.write(session, order, order.lines[0], draft, photos, tmp_path, utcnow())
        session.commit()

    product, venture = f"/products/{shop.product.id}", f"/ventures/{shop.venture.slug}"
    urls = [product, f"{product}?reviews=photo", venture, f"{venture}?reviews=photo"]
    add(2)
    small = {url: queries_for(client, count_queries, url) for url in urls}
    add(40)
    large = {url: queries_for(client, count_queries, url) for url in urls}
    assert large == small
    later = {product: "reviews_page=3", f"{venture}?reviews=photo": "reviews_page=2"}
    for url, page in later.items():
        joined = f"{url}{'&' if '?' in url else '?'}{page}"
        assert queries_for(client, count_queries, joined) == small[url]
    assert small[product] <= 9  # with reviews: a page of them and their photos too


def test_trends_and_the_market_view_stay_constant_as_searches_views_and_sales_grow(
    client, session, count_queries, shop, owner
):
    """/trends (every filter) and a venture's market view: the same queries with a few
    terms, views and sales and with many."""
    from storefront.domain.periods import local_today
    from storefront.services import trends
    from tests.factories import Line, make_paid_order

    def add(n):
        grow(session, [shop.venture, shop.other_venture], n)
        day = local_today()
        trends.fold_searches(session, day, {f"검색어{i}-{n}": (9, 6) for i in range(n)})
        trends.fold_views(session, day, {shop.product.id: n, shop.last_one.id: n})
        for _ in range(n):
            make_paid_order(session, shop.venture, [Line(shop.product)])
            make_paid_order(session, shop.other_venture, [Line(shop.last_one)])
        session.commit()

    v = shop.venture.id
    pages = [
        "/trends",
        "/trends?period=week&category=food",
        "/trends?period=quarter",
        f"/seller/ventures/{v}/market",
        f"/seller/ventures/{v}/market?period=quarter",
    ]
    add(3)
    small = {url: queries_for(client, count_queries, url) for url in pages}
    add(40)
    large = {url: queries_for(client, count_queries, url) for url in pages}
    assert large == small


def test_my_orders_page_runs_the_same_queries_however_many_orders_the_account_has(
    client, session, count_queries, shop
):
    from storefront.models import User
    from tests.factories import Line, make_paid_order
    from tests.helpers import sign_up

    sign_up(client, email="buyer@example.com")
    me = session.query(User).filter_by(email="buyer@example.com").one()

    def orders(n):
        for _ in range(n):
            order = make_paid_order(
                session, shop.venture, [Line(shop.product), Line(shop.cheap)], when=None
            )
            order.user_id = me.id
        session.commit()

    orders(2)
    few = queries_for(client, count_queries, "/my")
    orders(30)
    many = queries_for(client, count_queries, "/my")
    assert few == many
    # the session's account and its memberships, a page of orders, their lines, and "for you"
    # (the neighbours of what the account bought and saved, then the best sellers)
    assert many <= 6
