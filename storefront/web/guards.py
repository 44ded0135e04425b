"""Who may see what, checked on the server for every seller and operator route."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort, g
from flask_login import current_user, login_required
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Membership, User

F = TypeVar("F", bound=Callable[..., Any])


def signed_in_user() -> User:
    return cast(User, current_user._get_current_object())


def operator_required(view: F) -> F:
    """Only operators; anyone else signed in gets a 404, as if the page were not there."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not signed_in_user().is_operator:
            abort(404)
        return view(*args, **kwargs)

    return cast(F, login_required(wrapped))


def membership_or_404(venture_id: int, *, owner: bool = False) -> Membership:
    """The signed-in user's membership of this venture; a 404 for ventures that are not theirs."""
    stmt = select(Membership).where(
        Membership.venture_id == venture_id, Membership.user_id == signed_in_user().id
    )
    if owner:
        stmt = stmt.where(Membership.role == "owner")
    membership = db.session.scalar(stmt)
    if membership is None:
        abort(404)
    g.seller_membership = membership  # the seller menu reads it; no second query
    return membership


def owns(venture_id: int) -> bool:
    """Whether the signed-in user owns this venture (for showing owner-only links).

    Every seller page has already checked the membership with ``membership_or_404``.
    """
    membership = g.get("seller_membership")
    return (
        membership is not None
        and membership.venture_id == venture_id
        and membership.role == "owner"
    )
