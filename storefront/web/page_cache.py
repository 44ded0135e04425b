"""The main content of the pages every shopper sees the same, rendered once and kept.

What is cached is the page's ``title`` and ``content`` blocks (see docs/architecture.md,
"Caching"): the shell around them (``base.html``: cart count, account links, flashed messages,
the search box) is rendered for each request, and the one per-session value inside a cached
block, the add-to-cart form's CSRF token, is a slot (``csrf_slot()``) filled per request. So a
cached page never carries another session's state, and signed-in staff see the same content.

For a shopper who is not signed in and has no message waiting (every first visit, every
crawler, most browsing), the shell holds nothing of the session but the cart count, so the
whole page is kept as well, with the cart count a slot (``cart_count_slot()``) like the CSRF
token: such a request is answered with two string replacements, without rendering anything.

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

from flask import Flask, current_app, g, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from werkzeug.wrappers import Response

from storefront.extensions import cache
from storefront.web import bare_pages
from storefront.web.common import cart_count

log = logging.getLogger(__name__)

CATALOG = "catalog"
LEDGER = "ledger"
QUESTIONS = "questions"
TRENDS = "trends"
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
            "review",  # the reviews on product and venture pages, and their counts
            "review_photo",
            "review_stats",
            "recommendation",  # the product page's "bought together", refreshed by a job
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
    QUESTIONS: frozenset({"product_question"}),  # the product page's questions section
    # /trends: searches folded every minute, sales by day, the products' categories and who
    # may see them (a product's and its venture's status). The search vocabulary its terms
    # must match grows only in a product's or a venture's flush, which bumps it already.
    TRENDS: frozenset({"search_stat", "sales_product_day", "product", "venture"}),
}
BLOCKS = ("title", "head", "content")
# never in rendered user text: titles are escaped, Markdown sanitised; one slot for both layers
CSRF_SLOT = bare_pages.FORM_TOKEN_SLOT.decode()
CART_SLOT = "<cart-count-slot>"
RETRY_AFTER_FAILURE = 5.0  # seconds without the cache after it failed
# The request headers that can turn a 200 into a 304, 412 or 206 (``make_conditional``).
CONDITIONAL = frozenset(
    f"HTTP_{name}"
    for name in ("IF_NONE_MATCH", "IF_MODIFIED_SINCE", "IF_MATCH", "IF_UNMODIFIED_SINCE", "RANGE")
)
_CHANGED = "page_cache.changed"
PARTS_OPTION = "page_parts"  # an execution option: the parts a statement changes, if fewer
_down_until = [0.0]


def init_app(app: Flask) -> None:
    cache.init_app(app)
    app.jinja_env.globals["csrf_slot"] = csrf_slot
    app.jinja_env.globals["cart_count"] = shell_cart_count
    app.after_request(revalidate)


def revalidate(response: Response) -> Response:
    """Let browsers keep a shared page and ask again with ``If-None-Match`` (a 304 when
    nothing changed). ``private``: the page holds the session's cart count and account links,
    so no proxy may keep it; ``no-cache``: a changed price must show on the next visit.

    Registered first, so it runs after every other after-request hook: a page kept for
    cookie-less visitors (``bare_pages``) is kept with the headers they all added."""
    if not g.get("shared_page") or response.status_code != 200:
        return response
    if request.method not in {"GET", "HEAD"}:
        return response
    headers = response.headers
    if "Cache-Control" in headers:
        response.cache_control.private = True
        response.cache_control.no_cache = True
    else:  # the usual case, without parsing and serialising werkzeug's header objects
        headers["Cache-Control"] = "private, no-cache"
    if "Vary" in headers:
        response.vary.update(("Cookie", "Accept-Language"))
    else:
        headers["Vary"] = "Cookie, Accept-Language"
    response.add_etag()  # of the body as sent: the cart count and CSRF token are in it
    bare = g.get("bare_page")
    if bare is not None:
        bare_pages.remember(response, bare)
    environ = request.environ
    if not any(header in environ for header in CONDITIONAL):
        return response  # nothing to compare: a full answer, as make_conditional would give
    return response.make_conditional(request)


def enabled() -> bool:
    return enabled_for(current_app)


def enabled_for(app: Flask) -> bool:
    return app.config.get("CACHE_TYPE") != "NullCache" and time.monotonic() >= _down_until[0]


def generation_keys() -> tuple[str, ...]:
    """The cache keys of every part's generation token."""
    return tuple(f"gen:{part}" for part in PARTS)


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


