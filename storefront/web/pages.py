"""Pages more than one blueprint renders: the product page (shop, cart, seller preview)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template

from storefront.domain.catalog import LOW_STOCK
from storefront.domain.money import apply_rate_bp
from storefront.domain.pricing import DonationRule
from storefront.extensions import db
from storefront.models import Product, Venture, utcnow
from storefront.services import catalog, funds, images, recommend, reviews
from storefront.services.cart import active_options
from storefront.web.forms import MAX_ID
from storefront.web.questions import product_section
from storefront.web.reviews import review_section


def product_page(product_id: int) -> str:
    """The shop's page of a product for sale; a 404 for one that is not."""
    return render_template("shop/product.html", **product_context(product_id))


def product_context(product_id: int) -> dict[str, Any]:
    """What the shop's page of a product for sale shows; a 404 for one that is not."""
    item = catalog.product_for_page(db.session(), product_id)
    if item is None:
        abort(404)
    return dict(
        _context(item, item.venture, preview=False),
        recommendations=recommend.for_product(db.session(), item, item.venture),
    )


def render_product(item: Product, venture: Venture, *, preview: bool) -> str:
    """The product page; a preview shows a seller what shoppers will see, without buying."""
    return render_template("shop/product.html", **_context(item, venture, preview=preview))


def _context(item: Product, venture: Venture, *, preview: bool) -> dict[str, Any]:
    donation = DonationRule(venture.giving_rate_bp, 0).donation(item.price)
    offer = funds.offer_for(db.session(), item, utcnow(), current_app.config["SHOP_CURRENCY"])
    return dict(
        product=item,
        venture=venture,
        donation=donation,
        fund=offer,
        match=apply_rate_bp(donation, offer.rate_bp) if offer else 0,
        low_stock=LOW_STOCK,
        pictures=images.images_of(db.session(), item.id),
        options=active_options(db.session(), [item.id]).get(item.id, []),
        max_id=MAX_ID,  # the add-to-cart form's product_id field (AddToCartForm) checks it
        preview=preview,
        questions=product_section(item.id),
        reviews=review_section(reviews.PRODUCT, item.id),
    )
