"""Whole pages for a visitor who sends no cookie, answered before Flask sees the request.

A first visit, a crawler or a shopper who has not yet put anything in the cart sends no
cookie at all. For them a shared page (``page_cache.cached_page``) is the same bytes for
everyone who asks in the same language for the same URL, until the data under it changes:
no session, no cart, no account, no form token. When Flask answers such a request with such a
page, ``remember`` keeps the response (status, headers, body) in the page cache beside the
generation tokens it was rendered under; the next such request is answered here, by the WSGI
layer, with one cache round trip (the response and the current tokens in one ``get_many``)
and without a request context, routing, hooks or templates. That is most of the cost of a
cached page (docs/performance.md, "A page cache hit without Flask").

What Flask would have done around the page is done here too, or it was done when the page was
kept: the response's headers (security headers, ``Cache-Control``, ``Vary``, ``ETag``) are
kept with it; the request id is taken or made and sent back (gunicorn's access line reads
it); the request is counted in the metrics under the page's endpoint, and a search or product
view that ``web/counting.py`` counted for /trends when the page was kept is counted again
(``counting.recount``). What is not repeated is what a cookie-less GET of a shop page never
needs: sign-in and rate limits (these pages are exempt from them: ``UNLIMITED_READS``; with
limits set for every request, ``RATELIMIT_DEFAULT``, no page is kept here).

A page with a form (the product page's add-to-cart) carries a CSRF token, which Flask-WTF
makes for each new session: its raw half goes into the new session cookie, its signed half
into the page. Such a page is kept with the token's place left as a slot and with the session
cookie's attributes as Flask set them, and each answer here makes what Flask-WTF and Flask's
signed-cookie session would have made for a new visitor: a fresh random token, signed with
the same keys and salts, in the page and in a new ``Set-Cookie`` (and the page's ``ETag`` over
the bytes sent). A page is kept so only when the token is the only thing its session holds and
the session is not permanent (so the cookie's attributes are the same for every answer).

The key holds everything the answer depends on: the scheme and ``Host`` as the app saw them,
the path and query string as sent, and the language chosen from ``Accept-Language``. A
request Flask would refuse (an untrusted host, a NUL byte) was never answered with a page, so
it finds nothing here and goes on to Flask, which refuses it again. A stale page is never
served: a kept response is used only while every part it shows still has the token it was
rendered under (``page_cache.bump`` gives a part a new one when a transaction changes it).
Anything unexpected (the cache down, an entry of another shape) sends the request to Flask.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header
from werkzeug.wrappers import Response

from storefront.web import metrics
from storefront.web.logs import REQUEST_ID_HEADER, SANE_REQUEST_ID

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# Request headers that change the answer Flask gives (a 304, a 206, a cookie's session).
_DIFFERENT = (
    "HTTP_COOKIE",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_RANGE",
    "HTTP_AUTHORIZATION",
)
# Headers of the kept response that belong to one answer, not to the page.
_PER_ANSWER = frozenset({"content-length", "set-cookie", REQUEST_ID_HEADER.lower(), "date"})
# Where a kept page's form token goes (``page_cache.CSRF_SLOT`` renders it); a token is
# URL-safe base64 and dots.
FORM_TOKEN_SLOT = b"<csrf-slot>"
_COOKIE_VALUE = re.compile(r"[A-Za-z0-9_.-]+")


def is_bare(environ: Mapping[str, Any]) -> bool:
    """Whether this is a GET with nothing that could make its answer differ from another's."""
    return environ.get("REQUEST_METHOD") == "GET" and not any(h in environ for h in _DIFFERENT)


def language(environ: Mapping[str, Any], languages: Iterable[str], default: str) -> str:
    """The language ``i18n.select_locale`` picks for a request without the ``lang`` cookie."""
    accept = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
    return accept.best_match(list(languages)) or default


def key(environ: Mapping[str, Any], locale: str) -> str:
    where = "|".join(
        (
            str(environ.get("wsgi.url_scheme", "")),
            str(environ.get("HTTP_HOST", "")).lower(),
            str(environ.get("SCRIPT_NAME", "")),
            str(environ.get("PATH_INFO", "")),
            str(environ.get("QUERY_STRING", "")),
        )
    )
    return f"bare:{locale}:{hashlib.sha256(where.encode('utf-8', 'surrogateescape')).hexdigest()}"


def remember(response: Response, parts_and_token: tuple[tuple[str, ...], str]) -> None:
    """Keep ``response`` for the next cookie-less request of the same page (called by the
    page cache's after-request hook with the parts and token the page was rendered under)."""
    from storefront import unlimited_read
    from storefront.web import page_cache

    if (
        response.status_code != 200
        or not unlimited_read()  # rate limits count this page: each request must reach them
        or not is_bare(request.environ)
        or not response.is_sequence
    ):
        return
    body = response.get_data()
    cookie_tail = None
    if session or session.modified or "Set-Cookie" in response.headers:
        kept = _with_form_token_slot(response, body)
        if kept is None:
            return
        body, cookie_tail = kept
    skip = _PER_ANSWER | ({"etag"} if cookie_tail is not None else set())
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in skip]
    parts, token = parts_and_token
    entry = (request.endpoint or "", parts, token, headers, body, g.get("counted"), cookie_tail)
    locale = str(g.get("bare_page_locale") or "")
    page_cache.store(key(request.environ, locale), entry)


