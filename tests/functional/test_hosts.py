"""Links in emails name the shop's own address, never the Host a request claims, and a
reverse proxy is believed only for the hops it is configured for."""

import re

import pytest

from storefront.config import ConfigError, load
from storefront.services import accounts
from tests.helpers import PASSWORD, english, sign_in, text

STRONG = "4f0c2e9a7d6b1358c0e4a9f27b6d1e83"


@pytest.fixture
def mailbox():
    """Collect what each app built in the test sends."""

    def outbox(app):
        app.extensions["mailman"].outbox = []
        return app.extensions["mailman"].outbox

    return outbox


def _forgot(client, host):
    return client.post(
        "/account/forgot", data={"email": "owner@example.com"}, headers={"Host": host}
    )


def test_a_reset_link_names_the_public_url_and_other_hosts_are_refused(make_app, mailbox):
    app = make_app(SERVER_NAME="shop.example.org", PREFERRED_URL_SCHEME="https")
    outbox = mailbox(app)
    with app.app_context():
        accounts.sign_up(app.extensions["sqlalchemy"].session, "owner@example.com", "김", PASSWORD)
        app.extensions["sqlalchemy"].session.commit()
    client = english(app.test_client())
    refused = _forgot(client, "evil.example")
    assert refused.status_code == 400 and outbox == []
    assert _forgot(client, "shop.example.org").status_code == 302
    [email] = outbox
    assert re.search(r"https://shop\.example\.org/account/reset/\S+", email.body)
    assert "evil.example" not in email.body


def test_without_a_server_name_links_come_only_from_the_local_hosts(make_app, mailbox):
    """The demo and the browser tests serve on 127.0.0.1 with no SERVER_NAME."""
    app = make_app(SERVER_NAME=None)
    outbox = mailbox(app)
    with app.app_context():
        accounts.sign_up(app.extensions["sqlalchemy"].session, "owner@example.com", "김", PASSWORD)
        app.extensions["sqlalchemy"].session.commit()
    client = english(app.test_client())
    refused = _forgot(client, "evil.example")
    assert refused.status_code == 400 and outbox == []
    assert "does not belong to the shop" in text(refused)
    assert _forgot(client, "127.0.0.1:5000").status_code == 302
    assert re.search(r"http://127\.0\.0\.1:5000/account/reset/\S+", outbox[-1].body)


def test_an_unknown_host_gets_a_400_page_not_a_500(make_app):
    client = make_app(SERVER_NAME=None).test_client()
    for path in ("/", "/receipts/statement", "/no-such-page"):
        assert client.get(path, headers={"Host": "evil.example"}).status_code == 400


def test_production_requires_a_public_url_and_trusts_its_host(tmp_path):
    env = {
        "SANGSAENG_ENV": "production",
        "SECRET_KEY": STRONG,
        "DATABASE_URL": "postgresql://x/y",
        "PAYMENT_PROVIDER": "test",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "JOBS_BROKER_URL": "redis://127.0.0.1:6379/1",
        "LOG_SIGNING_KEY_FILE": "/run/secrets/log-signing.key",
    }
    with pytest.raises(ConfigError):
        load(str(tmp_path), env)
    for bad in ("shop.example.org", "ftp://shop.example.org", "https://", "https://a.b/shop?x"):
        with pytest.raises(ConfigError):
            load(str(tmp_path), {**env, "PUBLIC_URL": bad})
    cfg = load(str(tmp_path), {**env, "PUBLIC_URL": "https://shop.example.org/"})
    assert cfg["SERVER_NAME"] == "shop.example.org"
    assert cfg["PREFERRED_URL_SCHEME"] == "https"


def test_the_proxy_is_believed_only_for_the_configured_hops(make_app, shop):
    behind = make_app(TRUSTED_PROXY_HOPS=1, SIGN_IN_RATE_LIMIT="2 per minute").test_client()
    for address in ("203.0.113.1", "203.0.113.2"):  # two shoppers behind one proxy
        behind.environ_base["HTTP_X_FORWARDED_FOR"] = address
        statuses = [sign_in(behind, password="wrong password!!").status_code for _ in range(2)]
        assert statuses == [401, 401]
    direct = make_app(SIGN_IN_RATE_LIMIT="2 per minute").test_client()
    statuses = []
    for i in range(3):  # a forged X-Forwarded-For does not buy more guesses
        direct.environ_base["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{i}"
        statuses.append(sign_in(direct, password="wrong password!!").status_code)
    assert statuses == [401, 401, 429]
