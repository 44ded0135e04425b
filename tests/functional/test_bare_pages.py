"""A visitor who sends no cookie gets a kept shared page without Flask (``web/bare_pages.py``):
the same bytes and headers Flask sent, a change shown at once, and nothing served that Flask
would have answered differently."""

from __future__ import annotations

import hashlib
import re

import pytest
from prometheus_client import REGISTRY

from storefront.services import listings
from storefront.web.bare_pages import BarePages
from tests.helpers import text


@pytest.fixture
def flask_calls(app, monkeypatch):
    """How many requests reached Flask behind the bare-page layer."""
    layer = app.wsgi_app
    assert isinstance(layer, BarePages)
    calls = []
    inner = layer.wsgi_app

    def counted(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    monkeypatch.setattr(layer, "wsgi_app", counted)
    return calls


@pytest.fixture
def visitor(app):
    """A browser that never keeps or sends a cookie."""
    return app.test_client(use_cookies=False)


def answered(visitor, path, **headers):
    response = visitor.get(path, headers=headers)
    assert response.status_code == 200, text(response)
    return response


def test_the_second_cookieless_visit_is_answered_without_flask(visitor, shop, flask_calls):
    first = answered(visitor, "/products")
    second = answered(visitor, "/products")
    assert flask_calls == ["/products"]
    assert second.data == first.data and "₩15,000" in text(second)
    for header in ("Content-Security-Policy", "X-Frame-Options", "ETag", "Cache-Control", "Vary"):
        assert second.headers[header] == first.headers[header]
    assert "Set-Cookie" not in second.headers
    assert int(second.headers["Content-Length"]) == len(second.data)
    ids = {first.headers["X-Request-ID"], second.headers["X-Request-ID"]}
    assert len(ids) == 2 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_a_sane_request_id_is_sent_back(visitor, shop, flask_calls):
    answered(visitor, "/products")
    again = answered(visitor, "/products", **{"X-Request-ID": "proxy-id-12345678"})
    assert flask_calls == ["/products"]
    assert again.headers["X-Request-ID"] == "proxy-id-12345678"
    odd = answered(visitor, "/products", **{"X-Request-ID": "bad id"})
    assert odd.headers["X-Request-ID"] != "bad id"


def test_a_new_price_shows_at_once_to_cookieless_visitors(visitor, session, shop, flask_calls):
    answered(visitor, "/products")
    listings.update(
        session, shop.product, listings.ListingInput(shop.product.title, "", "food", 17500, 10)
    )
    session.commit()
    page = text(answered(visitor, "/products"))
    assert "₩17,500" in page and "₩15,000" not in page
    assert flask_calls == ["/products", "/products"]


def test_each_language_is_kept_apart(visitor, shop, flask_calls):
    page = f"/ventures/{shop.venture.slug}"
    korean = text(answered(visitor, page, **{"Accept-Language": "ko"}))
    english = text(answered(visitor, page, **{"Accept-Language": "en-US,en;q=0.9"}))
    assert korean != english
    assert text(answered(visitor, page, **{"Accept-Language": "en"})) == english
    assert text(answered(visitor, page)) == korean  # no header: the shop's Korean
    assert flask_calls == [page, page]


def test_a_visitor_with_a_cookie_goes_to_flask(visitor, shop, flask_calls):
    answered(visitor, "/products")
    chosen = answered(visitor, "/products", Cookie="lang=en")
    assert flask_calls == ["/products", "/products"]
    assert 'lang="en"' in text(chosen)


def layer_calls(app) -> list[str]:
    """How many requests reached Flask behind ``app``'s bare-page layer."""
    layer = app.wsgi_app
    calls: list[str] = []
    inner = layer.wsgi_app
    layer.wsgi_app = lambda environ, start: (
        calls.append(environ["PATH_INFO"]) or inner(environ, start)
    )
    return calls


def form_token(response) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(response))
    assert found, "the add-to-cart form has a token"
    return found.group(1)


def session_cookie(response) -> tuple[str, str]:
    """The new session cookie's ``name=value`` and its attributes."""
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("session=")
    value, _, attributes = cookies[0].partition(";")
    return value, attributes


