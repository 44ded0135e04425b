"""Sign up, sign in, and reset a forgotten password with an emailed, expiring, one-use link."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from storefront.domain.accounts import normalise_email, password_problem
from storefront.domain.errors import AccountRefused, BadResetLink
from storefront.models import User
from storefront.models.accounts import new_reset_nonce, new_session_token

HASH_METHOD = "scrypt"  # Werkzeug's scrypt: salted, memory-hard
RESET_SALT = "sangsaeng-password-reset"
RESET_MAX_AGE_SECONDS = 3600
# Checked against when the email is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password", method=HASH_METHOD)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def _check_strength(password: str, email: str) -> None:
    problem = password_problem(password, email)
    if problem == "too_short":
        raise AccountRefused("account.password_too_short", field="password")
    if problem:
        raise AccountRefused("account.password_too_guessable", field="password")


def find_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == normalise_email(email)))


def sign_up(db: Session, email: str, name: str, password: str) -> User:
    """Create an account; refuse a weak password or an email that has one already."""
    email = normalise_email(email)
    _check_strength(password, email)
    if find_by_email(db, email) is not None:
        raise AccountRefused("account.email_taken", field="email")
    user = User(email=email, name=name.strip(), password_hash=hash_password(password))
    db.add(user)
    db.flush()
    return user


def authenticate(db: Session, email: str, password: str, now: datetime) -> User | None:
    """Return the active user with this email and password, else None (never saying which)."""
    user = find_by_email(db, email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_sign_in_at = now
    return user


def end_sessions(user: User) -> None:
    """Sign the account out everywhere: every session and remember-me cookie issued so far,
    copied or not, stops working (the user's other browsers sign in again)."""
    user.session_token = new_session_token()


@dataclass(frozen=True)
class ResetTokens:
    """Reset links signed with the app's secret; each carries the account's random reset
    nonce (nothing of the password hash), which every password change replaces, so using a
    link makes it, and every older link, invalid."""

    secret_key: str
    max_age: int = RESET_MAX_AGE_SECONDS

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=RESET_SALT)

    def issue(self, user: User) -> str:
        return self._serializer().dumps({"u": user.id, "n": user.reset_nonce})

    def user_for(self, db: Session, token: str) -> User:
        try:
            data = self._serializer().loads(token, max_age=self.max_age)
        except (SignatureExpired, BadSignature) as exc:
            raise BadResetLink() from exc
        if not isinstance(data, dict) or type(data.get("u")) is not int:
            raise BadResetLink()
        user = db.get(User, data["u"])
        nonce = data.get("n")
        if user is None or not user.active or not isinstance(nonce, str):
            raise BadResetLink()
        if not secrets.compare_digest(nonce.encode(), user.reset_nonce.encode()):
            raise BadResetLink()
        return user


def reset_password(db: Session, tokens: ResetTokens, token: str, password: str) -> User:
    """Set a new password from a reset link; the link cannot be used again."""
    user = tokens.user_for(db, token)
    _check_strength(password, user.email)
    user.password_hash = hash_password(password)
    user.reset_nonce = new_reset_nonce()  # this link and every older one stop working
    end_sessions(user)  # every other session is signed out
    return user
