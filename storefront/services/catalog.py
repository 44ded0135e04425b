"""Find products and ventures for the storefront, in a fixed number of queries per page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Row, Select, UnaryExpression, bindparam, select
from sqlalchemy.orm import Bundle, Session, contains_eager, joinedload, load_only

from storefront.domain.catalog import CATEGORIES, SORTS
from storefront.models import Cause, Product, Venture
from storefront.services import search
from storefront.services.pagination import Page, PageRequest, paginate, paginate_tiers

COUNT_UP_TO = 1000  # a result larger than this says "more than 1,000 products"


@dataclass(frozen=True)
class ProductQuery:
    q: str = ""
    category: str = ""
    venture: str = ""  # slug
    sort: str = ""  # "" picks relevance when searching, newest otherwise
    start: PageRequest = field(default_factory=PageRequest)


def visible_products() -> Select[Product]:
    """Published products of approved ventures, with the venture loaded by the same query."""
    return (
        select(Product)
        .join(Product.venture)
        .options(contains_eager(Product.venture))
        .where(Product.status == "published", Venture.status == "approved")
    )


@dataclass(frozen=True, slots=True)
class Card:
    """What a product card shows, and what lists of cards are chosen by: plain values read
    from one row (``CARD``), not ORM objects. A page of 24 cards loaded as ``Product`` and
    ``Venture`` objects (every column of both, and the venture's cause) cost more CPU than
    the rest of the page; these columns are all a card needs."""

    id: int
    title: str
    image: str | None
    price: int
    currency: str
    stock: int
    saved_count: int
    category: str
    units_sold: int
    venture_id: int
    venture_name: str
    cause_id: int  # the venture's default cause


class _CardBundle(Bundle[Card]):
    def create_row_processor(self, query: Any, procs: Any, labels: Any) -> Any:
        def card(row: Any) -> Card:
            return Card(*[proc(row) for proc in procs])

        return card


# One column of a select: ``select(CARD)`` gives Cards, and a page of them stays one item a row.
CARD = _CardBundle(
    "card",
    Product.id,
    Product.title,
    Product.image,
    Product.price,
    Product.currency,
    Product.stock,
    Product.saved_count,
    Product.category,
    Product.units_sold,
    Product.venture_id,
    Venture.name.label("venture_name"),
    Venture.default_cause_id.label("cause_id"),
    single_entity=True,
)


def visible_cards() -> Select[Card]:
    """The cards of the products ``visible_products`` selects."""
    return (
        select(CARD)
        .select_from(Product)
        .join(Venture, Venture.id == Product.venture_id)
        .where(Product.status == "published", Venture.status == "approved")
    )


def effective_sort(query: ProductQuery) -> str:
    """The shopper's sort if known; else best match first when searching, newest otherwise."""
    searching = bool(query.q.strip())
    if query.sort in SORTS and (query.sort != "relevance" or searching):
        return query.sort
    return "relevance" if searching else "newest"


_ORDERINGS: dict[str, tuple[UnaryExpression[Any], ...]] = {
    "newest": (Product.created_at.desc(), Product.id.desc()),
    "price_asc": (Product.price.asc(), Product.id.asc()),
    "price_desc": (Product.price.desc(), Product.id.desc()),
    "popular": (Product.units_sold.desc(), Product.id.desc()),
}


@cache
def _listing(category: str, by_venture: bool) -> Select[Card]:
    """The visible cards of a category (or all), of the venture ``:venture`` (a slug) or all:
    built once per process, as building them cost as much CPU as running them."""
    stmt = visible_cards()
    if category:
        stmt = stmt.where(Product.category == category)
    if by_venture:
        # by the venture's id, found first: the planner then reads the venture's own index
        # (ix_product_venture_listing) instead of walking every product's newest first
        venture_id = select(Venture.id).where(Venture.slug == bindparam("venture"))
        stmt = stmt.where(Product.venture_id == venture_id.scalar_subquery())
    return stmt


def search_products(
    db: Session,
    query: ProductQuery,
    per_page: int,
    count: bool = True,
    ventures: Sequence[Row[Any]] | None = None,
) -> Page[Card]:
    """Return one page of products matching the query (two SQL queries: the page, and a count
    up to ``COUNT_UP_TO`` unless ``count`` is off; a search adds one, the ventures' names,
    unless ``ventures`` brings them from ``venture_choices``).

    With search text, products are found through the search index and, unless the shopper
    picked another sort, ranked best match first.
    """
    category = query.category if query.category in CATEGORIES else ""
    params = {"venture": query.venture} if query.venture else {}
    stmt = _listing(category, bool(query.venture))
    sort = effective_sort(query)
    order_by = _ORDERINGS.get(sort, _ORDERINGS["newest"])
    count_up_to = COUNT_UP_TO if count else 0
    text = query.q.strip()[:100]
    if not text:  # a statement built once: only the venture's slug is bound per request
        return paginate(db, stmt, order_by, query.start, per_page, count_up_to, params=params)
    approved = None if ventures is None else [(v.id, v.name) for v in ventures]
    found = search.match(db, stmt, text, approved)
    if found is None:  # nothing searchable in it (only punctuation, say): nothing matches
        return Page([], per_page, count=0 if count_up_to else None)
    params = params | found.params
    matching, named = _searched(stmt, found.stmt, found.matches)
    if sort == "relevance":
        # title matches, then venture-name matches, then the rest; newest first in each
        return paginate_tiers(
            db,
            found.stmt,
            found.tiers,
            Product.id,
            query.start,
            per_page,
            matching,
            count_up_to,
            named if found.ventures else None,
            stmt,  # the page's rows, by id: without the search index
            params,
        )
    return paginate(db, matching, order_by, query.start, per_page, count_up_to, params=params)


@lru_cache(maxsize=256)
def _searched(
    stmt: Select[Card], joined: Select[Card], matches: ColumnElement[bool]
) -> tuple[Select[Card], Select[Card]]:
    """The products that match a search (``joined`` to the index, where it ``matches``), and
    the products of the ventures whose names answer it (``search.NAMED``): built once per
    listing, as the search's own statements are.

    Every product of a venture whose name answers the query matches (its name is in the
    product's index row, which every product has): counted through the product's venture
    index, without the search index, they alone may already be "1,000+"."""
    return joined.where(matches), stmt.where(Product.venture_id.in_(search.NAMED))


_VISIBLE_PRODUCT = visible_products().where(Product.id == bindparam("product_id"))


def get_visible_product(db: Session, product_id: int) -> Product | None:
    """Return a product a shopper may see, or None."""
    return db.scalars(_VISIBLE_PRODUCT, {"product_id": product_id}).first()


# The product page's own columns (not the Markdown source, the seller's contact details or
# the cause's description): any other is refused rather than read by a query of its own.
_PRODUCT_PAGE = (
    select(Product)
    .join(Product.venture)
    .where(
        Product.id == bindparam("product_id"),
        Product.status == "published",
        Venture.status == "approved",
    )
    .options(
        load_only(
            Product.venture_id,
            Product.title,
            Product.description_html,
            Product.category,
            Product.price,
            Product.currency,
            Product.stock,
            Product.saved_count,
            Product.status,
            Product.image,
            raiseload=True,
        ),
        contains_eager(Product.venture).load_only(
            Venture.slug,
            Venture.name,
            Venture.mission,
            Venture.region,
            Venture.story,
            Venture.giving_rate_bp,
            Venture.default_cause_id,
            raiseload=True,
        ),
        contains_eager(Product.venture)
        .joinedload(Venture.default_cause)
        .load_only(Cause.name, raiseload=True),
    )
)


def product_for_page(db: Session, product_id: int) -> Product | None:
    """A product a shopper may see, with its venture and cause, as its page shows them (only
    the columns it shows are loaded); or None."""
    return db.scalars(_PRODUCT_PAGE, {"product_id": product_id}).first()


def approved_ventures(db: Session) -> list[Venture]:
    return list(
        db.scalars(select(Venture).where(Venture.status == "approved").order_by(Venture.name))
    )


# The venture page's own columns (not the contact details nor the cause's description).
_VENTURE_PAGE = (
    select(Venture)
    .where(Venture.slug == bindparam("slug"), Venture.status == "approved")
    .options(
        load_only(
            Venture.slug,
            Venture.name,
            Venture.mission,
            Venture.region,
            Venture.story,
            Venture.founded,
            Venture.logo,
            Venture.giving_rate_bp,
            Venture.default_cause_id,
            raiseload=True,
        ),
        joinedload(Venture.default_cause).load_only(Cause.name, raiseload=True),
    )
)


def get_approved_venture(db: Session, slug: str) -> Venture | None:
    """An approved venture with its cause, as its page shows them (only the columns it shows
    are loaded); or None."""
    return db.scalars(_VENTURE_PAGE, {"slug": slug}).first()


# The shop window's lists of ventures read only what they show, as rows (``v.name``): not
# every column of each venture and its cause as objects. Built once, as their arguments are
# bound parameters.
_VENTURE_CARD = select(Venture.slug, Venture.logo, Venture.name, Venture.mission, Venture.region)
_VENTURE_CARDS = _VENTURE_CARD.where(Venture.status == "approved").order_by(Venture.name)
_FEATURED = (
    _VENTURE_CARD.where(Venture.status == "approved")
    .order_by(Venture.featured.desc(), Venture.id)
    .limit(bindparam("limit", type_=Integer))
)
_VENTURE_CHOICES = (
    select(Venture.id, Venture.slug, Venture.name)
    .where(Venture.status == "approved")
    .order_by(Venture.name)
)
_POPULAR = (
    visible_cards()
    .where(Product.stock > 0)
    # the popular sort's order, which ix_product_popular walks from its end
    .order_by(Product.units_sold.desc(), Product.id.desc())
    .limit(bindparam("limit", type_=Integer))
)


def venture_cards(db: Session) -> list[Row[Any]]:
    """The approved ventures' cards (slug, logo, name, mission, region), by name."""
    return list(db.execute(_VENTURE_CARDS))


def venture_choices(db: Session) -> list[Row[Any]]:
    """The approved ventures' ids, slugs and names, by name: the catalogue's venture filter,
    and the names a search matches (one query serves both)."""
    return list(db.execute(_VENTURE_CHOICES))


def featured_ventures(db: Session, limit: int = 6) -> list[Row[Any]]:
    """The cards of the featured ventures first, then the oldest."""
    return list(db.execute(_FEATURED, {"limit": limit}))


def popular_products(db: Session, limit: int = 8) -> list[Card]:
    return list(db.scalars(_POPULAR, {"limit": limit}))


SUGGESTIONS = 8


def suggestions(db: Session, typed: str) -> list[str]:
    """Up to ``SUGGESTIONS`` venture names and product titles for a search being typed."""
    return search.suggest(db, _VISIBLE_PRODUCTS, typed.strip()[:100], SUGGESTIONS)


_VISIBLE_PRODUCTS = visible_products()  # one statement: the search's are built once for it


def did_you_mean(db: Session, query: ProductQuery, page: Page[Any]) -> str:
    """A corrected query when a search's first page found little (fewer than 3), else ""."""
    first = not (query.start.after or query.start.before) and query.start.page == 1
    if not query.q.strip() or not first or page.count is None or page.count >= 3:
        return ""
    return search.did_you_mean(db, query.q.strip()[:100])
