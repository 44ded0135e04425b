"""Which orders this browser may see: those it placed or looked up, a link with the token, or
the signed-in account's own orders."""

from __future__ import annotations

import hmac

from flask import abort, session
from flask_login import current_user
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Order

MAX_REMEMBERED = 20


def remember(order: Order) -> None:
    numbers = [n for n in session.get("orders", []) if isinstance(n, str) and n != order.number]
    session["orders"] = [*numbers[-(MAX_REMEMBERED - 1) :], order.number]


def owns(order: Order) -> bool:
    """Whether the signed-in account is the order's owner (never a guest's order)."""
    return (
        order.user_id is not None
        and current_user.is_authenticated
        and order.user_id == current_user.id
    )


def may_see(order: Order, token: str | None) -> bool:
    if token and hmac.compare_digest(token.encode(), order.access_token.encode()):
        return True
    return order.number in session.get("orders", []) or owns(order)


def order_or_404(number: str, token: str | None, *, token_required: bool = False) -> Order:
    """Return the order if this request may see it; anyone else gets a 404, not a hint."""
    order = db.session.scalar(select(Order).where(Order.number == number[:20]))
    if order is None:
        abort(404)
    allowed = (
        bool(token) and hmac.compare_digest((token or "").encode(), order.access_token.encode())
        if token_required
        else may_see(order, token)
    )
    if not allowed:
        abort(404)
    return order


def remembered_orders(statuses: tuple[str, ...] | None = None) -> list[Order]:
    """Orders this browser placed or looked up, newest first (one query)."""
    numbers = [n for n in session.get("orders", []) if isinstance(n, str)]
    if not numbers:
        return []
    stmt = select(Order).where(Order.number.in_(numbers)).order_by(Order.id.desc())
    if statuses:
        stmt = stmt.where(Order.status.in_(statuses))
    return list(db.session.scalars(stmt))
