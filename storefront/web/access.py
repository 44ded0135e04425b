"""Which orders this browser may see: those it placed or looked up, or a link with the token."""

from __future__ import annotations

import hmac

from flask import session

from storefront.models import Order

MAX_REMEMBERED = 20


def remember(order: Order) -> None:
    numbers = [n for n in session.get("orders", []) if isinstance(n, str) and n != order.number]
    session["orders"] = [*numbers[-(MAX_REMEMBERED - 1) :], order.number]


def may_see(order: Order, token: str | None) -> bool:
    if token and hmac.compare_digest(token.encode(), order.access_token.encode()):
        return True
    return order.number in session.get("orders", [])
