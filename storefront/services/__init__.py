"""Use cases: take a session and inputs, apply domain rules, touch models. Never commit."""

# The search index's session hook must be in place wherever a service can write a product.
from storefront.services import search as _search  # noqa: F401
