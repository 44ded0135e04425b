"""Every form that changes something needs the CSRF token; the exemptions are the two APIs
that no browser form posts to: the payment webhook and witnesses' cosignatures of the log."""

import re
import uuid

import pytest

from tests.helpers import SHOPPER


@pytest.fixture
def guarded(make_app, shop):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


APIS = ("/webhooks/", "/ledger/log/cosignatures")  # signed by their senders, not sessions


def test_every_post_route_except_the_apis_refuses_a_missing_token(guarded, shop):
    app = guarded.application
    posts = [
        rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith(APIS)
    ]
    assert len(posts) >= 6
    for rule in posts:
        url = re.sub(r"<id:[^>]+>", str(shop.product.id), rule.rule)
        url = re.sub(r"<uuid:[^>]+>", str(uuid.UUID(int=1)), url)
        url = re.sub(r"<[^>]+>", "x", url)
        response = guarded.post(url, data={"product_id": shop.product.id, "quantity": 1, **SHOPPER})
        assert response.status_code == 400, rule.rule
        assert "This form has expired" in response.get_data(as_text=True), rule.rule


def test_a_form_with_its_token_goes_through(guarded, shop):
    page = guarded.get(f"/products/{shop.product.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = guarded.post(
        "/cart/add", data={"csrf_token": token, "product_id": shop.product.id, "quantity": 1}
    )
    assert response.status_code == 302


def test_the_webhook_does_not_ask_for_a_csrf_token(guarded):
    response = guarded.post(
        "/webhooks/stripe", data=b"{}", headers={"Stripe-Signature": "t=1,v1=x"}
    )
    assert response.status_code == 400 and response.json == {"result": "rejected"}


def test_the_logs_cosignature_api_does_not_ask_for_a_csrf_token(guarded):
    response = guarded.post("/ledger/log/cosignatures", data=b"not a note")
    assert response.status_code == 400 and response.json["error"]
