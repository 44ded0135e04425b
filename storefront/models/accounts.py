"""People who sign in: shoppers, venture staff and operators, and which ventures staff belong to."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.models.base import Base, utcnow
from storefront.models.ventures import Venture

ROLES = ("owner", "staff")


def new_session_token() -> str:
    """32 random hex characters: a fresh part of every signed-in session's id."""
    return secrets.token_hex(16)


def new_reset_nonce() -> str:
    """32 random hex characters that every password-reset link must carry."""
    return secrets.token_hex(16)


class User(Base):
    """An account: a shopper's (optional: guests check out without one), venture staff's or an
    operator's."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Part of the signed-in session's id: changing it (on a password reset or a sign-out)
    # signs out every session and remember-me cookie of this account.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    # Carried by reset links and replaced whenever the password changes, which ends every
    # link issued before (so a used link cannot be used again).
    reset_nonce: Mapped[str] = mapped_column(String(32), default=new_reset_nonce)
    is_operator: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]
    # Set when the owner of the email followed the link mailed to it: only then are earlier
    # guest orders with that email theirs to see (services/shoppers.py).
    email_verified_at: Mapped[datetime | None]
    # Set when the shopper deleted the account: its personal data is gone (docs/accounts.md).
    deleted_at: Mapped[datetime | None]

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", lazy="selectin")

    # Flask-Login's user protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


class Membership(Base):
    """A user's place in a venture: its owner, or staff the owner invited."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("user_id", "venture_id"),
        CheckConstraint("role IN ('owner', 'staff')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="staff")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    venture: Mapped[Venture] = relationship(lazy="joined")
