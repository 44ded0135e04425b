"""Prometheus metrics at ``/metrics``: requests, latency, paid orders, webhooks, the job queue.

Under gunicorn each worker is its own process: ``gunicorn.conf.py`` sets
``PROMETHEUS_MULTIPROC_DIR`` before any worker imports prometheus_client, and a scrape
adds up every worker's files. With ``METRICS_TOKEN`` set, a scrape must send
``Authorization: Bearer <token>``; in production without it, ``/metrics`` is not served.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Flask, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from werkzeug.wrappers import Response

from storefront.extensions import csrf, db, limiter
from storefront.services import jobs

log = logging.getLogger(__name__)
bp = Blueprint("metrics", __name__)
csrf.exempt(bp)
limiter.exempt(bp)

REQUESTS = Counter(
    "sangsaeng_http_requests",
    "HTTP requests answered, by endpoint (the route's name, never the raw path) and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "sangsaeng_http_request_duration_seconds",
    "Time from the request's start to its response, by endpoint.",
    ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ORDERS_PAID = Counter(
    "sangsaeng_orders_paid",
    "Orders that fulfilment marked paid, by where the payment was confirmed.",
    ["via"],
)
WEBHOOKS = Counter(
    "sangsaeng_webhook_deliveries",
    "Payment webhook deliveries, by outcome (paid, duplicate, ignored, rejected, retry...).",
    ["outcome"],
)


def order_paid(via: str) -> None:
    """Count one order marked paid; ``via`` is ``webhook`` or ``success_page``."""
    ORDERS_PAID.labels(via=via).inc()


def webhook_delivered(outcome: str) -> None:
    WEBHOOKS.labels(outcome=outcome).inc()


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


# Each labelled child, looked up once: prometheus_client takes a lock and checks the labels
# on every ``labels()`` call. Bounded by the routes times the methods and statuses they answer.
_counters: dict[tuple[str, str, int], Any] = {}
_timers: dict[str, Any] = {}


def _observe(response: Response) -> Response:
    endpoint = request.endpoint or "unmatched"  # a 404 has no route: one label for all of them
    started = g.get("metrics_started")
    seconds = None if started is None else time.perf_counter() - started
    count(endpoint, request.method, response.status_code, seconds)
    return response


def count(endpoint: str, method: str, status: int, seconds: float | None) -> None:
    """Count one answered request (``bare_pages`` answers some without Flask's hooks)."""
    labels = (endpoint, method, status)
    counter = _counters.get(labels)
    if counter is None:
        counter = _counters.setdefault(
            labels, REQUESTS.labels(endpoint=endpoint, method=method, status=status)
        )
    counter.inc()
    if seconds is not None:
        timer = _timers.get(endpoint)
        if timer is None:
            timer = _timers.setdefault(endpoint, LATENCY.labels(endpoint=endpoint))
        timer.observe(seconds)


class JobQueueCollector(Collector):
    """The job queue's depth and failures, read at scrape time from ``services.jobs.stats``."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            found = jobs.stats(db.session())
        except Exception:
            log.exception("metrics: reading the job queue failed")
            db.session.rollback()
            return
        family = GaugeMetricFamily(
            "sangsaeng_jobs", "Jobs in the outbox now, by state.", labels=["state"]
        )
        for state in ("pending", "retrying", "failed", "done"):
            family.add_metric([state], found[state])
        yield family
        yield GaugeMetricFamily(
            "sangsaeng_jobs_oldest_due_seconds",
            "How long the oldest due job has waited.",
            value=found["oldest_due_seconds"],
        )


@bp.get("/metrics")
def metrics() -> Response:
    _check_token()
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)
    registry.register(JobQueueCollector())
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def _check_token() -> None:
    token = current_app.config.get("METRICS_TOKEN") or ""
    if not token:
        if current_app.config["ENV_MODE"] == "production":
            abort(404)  # never public by accident
        return
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        abort(Response(status=401, headers={"WWW-Authenticate": "Bearer"}))


def init_app(app: Flask) -> None:
    app.before_request(_start_timer)
    app.after_request(_observe)
