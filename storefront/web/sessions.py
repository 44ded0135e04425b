"""Flask's signed-cookie session, with its signing serializer built once per secret key, and
Flask-Login spared a request that cannot be signed in.

Flask builds a new ``URLSafeTimedSerializer`` on every request, to open the session and again
to save it; the shop's keys change only with the configuration, so the serializer is kept.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from storefront.extensions import login_manager


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._kept: tuple[object, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._kept
        if kept is None or kept[0] != keys:
            kept = self._kept = (keys, super().get_signing_serializer(app))
        return kept[1]


def visitor_without_sign_in() -> None:
    """Make a request that carries no sign-in a visitor at once: no user id in the session and
    no remember-me cookie, so there is no one Flask-Login could load.

    Flask-Login's ``strong`` session protection would otherwise find the session's missing
    ``_id`` (set only at sign-in) unequal to the client's hash on every request of a visitor
    with a session (a CSRF token, a cart): it empties its keys, marks the session changed and
    asks for the remember-me cookie to be deleted, so every such page re-signed and re-sent
    the whole session cookie and a deletion of a cookie the visitor does not have. Nothing
    could be signed out there: the session held no one."""
    if "_user_id" in session:
        return
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        return
    g._login_user = login_manager.anonymous_user()


def init_app(app: Flask) -> None:
    app.session_interface = KeptSerializerSessionInterface()
    app.before_request(visitor_without_sign_in)
