"""The seller page: a venture's staff run their shop here (listings, orders and numbers follow)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from storefront.domain.catalog import CATEGORIES, MISSIONS
from storefront.domain.money import format_rate_bp, percent_to_bp
from storefront.domain.periods import GRAINS, SEOUL, Window, local_today, shift, to_utc
from storefront.extensions import db, limiter
from storefront.models import OrderLine, Product, ProductImage, ProductOption, Venture, utcnow
from storefront.payments import PaymentError
from storefront.services import causes, fulfilment, images, listings, notify, stats, ventures
from storefront.web import seller_impact
from storefront.web.common import media_root, provider
from storefront.web.exports import csv_response
from storefront.web.forms import (
    DefaultCauseForm,
    EmptyForm,
    GivingRateForm,
    ImageUploadForm,
    InviteForm,
    ListingForm,
    OptionForm,
    ShipForm,
    StockForm,
    VentureApplicationForm,
)
from storefront.web.guards import membership_or_404, signed_in_user
from storefront.web.helpers import CARRIER_LABELS, CATEGORY_LABELS, MISSION_LABELS, money
from storefront.web.shop import render_product

bp = Blueprint("seller", __name__, url_prefix="/seller")
bp.register_blueprint(seller_impact.bp)  # the quarterly impact report: seller.impact_report.*

APPLICATION_PROBLEMS = {
    "registration_number": lambda: _("That business registration number does not check out."),
    "registration_number_taken": lambda: _(
        "A venture with this registration number already applied."
    ),
    "mission": lambda: _("Choose a social mission from the list."),
    "no_cause": lambda: _("The shop is not ready for applications yet. Please try again later."),
}


@bp.get("")
@login_required
def dashboard() -> str:
    return render_template(
        "seller/dashboard.html", memberships=ventures.memberships_of(db.session(), signed_in_user())
    )


@bp.route("/apply", methods=["GET", "POST"])
@login_required
def apply() -> Response | tuple[str, int]:
    form = VentureApplicationForm()
    form.mission.choices = [(m, str(MISSION_LABELS[m])) for m in MISSIONS]
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("seller/apply.html", form=form), status
    application = ventures.Application(
        name=form.name.data or "",
        registration_number=form.registration_number.data or "",
        mission=form.mission.data or "",
        region=form.region.data or "",
        story=form.story.data or "",
        contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "",
    )
    try:
        venture = ventures.apply(db.session(), signed_in_user(), application, utcnow())
    except ventures.InvalidApplication as error:
        db.session.rollback()
        field = form.registration_number if error.field.startswith("registration") else form.mission
        field.errors = [APPLICATION_PROBLEMS[error.field]()]
        return render_template(
            "seller/apply.html", form=form
        ), 409 if "taken" in error.field else 400
    db.session.commit()
    flash(_("Thank you! %(name)s is waiting for review.", name=venture.name), "success")
    return redirect(url_for("seller.venture", venture_id=venture.id))


@bp.get("/ventures/<id:venture_id>")
@login_required
def venture(venture_id: int) -> str:
    membership = membership_or_404(venture_id)
    return render_template(
        "seller/venture.html",
        membership=membership,
        venture=membership.venture,
        low_stock=listings.low_stock(db.session(), venture_id),
    )


# --- listings ---------------------------------------------------------------------------

LISTING_PROBLEMS = {
    "category": lambda: _("Choose a category from the list."),
    "price": lambda: _("The price must be more than zero."),
    "stock": lambda: _("Stock must be 0 or more."),
    "giving_rate": lambda: _("The giving rate must be within the range the platform allows."),
    "option_name": lambda: _("Name the option, like 'M' or 'Blue'."),
    "option_taken": lambda: _("This product already has an option with that name."),
    "stock_by_option": lambda: _("This product has options: set the stock of each option."),
}


def _listing_form(product: Product | None = None, *, submitted: bool = True) -> ListingForm:
    form = ListingForm(obj=product) if submitted else ListingForm(formdata=None, obj=product)
    form.category.choices = [(c, str(CATEGORY_LABELS[c])) for c in CATEGORIES]
    return form


def _product_or_404(venture_id: int, product_id: int) -> Product:
    product = listings.product_of(db.session(), venture_id, product_id)
    if product is None:
        abort(404)
    return product


def _listing_input(form: ListingForm) -> listings.ListingInput:
    return listings.ListingInput(
        title=form.title.data or "",
        description=form.description.data or "",
        category=form.category.data or "",
        price=form.price.data or 0,
        stock=form.stock.data or 0,
    )


@bp.get("/ventures/<id:venture_id>/products")
@login_required
def products(venture_id: int) -> str:
    membership = membership_or_404(venture_id)
    items = listings.listings(db.session(), venture_id, include_archived=True)
    return render_template(
        "seller/products.html",
        venture=membership.venture,
        products=items,
        with_options=listings.with_options(db.session(), [p.id for p in items]),
        stock_form=StockForm(),
        status_form=EmptyForm(),
    )


@bp.route("/ventures/<id:venture_id>/products/new", methods=["GET", "POST"])
@login_required
def new_product(venture_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    form = _listing_form()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template(
            "seller/product_form.html", form=form, venture=membership.venture
        ), status
    product = listings.create(db.session(), membership.venture, _listing_input(form), utcnow())
    db.session.commit()
    flash(_("Saved as a draft. Preview it, then publish it."), "success")
    return redirect(url_for("seller.edit_product", venture_id=venture_id, product_id=product.id))


@bp.route("/ventures/<id:venture_id>/products/<id:product_id>/edit", methods=["GET", "POST"])
@login_required
def edit_product(venture_id: int, product_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    product = _product_or_404(venture_id, product_id)
    form = _listing_form(product)
    if not form.validate_on_submit():
        return _edit_page(membership.venture, product, form), 400 if form.is_submitted() else 200
    listings.update(db.session(), product, _listing_input(form))
    db.session.commit()
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("seller.edit_product", venture_id=venture_id, product_id=product.id))


def _edit_page(venture: Venture, product: Product, form: ListingForm | None = None) -> str:
    return render_template(
        "seller/product_form.html",
        form=form or _listing_form(product, submitted=False),
        venture=venture,
        product=product,
        status_form=EmptyForm(),
        pictures=images.images_of(db.session(), product.id),
        upload_form=ImageUploadForm(),
        options=listings.options_of(db.session(), product.id),
        option_form=OptionForm(formdata=None),
        stock_form=StockForm(formdata=None),
    )


@bp.get("/ventures/<id:venture_id>/products/<id:product_id>/preview")
@login_required
def preview_product(venture_id: int, product_id: int) -> str:
    membership = membership_or_404(venture_id)
    product = _product_or_404(venture_id, product_id)
    return render_product(product, membership.venture, preview=True)


@bp.post("/ventures/<id:venture_id>/products/<id:product_id>/status")
@login_required
def product_status(venture_id: int, product_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    product = _product_or_404(venture_id, product_id)
    if not EmptyForm().validate():
        abort(400)
    action = request.form.get("action", "")
    try:
        listings.change_status(db.session(), product, action)
    except listings.InvalidTransition:
        flash(_("That cannot be done to a listing in this state."), "error")
        return products(venture_id), 409
    db.session.commit()
    if action == "publish" and membership.venture.status != "approved":
        flash(_("Ready for sale: it will be in the shop once your venture is approved."), "success")
    else:
        flash(STATUS_MESSAGES[action](), "success")
    if request.form.get("back") == "edit":
        return redirect(
            url_for("seller.edit_product", venture_id=venture_id, product_id=product_id)
        )
    return redirect(url_for("seller.products", venture_id=venture_id))


STATUS_MESSAGES = {
    "publish": lambda: _("Published: the product is in the shop."),
    "unpublish": lambda: _("Unpublished: the product is back to a draft."),
    "archive": lambda: _("Archived."),
    "restore": lambda: _("Restored as a draft."),
}


@bp.post("/ventures/<id:venture_id>/products/<id:product_id>/stock")
@login_required
def product_stock(venture_id: int, product_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    product = _product_or_404(venture_id, product_id)
    form = StockForm()
    if not form.validate():
        for error in form.stock.errors:
            flash(str(error), "error")
        return products(venture_id), 400
    try:
        listings.set_stock(db.session(), product, form.stock.data or 0)
    except listings.InvalidListing as error:
        flash(LISTING_PROBLEMS[error.field](), "error")
        return products(venture_id), 409
    db.session.commit()
    flash(
        _("Stock of %(title)s is now %(count)d.", title=product.title, count=product.stock),
        "success",
    )
    return redirect(url_for("seller.products", venture_id=membership.venture_id))


@bp.route("/ventures/<id:venture_id>/settings", methods=["GET", "POST"])
@login_required
def settings(venture_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id, owner=True)
    venture = membership.venture
    cfg = current_app.config
    bounds = listings.GivingBounds(cfg["GIVING_RATE_MIN_BP"], cfg["GIVING_RATE_MAX_BP"])
    form = GivingRateForm(rate=format_rate_bp(venture.giving_rate_bp))
    context = {
        "form": form,
        "venture": venture,
        "bounds": bounds,
        "cause_form": _cause_form(venture),
    }
    if not form.validate_on_submit():
        return render_template(
            "seller/settings.html", **context
        ), 400 if form.is_submitted() else 200
    rate_bp = percent_to_bp(form.rate.data or "0")
    try:
        listings.set_giving_rate(db.session(), venture, rate_bp, bounds)
    except listings.InvalidListing:
        form.rate.errors = [LISTING_PROBLEMS["giving_rate"]()]
        return render_template("seller/settings.html", **context), 400
    db.session.commit()
    flash(_("From now on, every sale gives %(rate)s%%.", rate=format_rate_bp(rate_bp)), "success")
    return redirect(url_for("seller.venture", venture_id=venture_id))


def _cause_form(venture: Venture) -> DefaultCauseForm:
    form = DefaultCauseForm(cause=str(venture.default_cause_id))
    form.cause.choices = [(str(c.id), c.name) for c in causes.active_causes(db.session())]
    return form


@bp.post("/ventures/<id:venture_id>/cause")
@login_required
def default_cause(venture_id: int) -> Response | tuple[str, int]:
    """Choose the cause the venture's sales give to when the shopper leaves the choice to it."""
    venture = membership_or_404(venture_id, owner=True).venture
    form = _cause_form(venture)
    if form.validate():
        causes.set_default(db.session(), venture, int(form.cause.data))
        db.session.commit()
        flash(
            _("From now on, your sales give to %(cause)s.", cause=venture.default_cause.name),
            "success",
        )
        return redirect(url_for("seller.settings", venture_id=venture_id))
    cfg = current_app.config
    bounds = listings.GivingBounds(cfg["GIVING_RATE_MIN_BP"], cfg["GIVING_RATE_MAX_BP"])
    rate_form = GivingRateForm(formdata=None, rate=format_rate_bp(venture.giving_rate_bp))
    context = {"form": rate_form, "venture": venture, "bounds": bounds, "cause_form": form}
    return render_template("seller/settings.html", **context), 400


