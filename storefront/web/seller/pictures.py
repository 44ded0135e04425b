"""A product's pictures: upload (checked and re-encoded by services/images.py), reorder, delete."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required
from werkzeug.wrappers import Response

from storefront.domain.errors import ImageRefused
from storefront.extensions import db
from storefront.models import Product, ProductImage, utcnow
from storefront.services import images
from storefront.web.common import media_root
from storefront.web.forms import EmptyForm
from storefront.web.guards import membership_or_404
from storefront.web.messages import describe, refusal_status
from storefront.web.seller.forms import ImageUploadForm
from storefront.web.seller.product_pages import edit_page, edit_url, product_or_404

bp = Blueprint(
    "pictures", __name__, url_prefix="/ventures/<id:venture_id>/products/<id:product_id>/images"
)


def _image_or_404(product: Product, image_id: int) -> ProductImage:
    image = images.image_of(db.session(), product.id, image_id)
    if image is None:
        abort(404)
    return image


@bp.post("")
@login_required
def upload_images(venture_id: int, product_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    product = product_or_404(venture_id, product_id)
    form = ImageUploadForm()
    files = [f for f in request.files.getlist("images") if f and f.filename]
    if not form.validate() or not files:
        flash(_("Choose one or more pictures."), "error")
        return redirect(edit_url(venture_id, product_id))
    uploads = [images.Upload(f.filename or "", f.stream) for f in files]
    try:
        stored = images.accept(db.session(), product, uploads, media_root(), utcnow())
    except ImageRefused as error:
        db.session.rollback()
        flash(describe(error), "error")
        return edit_page(membership.venture, product), refusal_status(error)
    db.session.commit()
    flash(ngettext("%(num)d picture added.", "%(num)d pictures added.", len(stored)), "success")
    return redirect(edit_url(venture_id, product_id))


@bp.post("/<id:image_id>/move")
@login_required
def move_image(venture_id: int, product_id: int, image_id: int) -> Response:
    membership_or_404(venture_id)
    product = product_or_404(venture_id, product_id)
    image = _image_or_404(product, image_id)
    if not EmptyForm().validate():
        abort(400)
    images.move(db.session(), product, image, -1 if request.form.get("to") == "earlier" else 1)
    db.session.commit()
    return redirect(edit_url(venture_id, product_id))


@bp.post("/<id:image_id>/delete")
@login_required
def delete_image(venture_id: int, product_id: int, image_id: int) -> Response:
    membership_or_404(venture_id)
    product = product_or_404(venture_id, product_id)
    image = _image_or_404(product, image_id)
    if not EmptyForm().validate():
        abort(400)
    images.remove(db.session(), product, image, media_root())
    db.session.commit()
    flash(_("The picture is deleted."), "success")
    return redirect(edit_url(venture_id, product_id))
