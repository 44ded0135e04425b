"""What operations reads from the shop: probes, request ids, error references, metrics."""

from __future__ import annotations

import pytest
from flask import abort
from prometheus_client import REGISTRY
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from storefront.web import health
from tests.helpers import buy

PROBES = ("/healthz", "/readyz")


def test_healthz_answers_without_the_database(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_is_ok_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


def test_readyz_says_503_and_nothing_more_when_the_database_is_away(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "fail", "checks": {"database": "fail", "migrations": "fail"}}


def test_readyz_says_503_when_migrations_are_behind(app, db):
    head = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    db.session.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    db.session.commit()
    try:
        response = app.test_client().get("/readyz")
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
        db.session.commit()
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "migrations": "fail"}


def test_readyz_checks_the_configured_redis(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_STORAGE_URI="memory://")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "migrations": "ok", "redis": "fail"}


def test_redis_urls_come_from_redis_url_and_the_rate_limit_storage():
    config = {"REDIS_URL": "redis://r:6379/1", "RATELIMIT_STORAGE_URI": "redis://r:6379/1"}
    assert health.redis_urls(config) == ["redis://r:6379/1"]
    assert health.redis_urls({"RATELIMIT_STORAGE_URI": "memory://"}) == []


def test_readiness_is_cached_for_a_few_seconds(client, app, monkeypatch):
    calls = []
    monkeypatch.setattr(health, "run_checks", lambda: calls.append(1) or {"database": True})
    for _ in range(3):
        assert client.get("/readyz").status_code == 200
    assert len(calls) == 1


@pytest.mark.parametrize("path", PROBES)
def test_probes_leave_the_session_alone(client, path):
    client.get("/")  # a shopper's session exists...
    response = client.get(path)
    assert "Set-Cookie" not in response.headers  # ...and a probe neither makes nor renews one
    assert response.headers["Cache-Control"] == "no-store"


def test_probes_and_metrics_are_not_rate_limited(make_app):
    from storefront.extensions import limiter

    app = make_app(RATELIMIT_DEFAULT="2 per hour")
    try:
        client = app.test_client()
        assert [client.get("/ledger").status_code for _ in range(3)][-1] == 429
        for path in (*PROBES, "/metrics"):
            assert {client.get(path).status_code for _ in range(3)} == {200}
    finally:
        limiter.limit_manager.set_default_limits([])  # the limiter outlives this app


def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_sane_request_id_from_the_proxy_is_kept_and_a_strange_one_replaced(client):
    given = "5f1c2b3a-9d8e-4f7a-b6c5-0123456789ab"
    assert client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given
    odd = client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert odd != "<script>" and len(odd) == 32


def test_a_refused_request_still_gets_an_id(client):
    response = client.get("/products?q=%00")
    assert response.status_code == 400
    assert response.headers["X-Request-ID"]


def _failing_app(make_app, error):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def fail():
        raise error

    app.add_url_rule("/fail", "fail", fail)
    return app


@pytest.mark.parametrize(
    "error, status",
    [
        (RuntimeError("boom"), 500),
        (OperationalError("SELECT 1", {}, Exception("gone")), 503),
    ],
)
def test_error_pages_show_the_request_id_as_a_reference(make_app, error, status):
    client = _failing_app(make_app, error).test_client()
    response = client.get(
        "/fail", headers={"X-Request-ID": "ref-12345678", "Accept-Language": "en"}
    )
    assert response.status_code == status
    assert "Reference: ref-12345678" in response.get_data(as_text=True)


def test_a_refusal_shows_no_reference(make_app):
    app = make_app()
    app.add_url_rule("/gone", "gone", lambda: abort(404))
    response = app.test_client().get("/gone", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Reference" not in response.get_data(as_text=True)


def test_metrics_count_requests_by_endpoint_and_status(client):
    labels = {"endpoint": "health.healthz", "method": "GET", "status": "200"}
    before = REGISTRY.get_sample_value("sangsaeng_http_requests_total", labels) or 0
    client.get("/healthz")
    body = client.get("/metrics").get_data(as_text=True)
    assert REGISTRY.get_sample_value("sangsaeng_http_requests_total", labels) == before + 1
    assert 'sangsaeng_http_requests_total{endpoint="health.healthz"' in body
    assert "sangsaeng_http_request_duration_seconds_bucket" in body
    assert "/healthz" not in body  # routes by name, never raw paths


def test_metrics_count_paid_orders_and_webhook_outcomes(client, shop):
    paid = {"via": "webhook"}
    before = REGISTRY.get_sample_value("sangsaeng_orders_paid_total", paid) or 0
    delivered = REGISTRY.get_sample_value("sangsaeng_webhook_deliveries_total", {"outcome": "paid"})
    assert buy(client, shop.product.id).status_code == 303
    assert REGISTRY.get_sample_value("sangsaeng_orders_paid_total", paid) == before + 1
    after = REGISTRY.get_sample_value("sangsaeng_webhook_deliveries_total", {"outcome": "paid"})
    assert after == (delivered or 0) + 1


def test_metrics_ask_for_the_token_when_one_is_set(make_app):
    client = make_app(METRICS_TOKEN="scrape-me-please").test_client()
    assert client.get("/metrics").status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.get("/metrics", headers=wrong).status_code == 401
    right = {"Authorization": "Bearer scrape-me-please"}
    assert client.get("/metrics", headers=right).status_code == 200


def test_metrics_are_not_served_in_production_without_a_token(make_app):
    client = make_app(ENV_MODE="production", METRICS_TOKEN="").test_client()
    assert client.get("/metrics").status_code == 404


def test_metrics_read_the_job_queue(client, session):
    from storefront.models import Job

    for status, attempts in (("pending", 0), ("pending", 2), ("failed", 8), ("done", 1)):
        session.add(Job(kind="order_confirmation", payload={}, status=status, attempts=attempts))
    session.commit()
    body = client.get("/metrics").get_data(as_text=True)
    assert 'sangsaeng_jobs{state="pending"} 2.0' in body
    assert 'sangsaeng_jobs{state="retrying"} 1.0' in body
    assert 'sangsaeng_jobs{state="failed"} 1.0' in body
    assert 'sangsaeng_jobs{state="done"} 1.0' in body
