"""Every response says what the browser may do with it: no inline script, no framing, no
sniffing, little referrer; HSTS and Secure cookies in production."""

import re
from pathlib import Path

import pytest

from storefront.config import load
from tests.factories import Line, make_paid_order
from tests.helpers import text

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def paid(session, shop):
    order = make_paid_order(session, shop.venture, [Line(shop.product)])
    order.access_token = "secret-token"
    session.commit()
    return order


def _pages(shop, paid):
    return {
        "home": "/",
        "product": f"/products/{shop.product.id}",
        "sign-in": "/account/sign-in",
        "not found": "/no-such-page",
        "stylesheet": "/static/style.css",
        "receipt": f"/orders/{paid.number}/receipt?token=secret-token",
        "receipt pdf": f"/orders/{paid.number}/receipt.pdf?token=secret-token",
    }


def test_every_response_forbids_inline_script_framing_and_sniffing(client, shop, paid):
    for name, path in _pages(shop, paid).items():
        response = client.get(path)
        response.close()  # the stylesheet is streamed from its file
        assert response.status_code in {200, 404}, name
        policy = response.headers.get("Content-Security-Policy", "")
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives.get("default-src") == "'self'", name
        assert directives.get("frame-ancestors") == "'none'", name
        if name != "receipt pdf":  # the browser's PDF viewer is a plugin: object-src stays
            assert directives.get("script-src") == "'self'", name
            assert directives.get("style-src") == "'self'", name
            assert directives.get("object-src") == "'none'", name
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, name
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
        assert response.headers.get("X-Frame-Options") == "DENY", name
        assert "Strict-Transport-Security" not in response.headers, name  # not over http


def test_receipts_keep_their_stricter_referrer_policy(client, shop, paid):
    pages = _pages(shop, paid)
    assert client.get(pages["home"]).headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert client.get(pages["not found"]).headers["Referrer-Policy"] == (
        "strict-origin-when-cross-origin"
    )
    for name in ("receipt", "receipt pdf"):
        response = client.get(pages[name])
        assert response.status_code == 200
        assert response.headers.getlist("Referrer-Policy") == ["no-referrer"], name


def test_production_sends_hsts_and_secure_cookies(make_app, tmp_path, shop):
    from tests.unit.test_config import PRODUCTION

    cfg = load(str(tmp_path), PRODUCTION)
    assert cfg["HSTS_MAX_AGE"] >= 31536000
    assert cfg["SESSION_COOKIE_SECURE"] and cfg["REMEMBER_COOKIE_SECURE"]
    assert load(str(tmp_path), {})["HSTS_MAX_AGE"] == 0
    client = make_app(HSTS_MAX_AGE=cfg["HSTS_MAX_AGE"]).test_client()
    for path in ("/", "/no-such-page"):
        assert client.get(path).headers["Strict-Transport-Security"] == "max-age=31536000"


def test_pages_carry_no_inline_script_handlers_or_styles():
    """The policy forbids them, so they would silently do nothing. Emails are not pages."""
    inline = re.compile(r"<script(?![^>]*\bsrc=)|\son[a-z]+\s*=|\sstyle\s*=|<style", re.I)
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}"
        for path in TEMPLATES.rglob("*.html")
        if "emails" not in path.parts
        for match in inline.finditer(path.read_text())
    ]
    assert offenders == []


def test_the_print_button_still_prints(client, shop, paid):
    page = text(client.get(_pages(shop, paid)["receipt"]))
    assert re.search(r'<script src="/static/[^"]+\.js"', page)
    assert "data-print" in page
