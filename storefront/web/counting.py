"""Count catalogue searches and product views in the cache, without a trace of who.

Every request for a first page of search results (also one the page cache answers whole)
and every product page adds one to a counter in the cache (Redis in production) for its
Seoul day; no row is written while shoppers browse. A search term also counts a visitor
once a day: the cache ``add``s a key made from an HMAC of the visitor's address (an IPv6
address by its /64 network, which one subscriber is usually handed whole) under a random salt
of the day. The browser's User-Agent is not part of it: anyone can send a new one with each
request, so it would let one address count as any number of people. The salt is made in the
cache, never leaves it, and expires when the day ends, with the visitors' keys: after that no
one, the shop included, can tell whose a key was, and no key, log line or row ever holds an
address, account or session id.

A worker does not talk to the cache on every search: it adds up its counts in memory and
hands them over at most every ``TRENDS_FLUSH_SECONDS`` (2; 0 in the tests), with the next
search or view it serves after that, whether Flask renders it or ``bare_pages`` answers it
from a kept page (kept with what it counted, and counted again each time it is sent). Five
round trips a search to Redis cost a catalogue page more than rendering it
(docs/performance.md). The same search or product a hundred times in
those seconds is one increment of a hundred. A worker that stops, or serves no further search
or view that day, loses what it held (at most those seconds' counts): trends are
approximate. Until the hand-over hashes it, a visitor's address is held in that worker's
memory only, as while its request is served.

Every minute the job queue (storefront/jobs.py) ``fold``s the counters of today and
yesterday into ``search_stat`` and ``product_view_stat`` (services/trends.py keeps that
idempotent); the counters expire a day after their day ends.

When the cache is off or failing, nothing is counted (the page is served all the same).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from cachelib import SimpleCache
from flask import Flask, current_app, g, has_app_context, request
from sqlalchemy.orm import Session

from storefront.domain.periods import local_date, to_utc, utcnow
from storefront.domain.trends import search_term, visitor_of
from storefront.extensions import cache
from storefront.services import trends
from storefront.web import page_cache

PREFIX = "trends"
SEARCH, VIEW = "search", "view"  # what a request counted (``g.counted``)
_lock = threading.Lock()


def _ttl(day: date, now: datetime, extra: timedelta = timedelta()) -> int:
    """Seconds from now until the day ends in Seoul (plus ``extra``), at least one."""
    ends = to_utc(day + timedelta(days=1)) + extra
    return max(int((ends - now).total_seconds()), 1)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _increment(key: str, timeout: int, by: int = 1) -> int:
    """Add ``by`` to a counter that expires ``timeout`` seconds after it was made.

    Redis's INCRBY keeps the key's expiry; the in-process cache's ``inc`` would reset it to
    the default, so there (one process only) it is a get and a set under a lock."""
    backend = cache.cache
    if isinstance(backend, SimpleCache):
        with _lock:
            value = int(cache.get(key) or 0) + by
            cache.set(key, value, timeout=timeout)
            return value
    backend.add(key, 0, timeout=timeout)
    return int(backend.inc(key, by) or 0)


def _register(kind: str, day: date, name: str, value: object, timeout: int) -> None:
    """List ``name`` among the day's counters of ``kind`` once, up to the daily bound."""
    if not cache.add(f"{PREFIX}:{kind}:known:{day}:{name}", 1, timeout=timeout):
        return
    position = _increment(f"{PREFIX}:{kind}:count:{day}", timeout)
    if position <= current_app.config["TRENDS_MAX_TERMS_A_DAY"]:
        cache.set(f"{PREFIX}:{kind}:at:{day}:{position}", value, timeout=timeout)


_pending: dict[str, Any] = {"views": Counter(), "searches": Counter(), "seen": set()}
_flushed = [0.0]  # time.monotonic() of this worker's last hand-over


def _salt(day: date, timeout: int) -> bytes | None:
    key = f"{PREFIX}:salt:{day}"
    salt = cache.get(key)
    if salt is None:  # the day's first visitor: whoever adds first sets it for everyone
        cache.add(key, secrets.token_hex(32), timeout=timeout)
        salt = cache.get(key)
    return None if salt is None else str(salt).encode()


def count_search(text: str) -> None:
    """Count a search for ``text`` (and its visitor, once a day): a no-op for no words."""
    term = search_term(text)
    if term is None or not page_cache.enabled():
        return
    g.counted = (SEARCH, term)  # a page kept bare counts it again each time (``recount``)
    recount(current_app, g.counted, request.remote_addr or "")


