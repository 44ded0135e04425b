"""What the listing, option and picture views share: finding a product, its edit page."""

from __future__ import annotations

from flask import abort, render_template, url_for

from storefront.domain.catalog import CATEGORIES
from storefront.extensions import db
from storefront.models import Product, Venture
from storefront.services import images, listings
from storefront.web.forms import EmptyForm
from storefront.web.helpers import CATEGORY_LABELS
from storefront.web.seller.forms import ImageUploadForm, ListingForm, OptionForm, StockForm


def listing_form(product: Product | None = None, *, submitted: bool = True) -> ListingForm:
    form = ListingForm(obj=product) if submitted else ListingForm(formdata=None, obj=product)
    form.category.choices = [(c, str(CATEGORY_LABELS[c])) for c in CATEGORIES]
    return form


def product_or_404(venture_id: int, product_id: int) -> Product:
    product = listings.product_of(db.session(), venture_id, product_id)
    if product is None:
        abort(404)
    return product


def edit_url(venture_id: int, product_id: int) -> str:
    return url_for("seller.listings.edit_product", venture_id=venture_id, product_id=product_id)


def edit_page(venture: Venture, product: Product, form: ListingForm | None = None) -> str:
    """The product's edit page: its listing, status, pictures and options."""
    return render_template(
        "seller/product_form.html",
        form=form or listing_form(product, submitted=False),
        venture=venture,
        product=product,
        status_form=EmptyForm(),
        pictures=images.images_of(db.session(), product.id),
        upload_form=ImageUploadForm(),
        options=listings.options_of(db.session(), product.id),
        option_form=OptionForm(formdata=None),
        stock_form=StockForm(formdata=None),
    )
