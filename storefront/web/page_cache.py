"""The main content of the pages every shopper sees the same, rendered once and kept.

What is cached is the page's ``title`` and ``content`` blocks (see docs/architecture.md,
"Caching"): the shell around them (``base.html``: cart count, account links, flashed messages,
the search box) is rendered for each request, and the one per-session value inside a cached
block, the add-to-cart form's CSRF token, is a slot (``csrf_slot()``) filled per request. So a
cached page never carries another session's state, and signed-in staff see the same content.

A key holds the locale, the page's path with its query string and the current *generation*
token of each part of the data the page shows (``catalog``, ``ledger``). A transaction that
changes one of those tables gets a fresh token for the part once it commits, so the next
request misses and renders from the database. The tokens are read before the page's first
query: a reader racing a writer stores what it read under the old token, which no one reads
again. Tokens live in the cache itself (Redis in production, shared by every worker); a token
that is missing (evicted, Redis restarted) is replaced by a fresh one, never by an old one.

When the cache fails (Redis down) pages are rendered from the database as without a cache;
the cache is left alone for a few seconds before it is tried again.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, current_app, g, render_template, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from werkzeug.wrappers import Response

from storefront.extensions import cache

log = logging.getLogger(__name__)

CATALOG = "catalog"
LEDGER = "ledger"
# Which tables each part of the public pages is read from. A table in both bumps both.
PARTS: Mapping[str, frozenset[str]] = {
    CATALOG: frozenset(
        {
            "product",
            "product_option",
            "product_image",
            "venture",
            "cause",
            "matching_fund",
            "fund_venture",
            "fund_top_up",
        }
    ),
    LEDGER: frozenset(
        {
            "ledger_entry",
            "ledger_sum",
            "payout",
            "venture",
            "cause",
            "matching_fund",
            "fund_venture",
            "fund_top_up",
            "orders",
            "order_line",
            "refund",
            "impact_report",
            "sales_before_joining",
            "product",  # names and categories in the impact report and the ledger's lines
            "log_checkpoint",  # the latest checkpoint and the witnesses shown on /ledger
            "log_witness",
        }
    ),
}
BLOCKS = ("title", "head", "content")
CSRF_SLOT = "<csrf-slot>"  # never in rendered user text: titles are escaped, Markdown sanitised
RETRY_AFTER_FAILURE = 5.0  # seconds without the cache after it failed
_CHANGED = "page_cache.changed"
_down_until = [0.0]


def init_app(app: Flask) -> None:
    cache.init_app(app)
    app.jinja_env.globals["csrf_slot"] = csrf_slot
    app.after_request(revalidate)


def revalidate(response: Response) -> Response:
    """Let browsers keep a shared page and ask again with ``If-None-Match`` (a 304 when
    nothing changed). ``private``: the page holds the session's cart count and account links,
    so no proxy may keep it; ``no-cache``: a changed price must show on the next visit."""
    if not g.get("shared_page") or response.status_code != 200:
        return response
    if request.method not in {"GET", "HEAD"}:
        return response
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.vary.update(("Cookie", "Accept-Language"))
    response.add_etag()  # of the body as sent: the cart count and CSRF token are in it
    return response.make_conditional(request)


def enabled() -> bool:
    return (
        current_app.config.get("CACHE_TYPE") != "NullCache" and time.monotonic() >= _down_until[0]
    )


def _failed(action: str) -> None:
    if time.monotonic() >= _down_until[0]:
        log.warning(
            "page cache unavailable (%s); rendering from the database", action, exc_info=True
        )
    _down_until[0] = time.monotonic() + RETRY_AFTER_FAILURE


def generations(parts: Iterable[str]) -> str | None:
    """The current token of each part, joined; None when the cache is off or failing."""
    if not enabled():
        return None
    keys = [f"gen:{part}" for part in parts]
    try:
        tokens = cache.get_many(*keys)
        for i, token in enumerate(tokens):
            if token is None:  # first use, evicted or lost: a fresh token, never an old one
                cache.add(keys[i], uuid.uuid4().hex, timeout=0)
                tokens[i] = cache.get(keys[i])
    except Exception:
        _failed("reading generations")
        return None
    if any(token is None for token in tokens):
        return None
    return ".".join(str(token) for token in tokens)


def bump(parts: Iterable[str]) -> None:
    """Give each part a fresh token: every page that shows it is rendered again."""
    tokens = {f"gen:{part}": uuid.uuid4().hex for part in parts}
    if not tokens or current_app.config.get("CACHE_TYPE") == "NullCache":
        return
    try:
        cache.set_many(tokens, timeout=0)
    except Exception:
        # Pages cached before this commit may be served until PAGE_CACHE_SECONDS pass.
        _failed("renewing generations")


def csrf_slot() -> str:
    """The CSRF token of a form inside a cached block: a slot while the block is rendered
    for the cache, filled with this session's token when the page is sent."""
    if g.get("page_cache_rendering"):
        return Markup(CSRF_SLOT)  # noqa: S704 - a constant
    return generate_csrf()