def _with_form_token_slot(response: Response, body: bytes) -> tuple[bytes, str] | None:
    """The page with this session's form token put back into its slot, and the attributes of
    the session cookie Flask will set; None unless the new session holds that token alone."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    interface = app.session_interface
    field = str(app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    signed = g.get(field)
    if (
        not isinstance(interface, SecureCookieSessionInterface)
        or set(session) != {field}
        or session.permanent
        or not isinstance(signed, str)
        or "Set-Cookie" in response.headers  # a cookie of its own besides the session's
    ):
        return None
    # The cookie Flask sets after this hook, set here on a throwaway response to read it.
    probe = Response()
    interface.save_session(app, session, probe)  # type: ignore[arg-type]
    cookies = probe.headers.getlist("Set-Cookie")
    name = interface.get_cookie_name(app)
    if len(cookies) != 1 or not cookies[0].startswith(f"{name}="):
        return None
    value, _, tail = cookies[0][len(name) + 1 :].partition(";")
    kept = body.replace(signed.encode(), FORM_TOKEN_SLOT)
    if not _COOKIE_VALUE.fullmatch(value) or FORM_TOKEN_SLOT not in kept:
        return None
    return kept, f";{tail}" if tail else ""


class BarePages:
    """WSGI middleware: answer a cookie-less GET of a kept shared page from the cache."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.languages = tuple(app.config["LANGUAGES"])
        self.default = str(app.config["BABEL_DEFAULT_LOCALE"])
        self._signers: tuple[Any, URLSafeTimedSerializer, URLSafeTimedSerializer, str] | None = None

    def _backend(self) -> Any:
        from storefront.extensions import cache

        return self.app.extensions["cache"][cache]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not is_bare(environ):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        found = self._lookup(environ)
        if found is None:
            return self.wsgi_app(environ, start_response)
        endpoint, headers, body, counted, cookie_tail = found
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if SANE_REQUEST_ID.fullmatch(given) else secrets.token_hex(16)
        extra = []
        if cookie_tail is not None:
            token, cookie = self._new_form_token()
            body = body.replace(FORM_TOKEN_SLOT, token.encode())
            extra = [
                ("Set-Cookie", f"{cookie}{cookie_tail}"),
                # werkzeug's add_etag: a SHA-1 of the body names a version, it guards nothing
                ("ETag", f'"{hashlib.sha1(body, usedforsecurity=False).hexdigest()}"'),
            ]
        start_response(
            "200 OK",
            [
                *headers,
                *extra,
                ("Content-Length", str(len(body))),
                (REQUEST_ID_HEADER, request_id),
            ],
        )
        if counted is not None:
            from storefront.web import counting

            counting.recount(self.app, counted, str(environ.get("REMOTE_ADDR") or ""))
        metrics.count(endpoint, "GET", 200, time.perf_counter() - started)
        return [body]

    def _new_form_token(self) -> tuple[str, str]:
        """A new visitor's signed CSRF token and session cookie (``name=value``), as
        Flask-WTF's ``generate_csrf`` and Flask's signed-cookie session make them."""
        app = self.app
        config = app.config
        secret = config.get("WTF_CSRF_SECRET_KEY", app.secret_key)
        keys = (secret, app.secret_key, tuple(config.get("SECRET_KEY_FALLBACKS") or ()))
        if self._signers is None or self._signers[0] != keys:
            interface = app.session_interface
            assert isinstance(interface, SecureCookieSessionInterface)  # checked when kept
            session_signer = interface.get_signing_serializer(app)
            assert secret is not None and session_signer is not None  # both need a key
            self._signers = (
                keys,
                URLSafeTimedSerializer(secret, salt="wtf-csrf-token"),
                session_signer,
                interface.get_cookie_name(app),
            )
        _, form_signer, session_signer, name = self._signers
        # As generate_csrf makes it: the 64 random bytes are the secret, SHA-1 only shapes them.
        raw = hashlib.sha1(os.urandom(64), usedforsecurity=False).hexdigest()
        field = str(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        return str(form_signer.dumps(raw)), f"{name}={session_signer.dumps({field: raw})}"

    def _lookup(
        self, environ: Mapping[str, Any]
    ) -> tuple[str, list[Any], bytes, Any, str | None] | None:
        from storefront.web import page_cache

        if not page_cache.enabled_for(self.app):
            return None
        page_key = key(environ, language(environ, self.languages, self.default))
        names = page_cache.generation_keys()
        try:
            values = self._backend().get_many(page_key, *names)
        except Exception:
            return None  # Flask's path notes the failure and renders from the database
        entry = values[0]
        tokens = dict(zip(names, values[1:], strict=True))
        try:
            endpoint, parts, token, headers, body, counted, cookie_tail = entry
            current = ".".join(str(tokens[f"gen:{part}"]) for part in parts)
        except (TypeError, ValueError, KeyError):
            return None
        if token != current or any(tokens[f"gen:{part}"] is None for part in parts):
            return None
        return endpoint, headers, body, counted, cookie_tail