def test_a_page_with_a_form_gets_a_fresh_token_and_session_for_each_visitor(make_app, shop):
    app = make_app(WTF_CSRF_ENABLED=True)
    calls = layer_calls(app)
    visitor = app.test_client(use_cookies=False)
    page = f"/products/{shop.product.id}"
    first, second, third = (answered(visitor, page) for _ in range(3))
    assert calls == [page]  # the second and third were answered from the kept page
    tokens = [form_token(r) for r in (first, second, third)]
    cookies = [session_cookie(r) for r in (first, second, third)]
    assert len(set(tokens)) == 3 and len({value for value, _ in cookies}) == 3
    assert cookies[1][1] == cookies[2][1] == cookies[0][1]  # Flask's attributes, each time
    for response, token in zip((first, second, third), tokens, strict=True):
        assert response.data.replace(token.encode(), b"T") == first.data.replace(
            tokens[0].encode(), b"T"
        )
        assert (
            response.headers["ETag"]
            == f'"{hashlib.sha1(response.data, usedforsecurity=False).hexdigest()}"'
        )
        assert int(response.headers["Content-Length"]) == len(response.data)
    for header in ("Content-Security-Policy", "Cache-Control", "Vary"):
        assert second.headers[header] == first.headers[header]

    def add(cookie: str, token: str):
        return visitor.post(
            "/cart/add",
            data={"csrf_token": token, "product_id": shop.product.id, "quantity": 1},
            headers={"Cookie": cookie},
        )

    # the token and cookie made here work as Flask's do, and only together
    assert add(cookies[1][0], tokens[2]).status_code == 400
    added = add(cookies[1][0], tokens[1])
    assert added.status_code == 302 and added.headers["Location"].endswith("/cart")
    assert add(cookies[0][0], tokens[0]).status_code == 302


def test_a_page_is_not_kept_when_the_session_holds_more_than_the_token(make_app, shop):
    app = make_app(WTF_CSRF_ENABLED=True)
    calls = layer_calls(app)

    @app.before_request
    def remember_something():
        from flask import session

        session["seen"] = 1

    visitor = app.test_client(use_cookies=False)
    page = f"/products/{shop.product.id}"
    answered(visitor, page)
    answered(visitor, page)
    assert calls == [page, page]


def test_an_untrusted_host_is_refused_after_a_page_was_kept(visitor, shop, flask_calls):
    answered(visitor, "/products")
    refused = visitor.get("/products", headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert flask_calls == ["/products", "/products"]


def test_a_conditional_get_goes_to_flask_for_its_304(visitor, shop, flask_calls):
    etag = answered(visitor, "/products").headers["ETag"]
    assert visitor.get("/products", headers={"If-None-Match": etag}).status_code == 304
    assert flask_calls == ["/products", "/products"]


def test_a_head_or_a_post_is_never_answered_from_the_kept_page(visitor, shop, flask_calls):
    answered(visitor, "/products")
    assert visitor.head("/products").status_code == 200
    assert flask_calls == ["/products", "/products"]


def test_without_a_cache_every_visit_goes_to_flask(make_app, shop):
    app = make_app(CACHE_TYPE="NullCache")
    visitor = app.test_client(use_cookies=False)
    layer = app.wsgi_app
    calls = []
    inner = layer.wsgi_app
    layer.wsgi_app = lambda environ, start: calls.append(1) or inner(environ, start)
    visitor.get("/products")
    visitor.get("/products")
    assert len(calls) == 2


def test_a_bare_answer_is_counted_in_the_metrics(visitor, shop, flask_calls):
    labels = {"endpoint": "shop.products", "method": "GET", "status": "200"}
    answered(visitor, "/products")
    before = REGISTRY.get_sample_value("sangsaeng_http_requests_total", labels) or 0
    answered(visitor, "/products")
    after = REGISTRY.get_sample_value("sangsaeng_http_requests_total", labels)
    assert flask_calls == ["/products"] and after == before + 1


def test_searches_and_views_answered_bare_are_counted_for_trends(visitor, shop, app, flask_calls):
    from storefront.web import counting

    page = f"/products/{shop.product.id}"
    for n in (1, 1, 2):
        visitor.get("/products?q=빵", environ_overrides={"REMOTE_ADDR": f"203.0.113.{n}"})
        visitor.get(page, environ_overrides={"REMOTE_ADDR": f"203.0.113.{n}"})
    visitor.get("/products?q=빵&page=2")  # a next page is not a search of its own
    assert flask_calls == ["/products", page, "/products"]
    with app.app_context():
        day = counting.local_date(counting.utcnow())
        assert counting.read_searches(day)["빵"] == (3, 2)  # three searches by two visitors
        assert counting.read_views(day) == {shop.product.id: 3}