# --- pictures ---------------------------------------------------------------------------

IMAGE_PROBLEMS = {
    "too_large": lambda name: _("%(name)s is larger than 8 MB.", name=name),
    "empty": lambda name: _("%(name)s is empty.", name=name),
    "not_an_image": lambda name: _("%(name)s is not a JPEG, PNG, WebP or GIF picture.", name=name),
    "too_many_pixels": lambda name: _(
        "%(name)s has too many pixels (25 megapixels at most).", name=name
    ),
    "too_small": lambda name: _(
        "%(name)s is too small (at least 200 pixels on each side).", name=name
    ),
    "broken": lambda name: _("%(name)s is damaged and cannot be read.", name=name),
    "too_many": lambda name: _("A product can have at most 10 pictures."),
}


def _image_or_404(product: Product, image_id: int) -> ProductImage:
    image = images.image_of(db.session(), product.id, image_id)
    if image is None:
        abort(404)
    return image


@bp.post("/ventures/<id:venture_id>/products/<id:product_id>/images")
@login_required
def upload_images(venture_id: int, product_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    product = _product_or_404(venture_id, product_id)
    form = ImageUploadForm()
    back = url_for("seller.edit_product", venture_id=venture_id, product_id=product_id)
    files = [f for f in request.files.getlist("images") if f and f.filename]
    if not form.validate() or not files:
        flash(_("Choose one or more pictures."), "error")
        return redirect(back)
    uploads = [images.Upload(f.filename or "", f.stream) for f in files]
    try:
        stored = images.accept(db.session(), product, uploads, media_root(), utcnow())
    except images.ImageRefused as error:
        db.session.rollback()
        flash(IMAGE_PROBLEMS[error.reason](error.filename), "error")
        return _edit_page(membership.venture, product), 400
    db.session.commit()
    flash(ngettext("%(num)d picture added.", "%(num)d pictures added.", len(stored)), "success")
    return redirect(back)


@bp.post("/ventures/<id:venture_id>/products/<id:product_id>/images/<id:image_id>/move")
@login_required
def move_image(venture_id: int, product_id: int, image_id: int) -> Response:
    membership_or_404(venture_id)
    product = _product_or_404(venture_id, product_id)
    image = _image_or_404(product, image_id)
    if not EmptyForm().validate():
        abort(400)
    images.move(db.session(), product, image, -1 if request.form.get("to") == "earlier" else 1)
    db.session.commit()
    return redirect(url_for("seller.edit_product", venture_id=venture_id, product_id=product_id))


@bp.post("/ventures/<id:venture_id>/products/<id:product_id>/images/<id:image_id>/delete")
@login_required
def delete_image(venture_id: int, product_id: int, image_id: int) -> Response:
    membership_or_404(venture_id)
    product = _product_or_404(venture_id, product_id)
    image = _image_or_404(product, image_id)
    if not EmptyForm().validate():
        abort(400)
    images.remove(db.session(), product, image, media_root())
    db.session.commit()
    flash(_("The picture is deleted."), "success")
    return redirect(url_for("seller.edit_product", venture_id=venture_id, product_id=product_id))


# --- orders and shipping ---------------------------------------------------------------

FULFILMENT_PROBLEMS = {
    "wrong_status": lambda: _("That cannot be done to this line any more."),
    "unknown_action": lambda: _("That cannot be done to this line any more."),
    "carrier": lambda: _("Choose a carrier from the list."),
    "tracking": lambda: _("A tracking number has 6 to 30 letters, digits or hyphens."),
    "no_payment": lambda: _(
        "This order was not paid through the shop; refund it where it was paid."
    ),
    "nothing_to_refund": lambda: _(
        "The order has already been refunded in full, so there is nothing left to refund."
    ),
}


def _ship_form() -> ShipForm:
    form = ShipForm()
    form.carrier.choices = [(c, str(CARRIER_LABELS[c])) for c in fulfilment.CARRIERS]
    return form


@bp.get("/ventures/<id:venture_id>/orders")
@login_required
def orders(venture_id: int) -> str:
    membership = membership_or_404(venture_id)
    page = fulfilment.venture_orders(
        db.session(), venture_id, request.args.get("page", 1, type=int) or 1
    )
    lines = fulfilment.lines_by_order(db.session(), venture_id, [o.id for o in page.items])
    return render_template("seller/orders.html", venture=membership.venture, page=page, lines=lines)


def _order_page(venture: Venture, order_id: int) -> str:
    found = fulfilment.venture_order(db.session(), venture.id, order_id)
    if found is None:
        abort(404)
    order, lines = found
    return render_template(
        "seller/order.html",
        venture=venture,
        order=order,
        lines=lines,
        ship_form=_ship_form(),
        action_form=EmptyForm(),
    )


@bp.get("/ventures/<id:venture_id>/orders/<id:order_id>")
@login_required
def order(venture_id: int, order_id: int) -> str:
    return _order_page(membership_or_404(venture_id).venture, order_id)


def _line_or_404(venture_id: int, order_id: int, line_id: int) -> OrderLine:
    line = fulfilment.line_of(db.session(), venture_id, order_id, line_id)
    if line is None:
        abort(404)
    return line


@bp.post("/ventures/<id:venture_id>/orders/<id:order_id>/lines/<id:line_id>/<action>")
@login_required
def line_action(
    venture_id: int, order_id: int, line_id: int, action: str
) -> Response | tuple[str, int]:
    """Prepare, ship, deliver or cancel one of the venture's lines."""
    membership = membership_or_404(venture_id)
    line = _line_or_404(venture_id, order_id, line_id)
    ship_form = _ship_form()
    form = ship_form if action == "ship" else EmptyForm()
    if not form.validate():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
        return _order_page(membership.venture, order_id), 400
    now = utcnow()
    try:
        if action == "ship":
            carrier, tracking = ship_form.carrier.data or "", ship_form.tracking_number.data or ""
            fulfilment.ship(db.session(), line, carrier, tracking, now)
            message = _("Marked as shipped; the shopper is emailed the tracking number.")
        elif action == "cancel":
            refund = fulfilment.cancel_line(db.session(), provider(), line, now)
            message = _(
                "Cancelled: %(amount)s refunded and the donation reversed.",
                amount=money(refund.amount),
            )
        else:
            fulfilment.step(db.session(), line, action, now)
            message = _("The line is updated.")
    except fulfilment.FulfilmentRefused as error:
        db.session.rollback()
        flash(FULFILMENT_PROBLEMS[error.reason](), "error")
        return _order_page(membership.venture, order_id), 409
    except PaymentError:
        db.session.rollback()
        flash(
            _("The payment service could not make the refund. Nothing was changed; try again."),
            "error",
        )
        return _order_page(membership.venture, order_id), 503
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("seller.order", venture_id=venture_id, order_id=order_id))


