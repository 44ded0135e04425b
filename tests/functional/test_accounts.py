"""Venture staff accounts: sign up, sign in and out, and reset a forgotten password."""

import re

import pytest
from sqlalchemy import select

from storefront.models import User
from tests.helpers import PASSWORD, english, sign_in, sign_up, text


def test_sign_up_stores_a_hashed_password_and_signs_in(client, session, shop):
    response = sign_up(client, email="  Owner@Example.com ")
    assert response.status_code == 302 and response.headers["Location"] == "/my"
    user = session.scalars(select(User)).one()
    assert user.email == "owner@example.com"
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    assert client.get("/seller").status_code == 200


def test_sign_up_from_the_seller_page_goes_on_to_it(client, session, shop):
    to_sign_in = client.get("/seller")
    assert "/account/sign-in" in to_sign_in.headers["Location"]
    sign_in_page = text(client.get(to_sign_in.headers["Location"]))
    assert 'href="/account/sign-up?next=/seller"' in sign_in_page
    response = client.post(
        "/account/sign-up?next=/seller",
        data={"name": "n", "email": "new@example.com", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.headers["Location"] == "/seller"


def test_a_taken_email_or_a_weak_password_is_refused(client, session, shop):
    english(client)
    sign_up(client)
    client.post("/account/sign-out")
    again = sign_up(client, email="OWNER@example.com")
    assert again.status_code == 409 and "already exists" in text(again)
    weak = sign_up(client, email="new@example.com", password="short")
    assert weak.status_code == 400 and "at least 10 characters" in text(weak)
    mismatch = client.post(
        "/account/sign-up",
        data={
            "name": "n",
            "email": "x@example.com",
            "password": PASSWORD,
            "confirm": "different one!",
        },
    )
    assert mismatch.status_code == 400 and "not the same" in text(mismatch)
    assert len(session.scalars(select(User)).all()) == 1


def test_a_failed_sign_in_does_not_say_whether_the_email_exists(client, shop):
    english(client)
    sign_up(client)
    client.post("/account/sign-out")
    wrong_password = sign_in(client, password="not the password")
    no_such_user = sign_in(client, email="nobody@example.com")
    assert wrong_password.status_code == no_such_user.status_code == 401
    message = "That email and password do not match an account."
    assert message in text(wrong_password) and message in text(no_such_user)
    assert client.get("/seller").status_code == 302


def test_sign_in_and_out(client, shop):
    sign_up(client)
    client.post("/account/sign-out")
    assert client.get("/seller").status_code == 302
    response = client.post(
        "/account/sign-in?next=/seller/apply",
        data={"email": "owner@example.com", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/seller/apply"
    evil = client.post(
        "/account/sign-in?next=https://evil.example/",
        data={"email": "owner@example.com", "password": PASSWORD},
    )
    assert evil.headers["Location"] == "/my"  # a shopper's home: no venture yet


def test_sign_in_is_rate_limited(make_app, shop):
    client = make_app(SIGN_IN_RATE_LIMIT="3 per minute").test_client()
    statuses = [sign_in(client, password=f"wrong {i} password").status_code for i in range(5)]
    assert statuses[:3] == [401, 401, 401] and statuses[3:] == [429, 429]


def test_session_cookies_are_httponly_and_samesite(client, shop):
    response = sign_up(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(tmp_path):
    from storefront.config import load

    cfg = load(
        str(tmp_path),
        {
            "SANGSAENG_ENV": "production",
            "SECRET_KEY": "4f0c2e9a7d6b1358c0e4a9f27b6d1e83",
            "DATABASE_URL": "sqlite://",
            "PUBLIC_URL": "https://shop.example.org",
            "PAYMENT_PROVIDER": "test",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
            "JOBS_BROKER_URL": "redis://127.0.0.1:6379/1",
            "LOG_SIGNING_KEY_FILE": "/run/secrets/log-signing.key",
        },
    )
    assert cfg["SESSION_COOKIE_SECURE"] and cfg["REMEMBER_COOKIE_SECURE"]


def reset_link(outbox):
    return re.search(r"http://shop\.test(/account/reset/\S+)", outbox[-1].body).group(1)


def test_a_password_reset_link_works_once(client, session, shop, outbox):
    english(client)
    sign_up(client)
    client.post("/account/sign-out")
    outbox.clear()  # the sign-up's email-verification link
    response = client.post("/account/forgot", data={"email": "owner@example.com"})
    assert response.status_code == 302 and len(outbox) == 1
    link = reset_link(outbox)
    assert client.get(link).status_code == 200
    new = "a brand new sentence"
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    assert sign_in(client, password=new).status_code == 302
    client.post("/account/sign-out")
    assert sign_in(client).status_code == 401  # the old password is gone
    used = client.post(link, data={"password": "and another one!", "confirm": "and another one!"})
    assert used.status_code == 400 and "does not work any more" in text(used)


def test_asking_for_a_reset_does_not_say_whether_the_email_exists(client, shop, outbox):
    english(client)
    response = client.post("/account/forgot", data={"email": "nobody@example.com"})
    assert response.status_code == 302 and outbox == []
    assert "If that email has an account" in text(client.get(response.headers["Location"]))


def test_a_reset_link_expires_and_cannot_be_forged(app, client, session, shop):
    from storefront.domain.errors import BadResetLink
    from storefront.services.accounts import ResetTokens

    sign_up(client)
    user = session.scalars(select(User)).one()
    token = ResetTokens(app.config["SECRET_KEY"]).issue(user)
    assert ResetTokens(app.config["SECRET_KEY"]).user_for(session, token).id == user.id
    with pytest.raises(BadResetLink):
        ResetTokens(app.config["SECRET_KEY"], max_age=-1).user_for(session, token)
    with pytest.raises(BadResetLink):
        ResetTokens("another secret").user_for(session, token)
    assert client.get("/account/reset/not-a-token").status_code == 400


def test_the_sign_in_limit_can_live_in_redis_for_many_workers(make_app, shop):
    import secrets

    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/15").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    settings = {
        "SIGN_IN_RATE_LIMIT": "2 per minute",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
        "RATELIMIT_KEY_PREFIX": "test-" + secrets.token_hex(6),
    }
    first, second = make_app(**settings).test_client(), make_app(**settings).test_client()
    assert sign_in(first, password="wrong password 1").status_code == 401
    assert sign_in(second, password="wrong password 2").status_code == 401
    assert sign_in(first, password="wrong password 3").status_code == 429  # shared across apps


def test_a_password_reset_signs_out_every_other_session(app, client, session, shop, owner, outbox):
    thief = app.test_client()
    sign_in(thief)
    assert thief.get("/seller").status_code == 200
    client.post("/account/sign-out")
    client.post("/account/forgot", data={"email": "owner@example.com"})
    link = re.search(r"http://shop\.test(/account/reset/\S+)", outbox[-1].body).group(1)
    client.post(link, data={"password": "a brand new sentence", "confirm": "a brand new sentence"})
    assert thief.get("/seller").status_code == 302  # sent to sign in
    assert sign_in(client, password="a brand new sentence").status_code == 302


def test_a_copied_session_cookie_stops_working_after_sign_out(client, owner):
    """Signing out rotates the account's session token, which also signs out the account's
    other browsers: acceptable, and safer on a shared computer."""
    assert client.get("/seller").status_code == 200
    copied = client.get_cookie("session", domain="shop.test").value
    other = client.application.test_client()
    other.set_cookie("session", copied, domain="shop.test")
    assert other.get("/seller").status_code == 200  # the copy works while signed in
    assert client.post("/account/sign-out").status_code == 302
    client.set_cookie("session", copied, domain="shop.test")
    for browser in (client, other):
        response = browser.get("/seller")
        assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]


def test_a_reset_link_carries_no_part_of_the_password_hash(app, session, shop):
    import json

    from itsdangerous import URLSafeTimedSerializer

    from storefront.services import accounts

    user = accounts.sign_up(session, "owner@example.com", "김대표", PASSWORD)
    token = accounts.ResetTokens("test-secret").issue(user)
    payload = URLSafeTimedSerializer("test-secret", salt=accounts.RESET_SALT).loads(token)
    carried = json.dumps(payload)
    digest = user.password_hash.rsplit("$", 1)[-1]
    assert not any(digest[i : i + 8] in carried for i in range(len(digest) - 7))


def test_an_older_reset_link_dies_when_the_password_changes(client, session, shop, outbox):
    english(client)
    sign_up(client)
    client.post("/account/sign-out")
    client.post("/account/forgot", data={"email": "owner@example.com"})
    older = reset_link(outbox)
    client.post("/account/forgot", data={"email": "owner@example.com"})
    newer = reset_link(outbox)
    new = "a brand new sentence"
    assert client.post(newer, data={"password": new, "confirm": new}).status_code == 302
    assert client.get(older).status_code == 400
    assert client.get(newer).status_code == 400
