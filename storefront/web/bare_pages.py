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
it); the request is counted in the metrics under the page's endpoint. What is not repeated is
what a cookie-less GET of a shop page never needs: sessions, sign-in, CSRF and rate limits
(these pages are exempt from them: ``UNLIMITED_READS``; with limits set for every request,
``RATELIMIT_DEFAULT``, no page is kept here). A request that ``web/counting.py`` counts (a
search with words, for /trends) is never kept either: each one must reach the counter.

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
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask, g, request, session
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
        or session.modified
        or session
        or "Set-Cookie" in response.headers
        or not response.is_sequence
        or g.get("counted")  # a search or view counted for /trends: each one must be
    ):
        return
    parts, token = parts_and_token
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _PER_ANSWER]
    body = response.get_data()
    entry = (request.endpoint or "", parts, token, headers, body)
    locale = str(g.get("bare_page_locale") or "")
    page_cache.store(key(request.environ, locale), entry)


class BarePages:
    """WSGI middleware: answer a cookie-less GET of a kept shared page from the cache."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.languages = tuple(app.config["LANGUAGES"])
        self.default = str(app.config["BABEL_DEFAULT_LOCALE"])

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
        endpoint, headers, body = found
        given = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = given if SANE_REQUEST_ID.fullmatch(given) else secrets.token_hex(16)
        start_response(
            "200 OK",
            [
                *headers,
                ("Content-Length", str(len(body))),
                (REQUEST_ID_HEADER, request_id),
            ],
        )
        metrics.count(endpoint, "GET", 200, time.perf_counter() - started)
        return [body]

    def _lookup(self, environ: Mapping[str, Any]) -> tuple[str, list[Any], bytes] | None:
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
            endpoint, parts, token, headers, body = entry
            current = ".".join(str(tokens[f"gen:{part}"]) for part in parts)
        except (TypeError, ValueError, KeyError):
            return None
        if token != current or any(tokens[f"gen:{part}"] is None for part in parts):
            return None
        return endpoint, headers, body
