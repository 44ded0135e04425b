"""Choose and build the payment provider from the app's settings."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from storefront.payments.base import PaymentProvider
from storefront.payments.stripe_provider import StripeProvider
from storefront.payments.test_provider import TestProvider, refuse_live_keys


def build_provider(
    cfg: Mapping[str, Any], get_session: Callable[[], Session], page_url: Callable[[str], str]
) -> PaymentProvider:
    """Stripe when configured; otherwise the test provider, which never runs beside live keys."""
    if cfg["PAYMENT_PROVIDER"] == "stripe":
        return StripeProvider(
            cfg["STRIPE_SECRET_KEY"],
            cfg["STRIPE_WEBHOOK_SECRET"],
            http_client=cfg.get("STRIPE_HTTP_CLIENT"),
            api_base=cfg["STRIPE_API_BASE"] or None,
        )
    refuse_live_keys(cfg["STRIPE_SECRET_KEY"], cfg.get("STRIPE_PUBLISHABLE_KEY", ""))
    secret = (
        cfg["STRIPE_WEBHOOK_SECRET"]
        or "whsec_test_"
        + hmac.new(cfg["SECRET_KEY"].encode(), b"test-provider-webhook", hashlib.sha256).hexdigest()
    )
    return TestProvider(get_session=get_session, webhook_secret=secret, page_url=page_url)
