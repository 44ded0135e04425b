"""Choose the shopper's language: their explicit choice, else the browser's, else Korean.

Catalogues are parsed once per process and locale: Flask-Babel 4 keeps the shop's own in its
``Domain``; WTForms' messages (the "This field is required." of every form) Flask-WTF would
parse again on every request that builds a form, so ``share_form_translations`` hands it the
process's copy.
"""

from __future__ import annotations

from babel import support
from flask import Flask, current_app, request
from flask_babel import get_locale
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


def share_form_translations() -> None:
    """Put the process's WTForms catalogue where Flask-WTF looks first (``flask_wtf.i18n``
    keeps one on the request and loads it only when that attribute is missing)."""
    request.wtforms_translations = form_translations(str(get_locale()))  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    app.before_request(share_form_translations)
