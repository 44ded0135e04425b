"""Shopping trends: searches and product views counted without a trace of who, folded into
their tables, and shown on /trends and on a seller's market view."""

from __future__ import annotations

import html
import math
import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select

from storefront.domain.periods import local_today
from storefront.extensions import cache
from storefront.models import Membership, ProductViewStat, SearchStat, utcnow
from storefront.services import accounts, trends
from tests.factories import Line, make_paid_order, make_product, make_venture
from tests.functional.test_page_cache import redis_available
from tests.helpers import PASSWORD, english, sign_in, text


def visitor(n: int) -> dict[str, str]:
    return {"REMOTE_ADDR": f"203.0.113.{n}"}


def search(client, q: str, n: int, times: int = 1, environ=None) -> None:
    for _ in range(times):
        response = client.get(
            "/products", query_string={"q": q}, environ_overrides=environ or visitor(n)
        )
        assert response.status_code == 200


def fold(app) -> int:
    with app.app_context():
        return app.extensions["jobs"].fold_trends()


def stats(session) -> dict[str, tuple[int, int]]:
    rows = session.execute(select(SearchStat.term, SearchStat.searches, SearchStat.people))
    return {term: (searches, people) for term, searches, people in rows}


def cache_entries(app) -> dict[str, object]:
    with app.app_context():
        backend = cache.cache
    return {key: value for key, (_expires, value) in backend._cache.items()}


def shown_terms(page: str) -> list[str]:
    """The terms in the table under the searches chart."""
    return [label for label, _value in chart_rows(page, "terms")]


def chart_rows(page: str, slug: str) -> list[tuple[str, str]]:
    """The (label, value) rows of the table under a chart."""
    found = re.search(rf'data-testid="chart-{slug}".*?<tbody>(.*?)</tbody>', page, re.S)
    if not found:
        return []
    rows = re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', found.group(1))
    return [(html.unescape(label), value) for label, value in rows]


def test_searches_are_counted_also_when_the_page_cache_answers(
    app, client, session, shop, count_queries
):
    search(client, "쿠키", 1)
    with count_queries() as queries:  # the same page again: answered whole from the cache
        search(client, "쿠키", 1)
    assert queries.statements == []
    for n in range(2, 7):
        search(client, "  ＣＯＯＫＩＥ  ", n)  # normalised as the search reads it
    fold(app)
    assert stats(session) == {"쿠키": (2, 1), "cookie": (5, 5)}


def test_only_a_first_page_of_results_with_words_counts(app, client, session, shop):
    search(client, "", 1)
    search(client, "!!!", 1)
    client.get("/products", query_string={"q": "쿠키", "page": 2})
    client.get("/products", query_string={"q": "쿠키", "after": "x"})
    fold(app)
    assert stats(session) == {}


def test_product_views_are_counted_for_products_that_exist(app, client, session, shop):
    for n in range(3):
        client.get(f"/products/{shop.product.id}", environ_overrides=visitor(n))
    client.get("/products/999999")
    fold(app)
    rows = session.execute(select(ProductViewStat.product_id, ProductViewStat.views)).all()
    assert rows == [(shop.product.id, 3)]


def test_nothing_identifying_is_stored_in_the_tables_or_the_cache_keys(
    app, client, session, shop, owner
):
    columns = {
        t: {c["name"] for c in inspect(session.get_bind()).get_columns(t)}
        for t in ("search_stat", "product_view_stat")
    }
    assert columns == {
        "search_stat": {"day", "term", "searches", "people"},
        "product_view_stat": {"day", "product_id", "views"},
    }
    browser = {**visitor(77), "HTTP_USER_AGENT": "TestBrowser/77.0"}
    client.get("/products", query_string={"q": "쿠키"}, environ_overrides=browser)
    client.get(f"/products/{shop.product.id}", environ_overrides=browser)
    session_cookie = client.get_cookie("session", domain="shop.test")
    assert session_cookie is not None
    secrets_of_the_visitor = [
        "203.0.113.77",
        "TestBrowser",
        session_cookie.value,
        owner.email,
        owner.name,
        owner.session_token,
    ]
    entries = cache_entries(app)
    trend_entries = {k: v for k, v in entries.items() if "trends:" in k}
    assert trend_entries, "nothing was counted"
    for key, value in trend_entries.items():
        for secret in secrets_of_the_visitor:
            assert secret not in key and secret not in str(value)


