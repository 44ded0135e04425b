"""Payment providers behind one protocol.

``stripe_provider`` is the only module that imports stripe.
"""

from storefront.payments.base import (
    CheckoutRequest,
    CheckoutSession,
    PaymentError,
    PaymentProvider,
    RefundResult,
    SessionState,
    WebhookRejected,
)

__all__ = [
    "CheckoutRequest",
    "CheckoutSession",
    "PaymentError",
    "PaymentProvider",
    "RefundResult",
    "SessionState",
    "WebhookRejected",
]
