"""Choose the shopper's language: their explicit choice, else the browser's, else Korean.

Catalogues are parsed once per process and locale: Flask-Babel 4 keeps the shop's own in its
``Domain``; WTForms' messages (the "This field is required." of every form) Flask-WTF would
parse again on every request that builds a form, so ``ShopRequest`` hands it the process's
copy.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import Any

from babel import support
from flask import Flask, Request, current_app, request
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from wtforms.i18n import messages_path

LANG_COOKIE = "lang"
_form_catalogues: dict[str, support.Translations] = {}


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def form_translations(locale: str) -> support.Translations:
    """WTForms' own messages in ``locale``, parsed on first use and kept for the process."""
    catalogue = _form_catalogues.get(locale)
    if catalogue is None:
        loaded = support.Translations.load(messages_path(), [locale], domain="wtforms")
        catalogue = _form_catalogues.setdefault(locale, loaded)  # type: ignore[arg-type]
    return catalogue


class ShopRequest(Request):
    """Flask's request, with the process's WTForms catalogue where Flask-WTF looks first
    (``flask_wtf.i18n`` keeps one on the request and loads it only when that attribute is
    missing). Looked up when a form first translates a message rather than before every
    request: most requests (a probe, a redirect, a page without a form error) never do."""

    @cached_property
    def wtforms_translations(self) -> support.Translations:
        return form_translations(str(get_locale()))


def _translations(context: Context) -> support.NullTranslations:
    """The catalogue the render started with (``shop_globals``), else Flask-Babel's."""
    found = context.get("babel_translations")
    return found if found is not None else get_translations()


@pass_context
def _gettext(context: Context, string: str) -> str:
    return _translations(context).ugettext(string)


# A page's shell alone says about 25 fixed strings ("Search", "Cart", the footer's links), the
# same on every render: each is translated, made Markup and formatted once per catalogue.
@lru_cache(maxsize=4096)
def _fixed_text(catalogue: support.NullTranslations, string: str) -> Markup:
    return Markup(catalogue.ugettext(string)) % {}  # noqa: S704 - as Jinja's gettext does


@pass_context
def template_gettext(context: Context, string: str, **variables: Any) -> str:
    """``_()`` and ``gettext()`` in templates: Jinja's newstyle gettext (the translation made
    Markup under autoescape, then formatted with ``variables``: ``%%`` is a percent sign)
    in one call instead of three, and a string without variables taken from ``_fixed_text``."""
    catalogue = _translations(context)
    if context.eval_ctx.autoescape:
        if not variables:
            return _fixed_text(catalogue, string)
        return Markup(catalogue.ugettext(string)) % variables  # noqa: S704
    return catalogue.ugettext(string) % variables


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _translations(context).ungettext(singular, plural, n)


@pass_context
def _pgettext(context: Context, msgctxt: str, string: str) -> str:
    return _translations(context).upgettext(msgctxt, string)


@pass_context
def _npgettext(context: Context, msgctxt: str, singular: str, plural: str, n: int) -> str:
    return _translations(context).unpgettext(msgctxt, singular, plural, n)


def init_app(app: Flask) -> None:
    app.request_class = ShopRequest
    # Templates translate with the catalogue in their context: Flask-Babel's own callables
    # look the request's locale and catalogue up again on each of a page's ~100 strings.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext,
        ngettext=_ngettext,
        newstyle=True,
        pgettext=_pgettext,
        npgettext=_npgettext,
    )
    app.jinja_env.globals.update(gettext=template_gettext, _=template_gettext)
