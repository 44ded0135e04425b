"""Small helpers the blueprints share: the provider, the rules, the cart in the session."""

from __future__ import annotations

from flask import current_app, session

from storefront.payments import PaymentProvider
from storefront.services.cart import Cart
from storefront.services.checkout import ShopRules


def provider() -> PaymentProvider:
    return current_app.extensions["payment_provider"]


def shop_rules() -> ShopRules:
    return ShopRules.from_config(current_app.config)


def load_cart() -> Cart:
    return Cart.from_session(session.get("cart"))


def save_cart(cart: Cart) -> None:
    session["cart"] = cart.to_session()