def count_view(product_id: int) -> None:
    """Count a view of a product's page."""
    if not page_cache.enabled():
        return
    g.counted = (VIEW, product_id)
    recount(current_app, g.counted, request.remote_addr or "")


def recount(app: Flask, counted: tuple[str, object], address: str) -> None:
    """Count what ``counted`` names, from ``address``: for a request Flask serves, and for one
    ``bare_pages`` answers from a page kept with its ``counted`` (no app context there; one
    is pushed only when the hand-over is due)."""
    kind, value = counted
    now = utcnow()
    day = local_date(now)
    with _lock:  # the address stays in this worker's memory until the hand-over hashes it
        if kind == SEARCH:
            _pending["searches"][(day, value)] += 1
            _pending["seen"].add((day, value, visitor_of(address)))
        else:
            _pending["views"][(day, value)] += 1
    every = app.config.get("TRENDS_FLUSH_SECONDS", 0)
    if every > 0 and time.monotonic() - _flushed[0] < every:
        return
    if has_app_context():
        _hand_over(now)
    else:
        with app.app_context():
            _hand_over(now)


def _hand_over(now: datetime) -> None:
    """Add this worker's counts to the cache's."""
    with _lock:
        _flushed[0] = time.monotonic()
        views, searches, seen = _pending["views"], _pending["searches"], _pending["seen"]
        _pending.update(views=Counter(), searches=Counter(), seen=set())
    try:
        for (day, product_id), n in views.items():
            kept = _ttl(day, now, timedelta(days=1))
            _register("view", day, str(product_id), product_id, kept)
            _increment(f"{PREFIX}:view:n:{day}:{product_id}", kept, n)
        for (day, term), n in searches.items():
            kept = _ttl(day, now, timedelta(days=1))
            name = _digest(term)
            _register("search", day, name, term, kept)
            _increment(f"{PREFIX}:search:n:{day}:{name}", kept, n)
        salts: dict[date, bytes | None] = {}
        for day, term, visitor in seen:
            if day not in salts:
                salts[day] = _salt(day, _ttl(day, now))
            salt = salts[day]
            if salt is None:  # never a guessable salt: without one the visitor is not counted
                continue
            who = hmac.new(salt, f"{term}|{visitor}".encode(), "sha256").hexdigest()[:32]
            if cache.add(f"{PREFIX}:seen:{day}:{who}", 1, timeout=_ttl(day, now)):
                kept = _ttl(day, now, timedelta(days=1))
                _increment(f"{PREFIX}:search:people:{day}:{_digest(term)}", kept)
    except Exception:
        page_cache._failed("counting searches and views")


def _listed(kind: str, day: date) -> list[object]:
    count = min(
        int(cache.get(f"{PREFIX}:{kind}:count:{day}") or 0),
        current_app.config["TRENDS_MAX_TERMS_A_DAY"],
    )
    if count == 0:
        return []
    keys = [f"{PREFIX}:{kind}:at:{day}:{i}" for i in range(1, count + 1)]
    return [value for value in cache.get_many(*keys) if value is not None]


def read_searches(day: date) -> dict[str, tuple[int, int]]:
    """The day's counted search terms: term -> (searches, distinct visitors)."""
    terms = [str(term) for term in _listed("search", day)]
    if not terms:
        return {}
    names = [_digest(term) for term in terms]
    counts = cache.get_many(
        *(f"{PREFIX}:search:n:{day}:{name}" for name in names),
        *(f"{PREFIX}:search:people:{day}:{name}" for name in names),
    )
    n = len(terms)
    return {
        term: (int(counts[i] or 0), int(counts[n + i] or 0))
        for i, term in enumerate(terms)
        if counts[i]
    }


def read_views(day: date) -> dict[int, int]:
    """The day's counted product views: product id -> views."""
    ids = [int(str(pid)) for pid in _listed("view", day)]
    if not ids:
        return {}
    counts = cache.get_many(*(f"{PREFIX}:view:n:{day}:{pid}" for pid in ids))
    return {pid: int(value) for pid, value in zip(ids, counts, strict=True) if value}


def fold(db: Session, now: datetime | None = None) -> int:
    """Fold the counters of today and yesterday (Seoul) into the tables; the rows changed.
    The caller commits."""
    if current_app.config.get("CACHE_TYPE") == "NullCache":
        return 0
    today = local_date(now or utcnow())
    changed = 0
    for day in (today - timedelta(days=1), today):
        changed += trends.fold_searches(db, day, read_searches(day))
        changed += trends.fold_views(db, day, read_views(day))
    return changed
