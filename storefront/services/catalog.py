"""Find products and ventures for the storefront, in a fixed number of queries per page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Select, UnaryExpression, false, select
from sqlalchemy.orm import Session, contains_eager

from storefront.domain.catalog import CATEGORIES, SORTS
from storefront.models import Product, Venture
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


def effective_sort(query: ProductQuery) -> str:
    """The shopper's sort if known; else best match first when searching, newest otherwise."""
    searching = bool(query.q.strip())
    if query.sort in SORTS and (query.sort != "relevance" or searching):
        return query.sort
    return "relevance" if searching else "newest"


def search_products(
    db: Session,
    query: ProductQuery,
    per_page: int,
    count: bool = True,
    ventures: Sequence[Row[tuple[int, str, str]]] | None = None,
) -> Page[Product]:
    """Return one page of products matching the query (two SQL queries: the page, and a count
    up to ``COUNT_UP_TO`` unless ``count`` is off; a search adds one, the ventures' names,
    unless ``ventures`` brings them from ``venture_choices``).

    With search text, products are found through the search index and, unless the shopper
    picked another sort, ranked best match first.
    """
    stmt = visible_products()
    if query.category in CATEGORIES:
        stmt = stmt.where(Product.category == query.category)
    if query.venture:
        stmt = stmt.where(Venture.slug == query.venture)
    text = query.q.strip()[:100]
    approved = None if ventures is None else [(v.id, v.name) for v in ventures]
    found = search.match(db, stmt, text, approved) if text else None
    sort = effective_sort(query)
    orderings: dict[str, tuple[UnaryExpression[Any], ...]] = {
        "newest": (Product.created_at.desc(), Product.id.desc()),
        "price_asc": (Product.price.asc(), Product.id.asc()),
        "price_desc": (Product.price.desc(), Product.id.desc()),
        "popular": (Product.units_sold.desc(), Product.id.desc()),
    }
    count_up_to = COUNT_UP_TO if count else 0
    if found is not None and sort == "relevance":
        # title matches, then venture-name matches, then the rest; newest first in each
        matching = found.stmt.where(found.matches)
        # Every product of a venture whose name answers the query matches (its name is in
        # the product's index row, which every product has): counted through the product's
        # venture index, without the search index, they alone may already be "1,000+".
        named = stmt.where(Product.venture_id.in_(found.ventures)) if found.ventures else None
        return paginate_tiers(
            db,
            found.stmt,
            found.tiers,
            Product.id,
            query.start,
            per_page,
            matching,
            count_up_to,
            named,
            stmt,  # the page's rows, by id: without the search index
        )
    if found is not None:
        stmt = found.stmt.where(found.matches)
    elif text:  # nothing searchable in it (only punctuation, say): nothing matches
        stmt = stmt.where(false())
    order_by = orderings.get(sort, orderings["newest"])
    return paginate(db, stmt, order_by, query.start, per_page, count_up_to)


def get_visible_product(db: Session, product_id: int) -> Product | None:
    """Return a product a shopper may see, or None."""
    return db.scalars(visible_products().where(Product.id == product_id)).first()


def venture_choices(db: Session) -> list[Row[tuple[int, str, str]]]:
    """The approved ventures' ids, slugs and names, by name: the catalogue's venture filter,
    and the names a search matches (one query serves both)."""
    stmt = select(Venture.id, Venture.slug, Venture.name).where(Venture.status == "approved")
    return list(db.execute(stmt.order_by(Venture.name)))


def approved_ventures(db: Session) -> list[Venture]:
    return list(
        db.scalars(select(Venture).where(Venture.status == "approved").order_by(Venture.name))
    )


def get_approved_venture(db: Session, slug: str) -> Venture | None:
    return db.scalars(
        select(Venture).where(Venture.slug == slug, Venture.status == "approved")
    ).first()


def featured_ventures(db: Session, limit: int = 6) -> list[Venture]:
    return list(
        db.scalars(
            select(Venture)
            .where(Venture.status == "approved")
            .order_by(Venture.featured.desc(), Venture.id)
            .limit(limit)
        )
    )


def popular_products(db: Session, limit: int = 8) -> list[Product]:
    stmt = visible_products().where(Product.stock > 0)
    # the popular sort's order, which ix_product_popular walks from its end
    order = (Product.units_sold.desc(), Product.id.desc())
    return list(db.scalars(stmt.order_by(*order).limit(limit)))


SUGGESTIONS = 8


def suggestions(db: Session, typed: str) -> list[str]:
    """Up to ``SUGGESTIONS`` venture names and product titles for a search being typed."""
    return search.suggest(db, visible_products(), typed.strip()[:100], SUGGESTIONS)


def did_you_mean(db: Session, query: ProductQuery, page: Page[Product]) -> str:
    """A corrected query when a search's first page found little (fewer than 3), else ""."""
    first = not (query.start.after or query.start.before) and query.start.page == 1
    if not query.q.strip() or not first or page.count is None or page.count >= 3:
        return ""
    return search.did_you_mean(db, query.q.strip()[:100])