def _fill(html: str) -> Markup:
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, str(escape(generate_csrf())))
    return Markup(html)  # noqa: S704 - rendered by our templates with autoescape


def _render_blocks(template: str, context: dict[str, Any]) -> dict[str, str]:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    compiled = app.jinja_env.get_or_select_template(template)
    app.update_template_context(context)
    g.page_cache_rendering = True
    try:
        jinja_context = compiled.new_context(context)
        return {
            name: "".join(compiled.blocks[name](jinja_context))
            for name in BLOCKS
            if name in compiled.blocks
        }
    finally:
        g.page_cache_rendering = False


def cached_page(template: str, parts: Iterable[str], load: Callable[[], dict[str, Any]]) -> str:
    """Render ``template`` with the context ``load()`` builds, its main blocks from the cache
    when the data ``parts`` are unchanged since they were stored.

    ``load`` runs only on a miss; it may abort (404), and nothing is stored then.
    """
    g.shared_page = True
    token = generations(parts)
    if token is None:
        return render_template(template, **load())
    path = hashlib.sha256(request.full_path.encode()).hexdigest()[:32]
    key = f"page:{request.endpoint}:{get_locale()}:{token}:{path}"
    try:
        blocks = cache.get(key)
    except Exception:
        _failed("reading a page")
        return render_template(template, **load())
    if blocks is None:
        blocks = _render_blocks(template, load())
        try:
            cache.set(key, blocks, timeout=current_app.config["PAGE_CACHE_SECONDS"])
        except Exception:
            _failed("storing a page")
    return render_template(
        template, cached_blocks={name: _fill(html) for name, html in blocks.items()}
    )


def cached_data(name: str, parts: Iterable[str], args: str, load: Callable[[], Any]) -> Any:
    """What ``load()`` returns for these arguments, from the cache while the data ``parts``
    are unchanged (and for at most ``PAGE_CACHE_SECONDS``), as ``cached_page`` keeps pages."""
    token = generations(parts)
    if token is None:
        return load()
    key = f"data:{name}:{token}:{hashlib.sha256(args.encode()).hexdigest()[:32]}"
    try:
        value = cache.get(key)
    except Exception:
        _failed("reading data")
        return load()
    if value is None:
        value = load()
        try:
            cache.set(key, value, timeout=current_app.config["PAGE_CACHE_SECONDS"])
        except Exception:
            _failed("storing data")
    return value


# -- what a transaction changed ------------------------------------------------------------


def _note(session: Session, table: str | None) -> None:
    if table is None:
        return
    changed = session.info.setdefault(_CHANGED, set())
    changed.update(part for part, tables in PARTS.items() if table in tables)


@event.listens_for(Session, "before_flush")
def _collect_flushed(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.deleted):
        _note(session, getattr(obj, "__tablename__", None))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=True):
            _note(session, getattr(obj, "__tablename__", None))


@event.listens_for(Session, "do_orm_execute")
def _collect_executed(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        _note(state.session, getattr(table, "name", None))


@event.listens_for(Session, "after_commit")
def _bump_committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the real commit is still to come
    changed = session.info.pop(_CHANGED, None)
    if changed:
        try:
            current_app.config  # noqa: B018 - outside an app (scripts) there is no cache
        except RuntimeError:
            return
        bump(sorted(changed))


@event.listens_for(Session, "after_transaction_end")
def _forget_rolled_back(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)