def test_the_visitors_salt_and_keys_expire_when_the_day_ends(app, client, shop):
    client.get("/products", query_string={"q": "쿠키"}, environ_overrides=visitor(1))
    with app.app_context():
        backend = cache.cache
    now = utcnow().timestamp()
    day_end = (utcnow() + timedelta(days=1)).timestamp()
    kept = {
        key: expires
        for key, (expires, _value) in backend._cache.items()
        if ":salt:" in key or ":seen:" in key
    }
    assert len(kept) == 2
    assert all(now < expires <= day_end for expires in kept.values())


def test_a_term_fewer_than_five_people_searched_is_not_shown(app, client, session, shop):
    for n in range(4):
        search(client, "비누", n, times=5)  # 20 searches by 4 people
    for n in range(5):
        search(client, "쿠키", 10 + n)  # 5 searches by 5 people
    fold(app)
    page = text(english(client).get("/trends"))
    assert shown_terms(page) == ["쿠키"]
    assert "비누" not in page


def test_one_address_sending_other_browsers_counts_as_one_visitor(app, client, session, shop):
    for n in range(6):
        browser = {**visitor(1), "HTTP_USER_AGENT": f"Browser/{n}.0"}
        client.get("/products", query_string={"q": "쿠키"}, environ_overrides=browser)
    fold(app)
    assert stats(session) == {"쿠키": (6, 1)}
    assert shown_terms(text(english(client).get("/trends"))) == []


def test_an_ipv6_visitor_counts_once_per_64_network(app, client, session, shop):
    for n in range(6):  # one subscriber's /64, another address each time
        search(client, "쿠키", 0, environ={"REMOTE_ADDR": f"2001:db8:1:2::{n + 1:x}"})
    for n in range(5):  # five subscribers
        search(client, "누룽지", 0, environ={"REMOTE_ADDR": f"2001:db8:1:{n + 10:x}::1"})
    fold(app)
    assert stats(session) == {"쿠키": (6, 1), "누룽지": (5, 5)}


def test_only_terms_of_the_shops_search_vocabulary_are_shown(app, client, session, shop):
    typed = ["010 1234 5678", "바보 멍청이", "쿠키 바보", "쿠키를", "우리밀 쿠키", "가방"]
    for n in range(5):
        for q in typed:
            search(client, q, 20 + n)
    fold(app)
    assert set(stats(session)) == set(typed)  # counted, all of them
    page = text(english(client).get("/trends"))
    assert sorted(shown_terms(page)) == ["가방", "우리밀 쿠키", "쿠키를"]
    assert "5678" not in page and "바보" not in page


def test_trends_never_shows_what_shoppers_may_not_see(app, client, session, shop):
    english(client)
    draft = make_product(session, shop.venture, title="비밀 신상품", status="draft")
    archived = make_product(session, shop.venture, title="단종된 잼", status="archived")
    pending = make_venture(session, name="심사중공방", status="pending")
    theirs = make_product(session, pending, title="심사중 도자기", category="living")
    make_paid_order(session, shop.venture, [Line(shop.product, quantity=2)])
    for product in (draft, archived):
        make_paid_order(session, shop.venture, [Line(product, quantity=9)])
    make_paid_order(session, pending, [Line(theirs, quantity=9)])
    session.commit()
    page = text(client.get("/trends"))
    assert chart_rows(page, "products") == [("우리밀 쿠키 세트", "2")]
    assert chart_rows(page, "categories") == [("Food", "2")]  # no 18 hidden food, no living
    for hidden in ("비밀 신상품", "단종된 잼", "심사중 도자기"):
        assert hidden not in page
    # a venture losing its approval leaves the cached page at once
    shop.venture.status = "rejected"
    session.commit()
    page = text(client.get("/trends"))
    assert chart_rows(page, "products") == [] and "우리밀 쿠키 세트" not in page


