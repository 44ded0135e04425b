"""Template filters and globals: money, rates, dates and the shop's vocabularies, localised."""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, numbers
from babel.support import NullTranslations
from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    get_locale,
    get_timezone,
    get_translations,
)
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from werkzeug.routing import IntegerConverter, Map

from storefront.domain.money import format_rate_bp, to_decimal
from storefront.web.guards import owns
from storefront.web.rich_text import render_markdown, stored_html

CATEGORY_LABELS = {
    "food": _l("Food"),
    "living": _l("Living"),
    "fashion": _l("Fashion"),
    "stationery": _l("Stationery"),
    "beauty": _l("Beauty"),
    "kids": _l("Kids"),
}
MISSION_LABELS = {
    "disability": _l("Jobs for people with disabilities"),
    "career_break_women": _l("Jobs for women returning to work"),
    "seniors": _l("Jobs for older people"),
    "youth": _l("Young people leaving care"),
    "defectors": _l("North Korean defectors"),
    "environment": _l("Environment"),
    "local": _l("Local communities"),
}
SORT_LABELS = {
    "relevance": _l("Best match"),
    "newest": _l("Newest"),
    "price_asc": _l("Price: low to high"),
    "price_desc": _l("Price: high to low"),
    "popular": _l("Most popular"),
}
VULNERABLE_GROUP_LABELS = {
    "disability": _l("People with disabilities"),
    "career_break_women": _l("Women returning after a career break"),
    "elderly": _l("Older people"),
    "other": _l("Other vulnerable groups"),
}
GRAIN_LABELS = {"day": _l("Daily"), "week": _l("Weekly"), "month": _l("Monthly")}
LEDGER_KIND_LABELS = {
    "donation": _l("Venture's donation"),
    "match": _l("Sponsor fund's match"),
    "donation_reversal": _l("Donation reversed (refund)"),
    "match_reversal": _l("Match reversed (refund)"),
    "gift": _l("Shopper's gift"),
    "gift_reversal": _l("Gift reversed (refund)"),
}
REFUND_REASON_LABELS = {
    "line_cancelled": _l("Line cancelled by the venture"),
    "out_of_stock": _l("Sold out before the payment arrived"),
    "operator": _l("Refunded by the shop"),
    "external": _l("Refunded outside the shop"),
    "return": _l("Returned by the shopper"),
}
LINE_STATUS_LABELS = {
    "new": _l("Waiting for payment"),
    "paid": _l("Paid"),
    "preparing": _l("Preparing"),
    "shipped": _l("Shipped"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled and refunded"),
    "returned": _l("Returned and refunded"),
    "exchanged": _l("Exchanged"),
}
RETURN_KIND_LABELS = {"return": _l("Return"), "exchange": _l("Exchange")}
RETURN_REASON_LABELS = {
    "damaged": _l("Arrived damaged or faulty"),
    "wrong_item": _l("A different item arrived"),
    "not_as_described": _l("Not as described"),
    "changed_mind": _l("Changed my mind"),
    "ordered_by_mistake": _l("Ordered by mistake"),
}
RETURN_STEP_LABELS = {
    "requested": _l("Requested"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "received": _l("Item received by the venture"),
    "refunded": _l("Refunded"),
    "reshipped": _l("New item shipped"),
}
CARRIER_LABELS = {
    "cj": _l("CJ Logistics"),
    "epost": _l("Korea Post"),
    "hanjin": _l("Hanjin"),
    "lotte": _l("Lotte Global Logistics"),
    "logen": _l("Logen"),
    "kdexp": _l("Kyungdong Express"),
    "other": _l("Other carrier"),
}
LISTING_STATUS_LABELS = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "archived": _l("Archived"),
}
VENTURE_STATUS_LABELS = {
    "pending": _l("Waiting for review"),
    "approved": _l("Approved"),
    "rejected": _l("Not approved"),
}
STATUS_LABELS = {
    "pending_payment": _l("Waiting for payment"),
    "awaiting_payment": _l("Payment on its way"),
    "paid": _l("Paid"),
    "payment_failed": _l("Payment failed"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Expired (not paid in time)"),
    "refunded": _l("Refunded"),
}


# Babel's formatting is most of the cost of a page of amounts and dates (a ledger page formats
# about 200 amounts), and a page shows the same values again and again: each distinct value is
# formatted once per process, locale and time zone, then taken from these caches.
FORMATTED_VALUES = 8192  # per cache; a few hundred kilobytes at most


@lru_cache(maxsize=FORMATTED_VALUES)
def _money_text(amount: int, currency: str, locale: str) -> str:
    return str(numbers.format_currency(to_decimal(amount, currency), currency, locale=locale))


def money(amount: int, currency: str = "KRW") -> str:
    """Format minor units for the shopper's locale: 15000 KRW -> ₩15,000."""
    locale = get_locale()
    if locale is None:  # outside a request: Babel's default locale
        return str(format_currency(to_decimal(amount, currency), currency))
    return _money_text(amount, currency, str(locale))


@pass_context
def money_filter(context: Context, amount: int, currency: str = "KRW") -> str:
    """``money`` for templates, in the locale the render started with (``shop_globals``)."""
    locale = context.get("babel_locale")
    if locale is None:
        return money(amount, currency)
    return _money_text(amount, currency, context["current_locale"])


def rate(rate_bp: int) -> str:
    return format_rate_bp(rate_bp) + "%"


# Flask-Babel's formatters read the request's locale and time zone: both are in the key.
@lru_cache(maxsize=FORMATTED_VALUES)
def _datetime_text(value: datetime, fmt: str, _locale: Locale, _zone: tzinfo) -> str:
    return str(format_datetime(value, fmt))


@lru_cache(maxsize=FORMATTED_VALUES)
def _date_text(value: datetime, _locale: Locale, _zone: tzinfo) -> str:
    return str(format_date(value, "medium"))


def _locale_and_zone(context: Context) -> tuple[Locale | None, tzinfo | None]:
    locale, zone = context.get("babel_locale"), context.get("babel_timezone")
    if locale is None or zone is None:  # a render without shop_globals
        return get_locale(), get_timezone()
    return locale, zone


def when(value: datetime | None, fmt: str = "medium") -> str:
    return _when_in(get_locale(), get_timezone(), value, fmt)


def day(value: datetime | None) -> str:
    return _day_in(get_locale(), get_timezone(), value)


@pass_context
def when_filter(context: Context, value: datetime | None, fmt: str = "medium") -> str:
    return _when_in(*_locale_and_zone(context), value, fmt)


@pass_context
def day_filter(context: Context, value: datetime | None) -> str:
    return _day_in(*_locale_and_zone(context), value)


def _when_in(locale: Locale | None, zone: tzinfo | None, value: datetime | None, fmt: str) -> str:
    if value is None:
        return ""
    if locale is None or zone is None:
        return str(format_datetime(value, fmt))
    return _datetime_text(value, fmt, locale, zone)


def _day_in(locale: Locale | None, zone: tzinfo | None, value: datetime | None) -> str:
    if value is None:
        return ""
    if locale is None or zone is None:
        return str(format_date(value, "medium"))
    return _date_text(value, locale, zone)


# Links in templates: a page builds the same links on every render (a ledger page about 90),
# and werkzeug's URL building is a tenth of such a page. A link without options (``_external``,
# ``_anchor``...) depends only on the endpoint, its values and the script root, so each is
# built once per process; anything else goes to Flask's url_for as before.
@lru_cache(maxsize=FORMATTED_VALUES)
def _link(_script_root: str, endpoint: str, values: tuple[tuple[str, Any], ...]) -> str:
    return url_for(endpoint, **dict(values))


# url_for's options: a link with one of them (``_external`` depends on the request's host)
# is built by url_for each time.
URL_OPTIONS = frozenset({"_external", "_anchor", "_method", "_scheme"})


@pass_context
def link(context: Context, endpoint: str, **values: Any) -> str:
    """``url_for`` for templates, each distinct relative link built once per process. The
    script root comes from the render's context (``shop_globals``): reading it from
    ``request`` (a context-local proxy) cost more than the cached link itself."""
    if endpoint[0] == "." or not URL_OPTIONS.isdisjoint(values):
        return url_for(endpoint, **values)
    script_root = context.get("script_root")
    if script_root is None:  # a render without shop_globals, or a macro without context
        if not has_request_context():
            return url_for(endpoint, **values)
        script_root = request.script_root
    try:
        return _link(script_root, endpoint, tuple(values.items()))
    except TypeError:  # a value that cannot be a key (a list of values for one argument)
        return url_for(endpoint, **values)


# The shell's parts that are the same on every page in a language (templates/shell/: the
# stylesheet and script, the main links, a visitor's account links, the footer) hold about
# thirty of the fifty translations and links a page's shell makes; each is rendered once per
# process, catalogue and script root, then taken from here. Nothing in them comes from the
# database or the request's session.
SHELL_PARTS = frozenset({"assets", "main_links", "visitor_links", "footer"})


@lru_cache(maxsize=64)
def _shell_part(name: str, catalogue: NullTranslations, locale: str, _script_root: str) -> Markup:
    template = current_app.jinja_env.get_template(f"shell/{name}.html")
    # Markup: rendered by our template with autoescape, as an include would be.
    return Markup(template.render(babel_translations=catalogue, current_locale=locale))  # noqa: S704


@pass_context
def fixed_part(context: Context, name: str) -> Markup:
    """``templates/shell/<name>.html`` as an include would render it, kept for the process."""
    if name not in SHELL_PARTS:
        raise ValueError(f"not a fixed part of the shell: {name}")
    catalogue = context.get("babel_translations")
    if catalogue is None or current_app.jinja_env.auto_reload:
        # A render without shop_globals, or templates being edited (debug): render it now.
        template = current_app.jinja_env.get_template(f"shell/{name}.html")
        return Markup(template.render(context.get_all()))  # noqa: S704
    return _shell_part(name, catalogue, context["current_locale"], context["script_root"])


def label_sets() -> dict[str, dict[str, Any]]:
    return dict(
        CATEGORY_LABELS=CATEGORY_LABELS,
        MISSION_LABELS=MISSION_LABELS,
        SORT_LABELS=SORT_LABELS,
        STATUS_LABELS=STATUS_LABELS,
        REFUND_REASON_LABELS=REFUND_REASON_LABELS,
        VENTURE_STATUS_LABELS=VENTURE_STATUS_LABELS,
        LISTING_STATUS_LABELS=LISTING_STATUS_LABELS,
        LINE_STATUS_LABELS=LINE_STATUS_LABELS,
        LEDGER_KIND_LABELS=LEDGER_KIND_LABELS,
        GRAIN_LABELS=GRAIN_LABELS,
        VULNERABLE_GROUP_LABELS=VULNERABLE_GROUP_LABELS,
        CARRIER_LABELS=CARRIER_LABELS,
        RETURN_KIND_LABELS=RETURN_KIND_LABELS,
        RETURN_REASON_LABELS=RETURN_REASON_LABELS,
        RETURN_STEP_LABELS=RETURN_STEP_LABELS,
    )


@lru_cache(maxsize=8)
def _translated_labels(_locale: Locale) -> dict[str, dict[str, Markup]]:
    # Called while get_locale() is ``_locale``. Markup, as a lazy string renders: unescaped.
    return {
        name: {key: Markup(str(text)) for key, text in labels.items()}  # noqa: S704
        for name, labels in label_sets().items()
    }


def phone(number: str) -> str:
    """Write a Korean phone number the usual way: 010-1234-5678, 02-555-1234, 031-123-4567."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if not digits.startswith("0") or not 9 <= len(digits) <= 11:
        return number
    area = 2 if digits.startswith("02") else 3
    rest = digits[area:]
    split = len(rest) - 4
    return f"{digits[:area]}-{rest[:split]}-{rest[split:]}"


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Return ``target`` if it is a path on this site, else ``fallback`` (no open redirects)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    # Browsers read a backslash as a slash ("/" then a backslash then "evil.example" leads to
    # evil.example); no path of ours has a backslash or a control character.
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return fallback
    return target


def link_args(*dropped: str) -> dict[str, Any]:
    """This page's path and query arguments, to build a link to another page of the same
    list: without ``dropped``, without ``endpoint`` and ``_``-prefixed names (``url_for``'s
    own: ``?_external=1`` must not change a link, ``?endpoint=x`` must not break it), and with
    the path's arguments winning over a query argument of the same name."""
    args = {
        key: value
        for key, value in request.args.items()
        if key not in dropped and key != "endpoint" and not key.startswith("_")
    }
    args.update(request.view_args or {})
    return args


class IdConverter(IntegerConverter):
    """A database id in a URL: 1 to 2**31 - 1, anything else is simply not found."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        money=money_filter,
        rate=rate,
        when=when_filter,
        day=day_filter,
        markdown=render_markdown,
        stored_html=stored_html,
        phone=phone,
    )
    app.jinja_env.globals.update(
        label_sets(), owns=owns, url_for=link, link_args=link_args, fixed_part=fixed_part
    )

    # What shop_globals gives every render that is the same for every request in a language,
    # by locale: asking Flask-Babel for the catalogue (and the labels' cache for them) costs
    # more than the lookup here. Per app: the payment provider and catalogues are the app's.
    by_locale: dict[Locale, dict[str, Any]] = {}

    @app.context_processor
    def shop_globals() -> dict[str, Any]:
        locale = get_locale()
        fixed = by_locale.get(locale) if locale is not None else None
        if fixed is None:
            fixed = _locale_globals(locale)
            if locale is not None:
                by_locale[locale] = fixed
        return {
            **fixed,
            # read by the filters and gettext of this render instead of asking Flask-Babel
            # for the request's time zone on each of hundreds of calls
            "babel_timezone": get_timezone(),
            "here": request.full_path.rstrip("?") if request else "/",
            "script_root": request.script_root if request else None,  # for link()
        }


def _locale_globals(locale: Locale | None) -> dict[str, Any]:
    """The render globals that depend only on the app and ``locale`` (the current one)."""
    labels = _translated_labels(locale) if locale is not None else {}
    return {
        **labels,  # each label translated once per process and locale, not on each use
        "current_locale": str(locale or "ko"),
        # read by the filters and gettext of a render instead of asking Flask-Babel for the
        # request's locale and catalogue on each of hundreds of calls
        "babel_locale": locale,
        "babel_translations": get_translations(),
        "test_mode": current_app.extensions["payment_provider"].name == "test",
    }