def shell_cart_count() -> int | Markup:
    """The cart count in the page's shell: a slot while a whole page is rendered for the
    cache, filled with this session's count when the page is sent."""
    if g.get("page_cache_rendering"):
        return Markup(CART_SLOT)  # noqa: S704 - a constant
    return cart_count()


def _fill(html: str) -> Markup:
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, str(escape(generate_csrf())))
    return Markup(html)  # noqa: S704 - rendered by our templates with autoescape


def _fill_page(html: str) -> str:
    return _fill(html.replace(CART_SLOT, str(cart_count()), 1))


def _plain_shell() -> bool:
    """Whether this request's shell shows nothing of the session but the cart count: no one
    signed in, no message flashed (so the same for every such shopper of this page).

    Without a user id in the session and a remember-me cookie no one can be signed in, and
    Flask-Login (which hashes the client's address and agent to check the session) is not
    asked."""
    if "_flashes" in session:
        return False
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    if "_user_id" not in session and remember not in request.cookies:
        return True
    return not current_user.is_authenticated


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


def _render_page(template: str, blocks: dict[str, str]) -> str:
    """The whole page around cached ``blocks``, its per-session values left as slots."""
    g.page_cache_rendering = True
    try:
        return render_template(
            template,
            cached_blocks={name: Markup(html) for name, html in blocks.items()},  # noqa: S704
        )
    finally:
        g.page_cache_rendering = False


def cached_page(
    template: str,
    parts: Iterable[str],
    load: Callable[[], dict[str, Any]],
    personal: Callable[[], dict[str, Any]] | None = None,
) -> str:
    """Render ``template`` with the context ``load()`` builds, its main blocks from the cache
    when the data ``parts`` are unchanged since they were stored, and the whole page from the
    cache when the request's shell is the plain one (see ``_plain_shell``).

    ``load`` runs only on a miss; it may abort (404), and nothing is stored then.
    ``personal()`` builds the context of the page's blocks outside the cached ones (such as
    base.html's ``personal``) for a request whose shell is not the plain one (someone signed
    in); it runs on every such request, and never for a page kept whole.
    """
    g.shared_page = True
    token = generations(parts)
    if token is None:
        mine = personal() if personal is not None and not _plain_shell() else {}
        return render_template(template, **load(), **mine)
    # url_for's links start with the script root: a proxy mounting the shop elsewhere differs
    path = hashlib.sha256(f"{request.script_root}|{request.full_path}".encode()).hexdigest()
    key = f"page:{request.endpoint}:{get_locale()}:{token}:{path[:32]}"
    plain = _plain_shell()
    try:
        if plain:
            page = cache.get(f"{key}:whole")
            if page is not None:
                return _fill_page(page)
        blocks = cache.get(key)
    except Exception:
        _failed("reading a page")
        return render_template(template, **load())
    timeout = current_app.config["PAGE_CACHE_SECONDS"]
    if blocks is None:
        blocks = _render_blocks(template, load())
        _store(key, blocks, timeout)
    if plain:
        page = _render_page(template, blocks)
        _store(f"{key}:whole", page, timeout)
        if bare_pages.is_bare(request.environ):
            # The same bytes for every visitor without a cookie (but for a form token, which
            # ``bare_pages`` makes for each): kept whole once answered.
            g.bare_page = (tuple(parts), token)
            g.bare_page_locale = str(get_locale())
        return _fill_page(page)
    return render_template(
        template,
        cached_blocks={name: _fill(html) for name, html in blocks.items()},
        **(personal() if personal is not None else {}),
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


def store(key: str, value: Any) -> None:
    """Keep ``value`` under ``key`` for as long as a page is kept."""
    _store(key, value, current_app.config["PAGE_CACHE_SECONDS"])


def _store(key: str, value: Any, timeout: int) -> None:
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:
        _failed("storing a page")


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
        # A statement may name the parts it changes, fewer than its table's (a saved count
        # on product shows on catalogue pages, never on the ledger's).
        parts = state.execution_options.get(PARTS_OPTION)
        if parts is not None:
            state.session.info.setdefault(_CHANGED, set()).update(parts)
            return
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