# --- numbers, statements and exports ------------------------------------------------------


def _seoul_time(moment: datetime | None) -> str:
    return moment.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M") if moment else ""


def _month_arg() -> date:
    """The ``month`` query argument (YYYY-MM), defaulting to this month; 404 when malformed."""
    raw = request.args.get("month", "")
    if not raw:
        return local_today().replace(day=1)
    try:
        month = datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        abort(404)
    if not 2000 <= month.year <= 2100:
        abort(404)
    return month


@bp.get("/ventures/<id:venture_id>/numbers")
@login_required
def numbers(venture_id: int) -> str:
    membership = membership_or_404(venture_id)
    grain = request.args.get("grain", "day")
    if grain not in GRAINS:
        grain = "day"
    window = Window.ending(local_today(), grain)
    return render_template(
        "seller/numbers.html",
        venture=membership.venture,
        board=stats.dashboard(db.session(), venture_id, window),
        grain=grain,
        grains=GRAINS,
    )


@bp.get("/ventures/<id:venture_id>/statement")
@login_required
def statement(venture_id: int) -> Response | str:
    membership = membership_or_404(venture_id)
    month = _month_arg()
    sheet = stats.statement(db.session(), venture_id, month, current_app.config["PLATFORM_FEE_BP"])
    if request.args.get("format") == "csv":
        return csv_response(
            f"statement-{venture_id}-{month:%Y-%m}.csv",
            [
                "month",
                "gross_sales",
                "refunds",
                "platform_fee_bp",
                "platform_fee",
                "donations",
                "payout_due",
            ],
            [
                [
                    f"{month:%Y-%m}",
                    sheet.gross,
                    sheet.refunds,
                    sheet.fee_bp,
                    sheet.fee,
                    sheet.donations,
                    sheet.payout,
                ]
            ],
        )
    return render_template(
        "seller/statement.html",
        venture=membership.venture,
        sheet=sheet,
        previous=shift(month, "month", -1),
        following=shift(month, "month", 1),
    )


