"""Guesses are counted per client across workers (Redis in production), the order lookup is
limited like sign-in, and the shop keeps selling when the counter's store is down."""

import time

import pytest
from sqlalchemy import select

from storefront.config import ConfigError, load
from storefront.models import Order
from tests.helpers import add_to_cart, english, pay, place_order, sign_in, text

LOOKUP = {"number": "SS-0000-0000", "email": "nobody@example.com"}


def test_the_order_lookup_is_rate_limited_with_the_friendly_page(make_app, shop):
    client = english(make_app().test_client())
    statuses = [client.post("/orders/lookup", data=LOOKUP).status_code for _ in range(6)]
    assert statuses == [404] * 5 + [429]
    refused = client.post("/orders/lookup", data=LOOKUP)
    assert refused.status_code == 429 and "Please wait a moment and try again." in text(refused)
    assert client.get("/orders/lookup").status_code == 200  # the form itself is not limited


def test_search_suggestions_are_rate_limited_while_pages_are_not(make_app, shop):
    client = english(make_app(SUGGEST_RATE_LIMIT="3 per minute").test_client())
    statuses = [client.get(f"/products/suggest?q=a{i}").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert [client.get("/products?q=a").status_code for _ in range(5)] == [200] * 5


def test_limits_fall_back_to_memory_when_redis_is_unreachable(make_app, session, shop):
    app = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1", SIGN_IN_RATE_LIMIT="2 per minute")
    client = english(app.test_client())
    started = time.monotonic()
    statuses = [sign_in(client, password="wrong password!!").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]  # still limited, counted in this worker's memory
    shopper = english(app.test_client())  # and still selling, from browsing to paying
    assert shopper.get("/").status_code == 200
    assert shopper.get(f"/products/{shop.product.id}").status_code == 200
    assert add_to_cart(shopper, shop.product.id).status_code == 302
    placed = place_order(shopper)
    assert placed.status_code == 303
    paid = pay(shopper, placed.headers["Location"])
    assert paid.status_code == 303
    assert shopper.get(paid.headers["Location"], follow_redirects=True).status_code == 200
    assert session.scalars(select(Order)).one().status == "paid"
    assert time.monotonic() - started < 10


def test_production_counts_in_redis(tmp_path):
    from tests.unit.test_config import PRODUCTION

    env = {k: v for k, v in PRODUCTION.items() if k != "RATELIMIT_STORAGE_URI"}
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        load(str(tmp_path), env)
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        load(str(tmp_path), {**env, "RATELIMIT_STORAGE_URI": "memory://"})
    cfg = load(str(tmp_path), {**env, "REDIS_URL": "redis://cache:6379/0"})
    assert cfg["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"
    assert cfg["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True
    assert load(str(tmp_path), {})["RATELIMIT_STORAGE_URI"] == "memory://"  # the demo


def test_a_limited_request_tells_the_client_its_limit_and_a_page_says_nothing(make_app, shop):
    client = english(make_app(ORDER_LOOKUP_RATE_LIMIT="2 per minute").test_client())
    counted = client.post("/orders/lookup", data=LOOKUP)
    assert counted.headers["X-RateLimit-Limit"] == "2"
    assert counted.headers["X-RateLimit-Remaining"] == "1"
    client.post("/orders/lookup", data=LOOKUP)
    refused = client.post("/orders/lookup", data=LOOKUP)
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    for path in ("/orders/lookup", "/cart", "/"):
        assert "X-RateLimit-Limit" not in client.get(path).headers


def test_a_flask_limiter_without_the_lists_we_read_still_checks_every_request(
    make_app, shop, monkeypatch
):
    from storefront import request_wide_limits
    from storefront.extensions import limiter

    client = make_app().test_client()
    assert not request_wide_limits()  # the shop's limits are all on views
    monkeypatch.delattr(limiter.limit_manager, "_application_limits")
    assert request_wide_limits()  # a renamed list counts as limits held: the check runs
    assert client.get("/").status_code == 200
    assert client.get("/cart").status_code == 200
