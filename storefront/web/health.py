"""Probes for the process manager and the load balancer: ``/healthz`` and ``/readyz``.

Both are cheap, unauthenticated and say nothing but ok or not ok per check: no versions,
hostnames or error texts (those go to the log). They skip rate limits, CSRF and the session.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import cache
from typing import Any

import redis
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app
from sqlalchemy import text

from storefront.extensions import csrf, db, limiter

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)
csrf.exempt(bp)
limiter.exempt(bp)

READY_CACHE_SECONDS = 5.0  # a probe every second costs the database one query every 5 s
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
_NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int, dict[str, str]]:
    """The process is alive and answers; nothing else is looked at."""
    return {"status": "ok"}, 200, _NO_STORE


@bp.get("/readyz")
def readyz() -> tuple[dict[str, Any], int, dict[str, str]]:
    """The database answers and is migrated to the newest revision, and Redis answers when
    the shop is configured to use it: 200, else 503."""
    checks = _cached_checks()
    ready = all(ok for ok in checks.values())
    body = {
        "status": "ok" if ready else "fail",
        "checks": {name: "ok" if ok else "fail" for name, ok in checks.items()},
    }
    return body, 200 if ready else 503, _NO_STORE


_lock = threading.Lock()


def _cached_checks() -> dict[str, bool]:
    """The checks' results, run again at most every READY_CACHE_SECONDS per process."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _lock:
        found = app.extensions.get("readiness")
        if found and time.monotonic() - found[0] < READY_CACHE_SECONDS:
            return found[1]
        checks = run_checks()
        app.extensions["readiness"] = (time.monotonic(), checks)
        return checks


def run_checks() -> dict[str, bool]:
    """Each check by name: True when it passes."""
    checks = {"database": False, "migrations": False}
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            checks["database"] = True
            current = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        checks["migrations"] = current == script_heads(current_app.extensions["migrate"].directory)
    except Exception:  # any failure is "not ready"; the log says which
        log.exception("readiness: the database check failed")
    for url in redis_urls(current_app.config):
        checks["redis"] = checks.get("redis", True) and _redis_answers(url)
    return checks


@cache
def script_heads(directory: str) -> set[str]:
    """The newest revisions in the migration scripts (read once: they change with a deploy)."""
    return set(ScriptDirectory(directory).get_heads())


def redis_urls(config: Any) -> list[str]:
    """The Redis servers the shop is configured to use: ``REDIS_URL`` and the rate limits'
    storage, once each."""
    urls = [config.get("REDIS_URL") or "", config.get("RATELIMIT_STORAGE_URI") or ""]
    return list(dict.fromkeys(u for u in urls if u.startswith(_REDIS_SCHEMES)))


def _redis_answers(url: str) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        log.exception("readiness: a Redis check failed")
        return False