@bp.get("/ventures/<id:venture_id>/orders.csv")
@login_required
def orders_csv(venture_id: int) -> Response:
    membership_or_404(venture_id)
    month = _month_arg()
    rows = stats.order_rows(
        db.session(), venture_id, to_utc(month), to_utc(shift(month, "month", 1))
    )
    return csv_response(
        f"orders-{venture_id}-{month:%Y-%m}.csv",
        [
            "order_number", "paid_at_seoul", "product", "option", "quantity", "unit_price",
            "goods_amount", "shipping", "donation", "status", "carrier", "tracking_number",
            "recipient", "postcode", "address", "phone",
        ],
        (
            [
                order.number, _seoul_time(order.paid_at),
                line.title, line.option_name, line.quantity, line.unit_price, line.goods_amount,
                line.shipping_amount,
                line.donation_amount, line.status, line.carrier, line.tracking_number, order.name,
                order.postcode, f"{order.address} {order.address_detail}".strip(), order.phone,
            ]
            for line, order in rows
        ),
    )  # fmt: skip


# --- staff ------------------------------------------------------------------------------


def _invitations() -> ventures.Invitations:
    return ventures.Invitations(current_app.config["SECRET_KEY"])


@bp.route("/ventures/<id:venture_id>/staff", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
@login_required
def staff(venture_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id, owner=True)
    venture = membership.venture
    form = InviteForm()
    if form.validate_on_submit():
        email = form.email.data or ""
        try:
            token = _invitations().issue(venture, email)
        except ventures.BadInvitation:
            flash(_("Staff can be invited once the venture is approved."), "error")
            return redirect(url_for("seller.staff", venture_id=venture_id))
        notify.staff_invitation(db.session(), email, venture.name, token, str(get_locale() or "ko"))
        db.session.commit()
        flash(_("Invitation sent to %(email)s.", email=email), "success")
        return redirect(url_for("seller.staff", venture_id=venture_id))
    page = render_template(
        "seller/staff.html",
        venture=venture,
        members=ventures.members_of(db.session(), venture_id),
        form=form,
        remove_form=EmptyForm(),
    )
    return page, 400 if form.is_submitted() else 200


@bp.post("/ventures/<id:venture_id>/staff/<id:member_id>/remove")
@login_required
def remove_staff(venture_id: int, member_id: int) -> Response:
    membership_or_404(venture_id, owner=True)
    member = next(
        (m for m in ventures.members_of(db.session(), venture_id) if m.id == member_id), None
    )
    if member is None or not EmptyForm().validate():
        abort(404)
    name = member.user.name
    try:
        ventures.remove_member(db.session(), member)
    except ventures.BadInvitation:
        flash(_("The owner cannot be removed."), "error")
        return redirect(url_for("seller.staff", venture_id=venture_id))
    db.session.commit()
    flash(_("%(name)s no longer has access.", name=name), "success")
    return redirect(url_for("seller.staff", venture_id=venture_id))


@bp.get("/invitations/<token>")
@login_required
def accept_invitation(token: str) -> Response | tuple[str, int]:
    try:
        membership = _invitations().accept(db.session(), token, signed_in_user(), utcnow())
    except ventures.BadInvitation as error:
        message = (
            _("This invitation is for another email address. Sign in with the invited address.")
            if error.reason == "other_email"
            else _("This invitation link does not work: it may be more than a week old.")
        )
        return render_template("errors/error.html", title=_("Invitation"), message=message), 400
    db.session.commit()
    flash(_("You now help run %(name)s.", name=membership.venture.name), "success")
    return redirect(url_for("seller.venture", venture_id=membership.venture_id))


# --- options ------------------------------------------------------------------------------


def _option_or_404(product: Product, option_id: int) -> ProductOption:
    option = listings.option_of(db.session(), product.id, option_id)
    if option is None:
        abort(404)
    return option


@bp.post("/ventures/<id:venture_id>/products/<id:product_id>/options")
@login_required
def add_option(venture_id: int, product_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    product = _product_or_404(venture_id, product_id)
    form = OptionForm()
    if form.validate():
        try:
            listings.add_option(db.session(), product, form.name.data or "", form.stock.data or 0)
        except listings.InvalidListing as error:
            db.session.rollback()
            flash(LISTING_PROBLEMS[error.field](), "error")
            return _edit_page(
                membership.venture, product
            ), 409 if error.field == "option_taken" else 400
        db.session.commit()
        flash(_("Option added."), "success")
        return redirect(
            url_for("seller.edit_product", venture_id=venture_id, product_id=product_id)
        )
    for errors in form.errors.values():
        flash(" ".join(str(e) for e in errors), "error")
    return _edit_page(membership.venture, product), 400


@bp.post("/ventures/<id:venture_id>/products/<id:product_id>/options/<id:option_id>/stock")
@login_required
def option_stock(venture_id: int, product_id: int, option_id: int) -> Response | tuple[str, int]:
    membership = membership_or_404(venture_id)
    product = _product_or_404(venture_id, product_id)
    option = _option_or_404(product, option_id)
    form = StockForm()
    if not form.validate():
        for error in form.stock.errors:
            flash(str(error), "error")
        return _edit_page(membership.venture, product), 400
    listings.set_option_stock(db.session(), product, option, form.stock.data or 0)
    db.session.commit()
    flash(
        _("Stock of %(title)s is now %(count)d.", title=option.name, count=option.stock), "success"
    )
    return redirect(url_for("seller.edit_product", venture_id=venture_id, product_id=product_id))


@bp.post("/ventures/<id:venture_id>/products/<id:product_id>/options/<id:option_id>/remove")
@login_required
def remove_option(venture_id: int, product_id: int, option_id: int) -> Response:
    membership_or_404(venture_id)
    product = _product_or_404(venture_id, product_id)
    option = _option_or_404(product, option_id)
    if not EmptyForm().validate():
        abort(400)
    listings.remove_option(db.session(), product, option)
    db.session.commit()
    flash(_("The option is no longer for sale."), "success")
    return redirect(url_for("seller.edit_product", venture_id=venture_id, product_id=product_id))
