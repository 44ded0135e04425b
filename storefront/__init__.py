"""Sangsaeng: a storefront for social ventures whose every order records a donation."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request, url_for
from flask.globals import request_ctx
from flask_babel import lazy_gettext
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from storefront import config as settings
from storefront import postgres, sqlite
from storefront.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
from storefront.models import User
from storefront.models import search as search_index

ROOT = Path(__file__).resolve().parent.parent
# Blueprints whose GETs no view's rate limit covers: the shop window every shopper reads.
UNLIMITED_READS = frozenset({"shop", "ledger", "impact", "trends"})
LIMITED_READS = frozenset({"shop.suggest"})  # GETs of those that have a limit of their own


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the shop. ``config`` overrides the environment (tests pass theirs here)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
    )
    app.config.from_mapping(settings.load(app.instance_path))
    if config:
        app.config.from_mapping(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    answer_bare_pages_from_cache(app)
    trust_hosts_and_proxies(app)
    configure_logging(app)
    load_log_signer(app)
    register_extensions(app)
    register_payments(app)
    register_jobs(app)
    register_blueprints(app)
    register_hooks(app)
    register_template_helpers(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def answer_bare_pages_from_cache(app: Flask) -> None:
    """Answer a cookie-less GET of a kept shop page before Flask (inside ProxyFix, which sets
    the scheme and client address first)."""
    from storefront.web.bare_pages import BarePages

    app.wsgi_app = BarePages(app, app.wsgi_app)  # type: ignore[method-assign]


def trust_hosts_and_proxies(app: Flask) -> None:
    """Answer only to the shop's own host names, and believe ``X-Forwarded-For`` and
    ``-Proto`` (the client address the rate limits count) only from the configured proxies."""
    from storefront.web.errors import refuse_untrusted_host

    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = settings.trusted_hosts(app.config.get("SERVER_NAME"))
    app.before_request(refuse_untrusted_host)  # first, before CSRF or anything that renders
    hops = app.config.get("TRUSTED_PROXY_HOPS") or 0
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def configure_logging(app: Flask) -> None:
    """JSON lines in production, plain ones in development, a request id on each."""
    from storefront.web import logs

    if not app.testing:
        logs.configure(app.config["LOG_FORMAT"], logging.INFO)


def load_log_signer(app: Flask) -> None:
    """Read the key that signs the donation log's checkpoints (refuse to start without one)
    and the verifier keys its checkpoints are checked with."""
    from storefront.services import log

    signer = app.extensions["log_signer"] = log.signer(app.config)
    app.extensions["log_verifier_keys"] = log.verifier_keys(app.config, signer)


def register_extensions(app: Flask) -> None:
    from storefront.web import i18n, page_cache, sessions

    sessions.init_app(app)  # the signing serializer built once, not twice a request
    db.init_app(app)
    with app.app_context():
        sqlite.configure(db.engine)
        postgres.configure(db.engine)
        sqlite.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(ROOT / "migrations"),
        render_as_batch=True,
        include_object=search_index.include_object,  # the index is the migrations' own
    )
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(ROOT / "storefront" / "translations"),
    )
    i18n.init_app(app)  # catalogues parsed once per process, not per request
    page_cache.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    spare_unlimited_reads_the_limiter(app)
    login_manager.init_app(app)
    login_manager.login_view = "account.sign_in"
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _, token = session_id.partition(":")
        user = (
            db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 10 else None
        )
        if user is None or not user.active or not token or token != user.session_token:
            return None  # signed out by a password reset, or deactivated
        return user


@limiter.request_filter  # once, at import: the limiter is one object for every app
def unlimited_read() -> bool:
    """Spare the shop window's pages Flask-Limiter's search for limits on every request,
    unless the operator set limits for every request (``RATELIMIT_DEFAULT``, ``_APPLICATION``)."""
    if request.method not in {"GET", "HEAD"} or request.blueprint not in UNLIMITED_READS:
        return False
    if request.endpoint in LIMITED_READS:
        return False
    config = current_app.config
    return not (config.get("RATELIMIT_DEFAULT") or config.get("RATELIMIT_APPLICATION"))


def request_wide_limits() -> bool:
    """Whether Flask-Limiter holds limits that its check before the view applies: limits for
    every request (``RATELIMIT_APPLICATION``, ``_DEFAULT``, ``_META``, the in-memory
    fallback's) or a blueprint's. The shop sets none: its limits are on views, checked by
    their decorators when the view runs.

    These are Flask-Limiter's private lists (4.x): one that another version renamed or removed
    counts as holding limits, so the check then runs on every request as the library's own
    hook would, instead of failing every request."""
    manager = getattr(limiter, "limit_manager", None)
    held = (
        (manager, "_application_limits"),
        (manager, "_default_limits"),
        (manager, "_blueprint_limits"),
        (limiter, "_meta_limits"),
        (limiter, "_in_memory_fallback"),
    )
    return any(getattr(owner, name, True) for owner, name in held)


def spare_unlimited_reads_the_limiter(app: Flask) -> None:
    """Run Flask-Limiter's three request hooks (the check before the view, the headers after
    it, the reset at teardown) only for a request that a limit may cover.

    The check before the view looks only for ``request_wide_limits``; without any, it finds
    none for any request, but its search (the view's name, exemptions, meta limits) cost each
    request about a tenth of a millisecond. The headers and the reset concern only a request
    whose limits were checked: by that check, or by a view's decorator (sign-in, the order
    lookup...), which this leaves alone; each check keeps its state on the request context."""
    before = app.before_request_funcs.setdefault(None, [])
    after = app.after_request_funcs.setdefault(None, [])
    teardown = app.teardown_request_funcs.setdefault(None, [])
    check = limiter._check_request_limit
    reset = getattr(limiter, "_Limiter__release_context", None)
    headers = next((h for h in after if isinstance(h, partial) and h.args == (limiter,)), None)
    if check not in before or headers is None or reset is None or reset not in teardown:
        return  # another version of Flask-Limiter: leave its hooks as they are
    add_headers, release = headers, reset

    def checked() -> bool:
        return hasattr(request_ctx, "_limiter_request_context")  # Flask-Limiter's state

    def check_limits() -> None:
        if request_wide_limits() and not unlimited_read():
            check()

    def add_limit_headers(response: Response) -> Response:
        return add_headers(response) if checked() else response

    def reset_limits(error: BaseException | None = None) -> None:
        if checked():
            release(error)

    before[before.index(check)] = check_limits
    after[after.index(headers)] = add_limit_headers
    teardown[teardown.index(reset)] = reset_limits


def register_payments(app: Flask) -> None:
    from storefront.payments.factory import build_provider

    app.extensions["payment_provider"] = build_provider(
        app.config,
        get_session=lambda: db.session(),
        page_url=lambda session_id: url_for("payments.test_pay", session_id=session_id),
    )


def register_jobs(app: Flask) -> None:
    """Hand the jobs that services record (emails) to the task queue once they commit."""
    from storefront import jobs

    jobs.init_app(app)


def register_hooks(app: Flask) -> None:
    from storefront.web import logs, metrics, security
    from storefront.web.errors import refuse_nul_bytes

    logs.init_app(app)  # a request id first, for every later hook's log lines
    metrics.init_app(app)
    app.before_request(refuse_nul_bytes)
    security.init_app(app)


def register_blueprints(app: Flask) -> None:
    from storefront.web import (
        account,
        cart,
        checkout,
        health,
        impact,
        ledger,
        log,
        metrics,
        my,
        operator,
        orders,
        payments,
        questions,
        receipts,
        returns,
        reviews,
        seller,
        shop,
        trends,
        wishlist,
    )
    from storefront.web.helpers import IdConverter

    app.url_map.converters["id"] = IdConverter
    blueprints = (
        health,
        metrics,
        shop,
        cart,
        checkout,
        orders,
        returns,
        receipts,
        reviews,
        ledger,
        log,
        impact,
        trends,
        payments,
        account,
        questions,
        my,
        seller,
        operator,
        wishlist,
    )
    for module in blueprints:
        app.register_blueprint(module.bp)


def register_template_helpers(app: Flask) -> None:
    from storefront.web import helpers

    helpers.init_app(app)


def register_error_handlers(app: Flask) -> None:
    from storefront.web import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from storefront import cli

    cli.init_app(app)