def test_folding_again_or_from_counters_that_started_over_counts_nothing_twice(
    app, client, session, shop
):
    for n in range(5):
        search(client, "쿠키", n)
    assert fold(app) == 1
    assert fold(app) == 0  # nothing new: nothing written
    assert stats(session) == {"쿠키": (5, 5)}
    day = local_today()
    trends.fold_searches(session, day, {"쿠키": (2, 1)})  # the cache lost its counters
    trends.fold_views(session, day, {shop.product.id: 4})
    trends.fold_views(session, day, {shop.product.id: 1})
    session.commit()
    assert stats(session) == {"쿠키": (5, 5)}
    assert session.scalar(select(ProductViewStat.views)) == 4


def test_a_fold_by_the_every_minute_scheduler(app, client, session, shop):
    for n in range(5):
        search(client, "쿠키", n)
    with app.app_context():
        app.extensions["jobs"].drain(periodic=True)
    assert stats(session) == {"쿠키": (5, 5)}


def test_trends_shows_sales_by_category_and_period(app, client, session, shop):
    english(client)
    make_paid_order(session, shop.venture, [Line(shop.product, quantity=3)])
    make_paid_order(session, shop.other_venture, [Line(shop.last_one, quantity=1)])
    make_paid_order(
        session, shop.venture, [Line(shop.cheap, quantity=7)], when=utcnow() - timedelta(days=60)
    )
    session.commit()
    page = text(client.get("/trends"))
    assert "우리밀 쿠키 세트" in page and "업사이클 가방" in page
    assert "현미 누룽지" not in page  # sold two months ago: outside the last 30 days
    assert "현미 누룽지" in text(client.get("/trends?period=quarter"))
    fashion = text(client.get("/trends?period=week&category=fashion"))
    assert "업사이클 가방" in fashion and "우리밀 쿠키 세트" not in fashion
    assert '<option value="fashion" selected>' in fashion


@pytest.mark.parametrize(
    "query", ["period=year", "category=weapons", "period=week&category=%00", "period=%ED%95%9C"]
)
def test_unknown_filters_are_a_bad_request(client, shop, query):
    assert client.get(f"/trends?{query}").status_code == 400


def test_missing_filters_read_as_the_last_30_days_of_every_category(client, shop):
    page = text(english(client).get("/trends?period=&category="))
    assert "Last 30 days" in page and '<option value="month" selected>' in page


def test_a_sale_and_a_fold_show_on_the_cached_trends_page_at_once(app, client, session, shop):
    english(client)
    assert "우리밀 쿠키 세트" not in text(client.get("/trends"))
    assert "우리밀 쿠키 세트" not in text(client.get("/trends"))  # from the cache
    make_paid_order(session, shop.venture, [Line(shop.product)])
    session.commit()
    assert "우리밀 쿠키 세트" in text(client.get("/trends"))
    for n in range(5):
        search(client, "누룽지", n)
    assert shown_terms(text(client.get("/trends"))) == []
    fold(app)
    assert shown_terms(text(client.get("/trends"))) == ["누룽지"]


def test_trends_speaks_korean_and_english(client, shop):
    assert "쇼핑 트렌드" in text(client.get("/trends", headers={"Accept-Language": "ko"}))
    assert "Shopping trends" in text(client.get("/trends", headers={"Accept-Language": "en"}))
    assert 'href="/trends"' in text(client.get("/ledger"))


# -- the seller's market view ----------------------------------------------------------------


