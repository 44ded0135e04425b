"""Small helpers the blueprints share: the provider, the rules, the cart in the session, the
folder of uploaded pictures."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from flask import current_app, request, session
from sqlalchemy.exc import SQLAlchemyError

from storefront.domain.pricing import Quote
from storefront.extensions import db
from storefront.models import MatchingFund, utcnow
from storefront.payments import PaymentProvider
from storefront.services import funds
from storefront.services.cart import Cart, CartLine
from storefront.services.checkout import ShopRules, quote_lines
from storefront.services.holds import expire_holds

log = logging.getLogger(__name__)


def provider() -> PaymentProvider:
    return current_app.extensions["payment_provider"]


def media_root() -> Path:
    """Where uploaded pictures (products, cause logos) are kept."""
    return Path(current_app.config["MEDIA_ROOT"])


def shop_rules() -> ShopRules:
    return ShopRules.from_config(current_app.config)


def quote_with_funds(lines: list[CartLine]) -> tuple[Quote, dict[int, MatchingFund]]:
    """Price cart lines as checkout would now, with the funds that would match them."""
    rules = shop_rules()
    now = utcnow()
    open_funds = funds.open_funds(db.session(), now, rules.currency)
    quote = quote_lines(lines, rules, [funds.terms(f) for f in open_funds], now)
    used = {line.fund_id for line in quote.lines}
    return quote, {f.id: f for f in open_funds if f.id in used}


def load_cart() -> Cart:
    return Cart.from_session(session.get("cart"), shop_rules().max_quantity)


def save_cart(cart: Cart) -> None:
    session["cart"] = cart.to_session()


PROBES = {"health", "metrics"}  # blueprints whose requests never touch the database here
_sweep_lock = threading.Lock()
_last_sweep = [float("-inf")]


SWEEP_BATCH = 20  # orders settled per request-time sweep: each may be a call to the provider


def sweep_lapsed_holds() -> None:
    """Settle unpaid orders past their hold, at most once per interval; redeliver the test
    provider's unacknowledged events.

    Runs in the request that happens to come first after the interval, so a shop without a
    cron job still frees held stock; ``flask orders expire-holds`` and ``flask payments
    redeliver`` do the same from cron or the job queue.
    """
    # web.payments imports this module, so its redelivery is imported here, when first used.
    from storefront.web.payments import redeliver

    interval = current_app.config["HOLD_SWEEP_SECONDS"]
    if interval is None or request.blueprint in PROBES:
        return
    now = time.monotonic()
    with _sweep_lock:
        if now - _last_sweep[0] < interval:
            return
        _last_sweep[0] = now
    try:
        redeliver(utcnow(), limit=SWEEP_BATCH)
        expire_holds(db.session(), provider(), utcnow(), limit=SWEEP_BATCH)
        db.session.commit()
    except SQLAlchemyError:  # the next sweep tries again; the page must not fail for it
        db.session.rollback()
        log.exception("settling lapsed holds failed")
