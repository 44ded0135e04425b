"""Small helpers the blueprints share: the provider, the rules, the cart in the session, the
folder of uploaded pictures."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, request, session

from storefront.domain.pricing import Quote
from storefront.extensions import db
from storefront.models import MatchingFund, utcnow
from storefront.payments import PaymentProvider
from storefront.services import funds, returns
from storefront.services.cart import Cart, CartLine
from storefront.services.checkout import ShopRules, quote_lines
from storefront.services.pagination import PageRequest


def page_request() -> PageRequest:
    """Where the requested page starts: ``after=`` or ``before=`` a cursor, or an old ``page=N``."""
    args = request.args
    return PageRequest(
        after=args.get("after", "")[:500],
        before=args.get("before", "")[:500],
        page=max(args.get("page", 1, type=int) or 1, 1),
    )


def cart_count() -> int:
    """How many items the session's cart holds (the badge in every page's header)."""
    return Cart.from_session(session.get("cart"), current_app.config["MAX_LINE_QUANTITY"]).count


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


def return_photos_root() -> Path:
    """Where the photos sent with return requests are kept: apart from /media, never public."""
    configured = current_app.config.get("RETURN_PHOTOS_ROOT") or ""
    return Path(configured) if configured else media_root().parent / "returns"


def return_rules() -> returns.Rules:
    config = current_app.config
    return returns.Rules(config["RETURN_WINDOW_DAYS"], config["RETURN_SHIPPING_FEE"])
