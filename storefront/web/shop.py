"""The shop window: home, product list, product and venture pages, language switch, media."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from storefront.domain.catalog import CATEGORIES, SORTS
from storefront.extensions import db, limiter
from storefront.services import catalog, ledger, recommend, reviews
from storefront.web import counting
from storefront.web.common import page_request
from storefront.web.helpers import safe_next
from storefront.web.i18n import LANG_COOKIE
from storefront.web.page_cache import CATALOG, LEDGER, QUESTIONS, cached_data, cached_page
from storefront.web.pages import product_context
from storefront.web.reviews import review_section

bp = Blueprint("shop", __name__)
MAX_SUGGEST_TEXT = 100
SUGGEST_MAX_AGE = 60  # seconds a browser may keep suggestions: a new title shows within a minute


@bp.get("/")
def home() -> str:
    return cached_page("shop/home.html", (CATALOG, LEDGER), _home, personal=_for_you)


def _home() -> dict[str, Any]:
    return dict(
        ventures=catalog.featured_ventures(db.session()),
        products=catalog.popular_products(db.session()),
        given=ledger.pledged_totals(db.session()),
    )


def _for_you() -> dict[str, Any]:
    """The signed-in shopper's own recommendations, outside the home page's cached blocks."""
    if not current_user.is_authenticated:
        return {}
    return dict(for_you=recommend.for_account(db.session(), current_user.id))


@bp.get("/products")
def products() -> str:
    args = request.args
    if not any(name in args for name in ("page", "after", "before")):  # a first page only
        counting.count_search(args.get("q", ""))
    return cached_page("shop/products.html", (CATALOG,), _products)


def _products() -> dict[str, Any]:
    args = request.args
    query = catalog.ProductQuery(
        q=args.get("q", ""),
        category=args.get("category", ""),
        venture=args.get("venture", ""),
        sort=args.get("sort", ""),
        start=page_request(),
    )
    query = replace(query, sort=catalog.effective_sort(query))
    ventures = catalog.venture_choices(db.session())
    per_page = current_app.config["PRODUCTS_PER_PAGE"]
    page = catalog.search_products(db.session(), query, per_page, ventures=ventures)
    return dict(
        page=page,
        query=query,
        suggestion=catalog.did_you_mean(db.session(), query, page),
        categories=CATEGORIES,
        sorts=[s for s in SORTS if s != "relevance" or query.q.strip()],
        ventures=ventures,
    )


@bp.get("/products/suggest")
@limiter.limit(lambda: current_app.config["SUGGEST_RATE_LIMIT"])
def suggest() -> Response:
    """Venture names and product titles for the search box while the shopper types (JSON,
    read by static/suggest.js into the box's <datalist>)."""
    typed = request.args.get("q", "")
    if not typed.strip() or len(typed) > MAX_SUGGEST_TEXT:
        return make_response(jsonify(error=_("Type 1 to 100 characters.")), 400)
    found = cached_data(
        "suggest", (CATALOG,), typed, lambda: catalog.suggestions(db.session(), typed)
    )
    response = jsonify(q=typed, suggestions=found)
    response.cache_control.public = True
    response.cache_control.max_age = SUGGEST_MAX_AGE
    return response


@bp.get("/products/<id:product_id>")
def product(product_id: int) -> str:
    counting.count_view(product_id)
    return cached_page(
        "shop/product.html", (CATALOG, QUESTIONS), lambda: product_context(product_id)
    )


@bp.get("/ventures")
def ventures() -> str:
    return cached_page(
        "shop/ventures.html",
        (CATALOG,),
        lambda: dict(ventures=catalog.venture_cards(db.session())),
    )


@bp.get("/ventures/<slug>")
def venture(slug: str) -> str:
    return cached_page("shop/venture.html", (CATALOG, LEDGER), lambda: _venture(slug))


def _venture(slug: str) -> dict[str, Any]:
    item = catalog.get_approved_venture(db.session(), slug)
    if item is None:
        abort(404)
    query = catalog.ProductQuery(venture=slug, start=page_request())
    per_page = current_app.config["PRODUCTS_PER_PAGE"]
    page = catalog.search_products(db.session(), query, per_page, count=False)
    return dict(
        venture=item,
        page=page,
        given=ledger.given_by_venture(db.session(), item.id),
        reviews=review_section(reviews.VENTURE, item.id),
    )


@bp.get("/favicon.ico")
def favicon() -> Response:
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/lang/<code>")
def set_language(code: str) -> Response:
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = make_response(redirect(safe_next(request.args.get("next"))))
    response.set_cookie(
        LANG_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.get("/media/<path:filename>")
def media(filename: str) -> Response:
    response = send_from_directory(current_app.config["MEDIA_ROOT"], filename, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