def test_the_market_view_shows_share_searches_and_conversion(app, client, session, shop, owner):
    make_paid_order(session, shop.venture, [Line(shop.product, quantity=2)])  # ₩30,000 food
    other_food = make_product(session, shop.other_venture, title="들깨 강정", price=10000)
    make_paid_order(session, shop.other_venture, [Line(other_food, quantity=1)])  # ₩10,000 food
    session.commit()
    anonymous = app.test_client()
    for n in range(4):
        anonymous.get(f"/products/{shop.product.id}", environ_overrides=visitor(n))
    for n in range(5):
        search(anonymous, "쿠키", n)  # lists 우리밀 쿠키 세트
        search(anonymous, "가방", n)  # lists only the other venture's bag
    for n in range(2):
        search(anonymous, "누룽지", n)  # lists its product, but too few people
    fold(app)
    page = text(client.get(f"/seller/ventures/{shop.venture.id}/market"))
    shares = re.search(r'data-testid="category-shares".*?</table>', page, re.S).group(0)
    assert "₩30,000" in shares and "₩40,000" in shares and "75%" in shares
    terms = re.search(r'data-testid="market-terms".*?</table>', page, re.S).group(0)
    assert "쿠키" in terms and "가방" not in terms and "누룽지" not in terms
    conversions = re.search(r'data-testid="conversions".*?</table>', page, re.S).group(0)
    assert re.search(r"우리밀 쿠키 세트</th><td>4</td><td>2</td><td>50%</td>", conversions)


def test_another_ventures_owner_cannot_see_the_market_view(app, session, shop):
    rival = make_venture(session, name="경쟁공방")
    user = accounts.sign_up(session, "rival@example.com", "경쟁자", PASSWORD)
    session.add(Membership(user_id=user.id, venture_id=rival.id, role="owner"))
    session.commit()
    client = app.test_client()
    sign_in(client, "rival@example.com")
    assert client.get(f"/seller/ventures/{shop.venture.id}/market").status_code == 404
    assert client.get(f"/seller/ventures/{rival.id}/market").status_code == 200


def test_the_market_view_needs_a_sign_in(client, shop):
    response = client.get(f"/seller/ventures/{shop.venture.id}/market")
    assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]


def test_an_unknown_period_on_the_market_view_reads_as_the_last_30_days(client, shop, owner):
    page = text(client.get(f"/seller/ventures/{shop.venture.id}/market?period=forever"))
    assert "<strong>Last 30 days</strong>" in page


@pytest.mark.skipif(not redis_available(), reason="needs Redis at 127.0.0.1:6379")
def test_two_workers_on_redis_count_and_fold_once_and_every_key_expires(make_app, session, shop):
    import redis

    prefix = f"sangsaeng-test-{uuid.uuid4().hex}:"
    config = {
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": "redis://127.0.0.1:6379/0",
        "CACHE_KEY_PREFIX": prefix,
    }
    first, second = make_app(**config), make_app(**config)
    session.commit()
    for n in range(6):
        worker = (first, second)[n % 2].test_client()
        search(worker, "쿠키", n)
        search(worker, "쿠키", n)
        worker.get(f"/products/{shop.product.id}", environ_overrides=visitor(n))
    fold(first)
    fold(second)
    fold(first)
    assert stats(session) == {"쿠키": (12, 6)}
    assert session.scalar(select(ProductViewStat.views)) == 6
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        keys = [key.decode() for key in client.scan_iter(f"{prefix}trends:*")]
        assert keys and not any("203.0.113" in key for key in keys)
        two_days = 2 * 24 * 3600
        assert all(0 < client.ttl(key) <= two_days for key in keys)
        assert all(
            client.ttl(key) <= 24 * 3600 for key in keys if ":seen:" in key or ":salt:" in key
        )
    finally:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


def test_a_worker_hands_its_counts_over_in_one_go_every_few_seconds(make_app, shop):
    from storefront.web import counting

    app = make_app(TRENDS_FLUSH_SECONDS=3600)
    client = app.test_client()
    counting._flushed[0] = -math.inf  # never handed anything over (monotonic may be small)
    for n in range(3):
        client.get("/products", query_string={"q": "쿠키"}, environ_overrides=visitor(n))
    with app.app_context():
        day = counting.local_date(counting.utcnow())
        # the first search was handed over at once; the next two wait for the hour to pass
        assert counting.read_searches(day)["쿠키"] == (1, 1)
        counting._flushed[0] = -math.inf
        client.get("/products", query_string={"q": "쿠키"}, environ_overrides=visitor(3))
        assert counting.read_searches(day)["쿠키"] == (4, 4)
