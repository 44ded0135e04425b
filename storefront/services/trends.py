"""Shopping trends: searches and product views folded in from the cache's counters, and the
figures of /trends and a seller's market view, each in a fixed handful of queries.

Folding writes the day's running totals as they stand in the cache, never adds to them: a
row only ever grows to the larger of what it holds and what is folded (``greatest``), so a
fold run twice, or by two workers at once, or after the counters were lost and began again,
never counts a search twice.

Sales come from the running totals of services/sales.py (``sales_product_day``), by the Seoul
day the order was paid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storefront.domain.periods import Window, period_start, shift
from storefront.domain.search import matches, parse_query
from storefront.domain.trends import conversion_bp, in_vocabulary, share_bp, term_words
from storefront.models import (
    Product,
    ProductViewStat,
    SalesProductDay,
    SearchStat,
    SearchTerm,
    Venture,
)
from storefront.services.search import Document

BATCH = 500  # rows per INSERT: well under SQLite's bound parameters
TERM_CANDIDATES = 50  # most searched terms a venture's products are matched against


# -- folding the cache's counters ----------------------------------------------------------


def _greater(db: Session, a: Any, b: Any) -> ColumnElement[int]:
    if db.get_bind().dialect.name == "postgresql":
        return func.greatest(a, b)
    return func.max(a, b)  # SQLite's max() of two arguments is a scalar function


def _insert(db: Session) -> Any:
    return pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert


def fold_searches(db: Session, day: date, counts: Mapping[str, tuple[int, int]]) -> int:
    """Bring the day's ``search_stat`` rows up to ``counts`` (term -> searches, people);
    return how many rows changed. Only rows that would grow are written."""
    held = {
        term: (searches, people)
        for term, searches, people in db.execute(
            select(SearchStat.term, SearchStat.searches, SearchStat.people).where(
                SearchStat.day == day
            )
        )
    }
    rows = []
    for term, (searches, people) in counts.items():
        old_searches, old_people = held.get(term, (0, 0))
        if term not in held or searches > old_searches or people > old_people:
            rows.append({"day": day, "term": term, "searches": searches, "people": people})
    for start in range(0, len(rows), BATCH):
        stmt = _insert(db)(SearchStat).values(rows[start : start + BATCH])
        db.execute(
            stmt.on_conflict_do_update(
                index_elements=["day", "term"],
                set_={
                    "searches": _greater(db, SearchStat.searches, stmt.excluded.searches),
                    "people": _greater(db, SearchStat.people, stmt.excluded.people),
                },
            )
        )
    return len(rows)


def fold_views(db: Session, day: date, counts: Mapping[int, int]) -> int:
    """Bring the day's ``product_view_stat`` rows up to ``counts`` (product id -> views),
    for products that exist; return how many rows changed."""
    if not counts:
        return 0
    existing = set(db.scalars(select(Product.id).where(Product.id.in_(list(counts)))))
    held = {
        int(product_id): int(views)
        for product_id, views in db.execute(
            select(ProductViewStat.product_id, ProductViewStat.views).where(
                ProductViewStat.day == day
            )
        )
    }
    rows = [
        {"day": day, "product_id": product_id, "views": views}
        for product_id, views in counts.items()
        if product_id in existing and views > held.get(product_id, -1)
    ]
    for start in range(0, len(rows), BATCH):
        stmt = _insert(db)(ProductViewStat).values(rows[start : start + BATCH])
        db.execute(
            stmt.on_conflict_do_update(
                index_elements=["day", "product_id"],
                set_={"views": _greater(db, ProductViewStat.views, stmt.excluded.views)},
            )
        )
    return len(rows)


# -- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermCount:
    term: str
    searches: int
    people: int  # the most distinct visitors on one day of the period


@dataclass(frozen=True)
class ProductUnits:
    product_id: int
    title: str
    units: int


@dataclass
class CategorySeries:
    category: str
    units: list[int]  # per period of the window

    @property
    def total(self) -> int:
        return sum(self.units)


@dataclass
class Trends:
    window: Window
    category: str
    terms: list[TermCount]
    units: list[int]  # per period, of the category (every category when none is chosen)
    categories: list[CategorySeries]  # best-selling first
    products: list[ProductUnits]


def _as_date(day: Any) -> date:
    return day if isinstance(day, date) else date.fromisoformat(str(day)[:10])


def _by_product(rows: Any) -> dict[int, int]:
    return {int(product_id): int(count or 0) for product_id, count in rows}


def _end(window: Window) -> date:
    return shift(window.starts[-1], window.grain, 1)


def top_terms(db: Session, window: Window, min_people: int, limit: int = 10) -> list[TermCount]:
    """The most searched terms of the window that at least ``min_people`` distinct visitors
    searched on one of its days and whose every word is in the shop's search vocabulary
    (``search_term``), so free text never shows (two queries: the most searched
    ``TERM_CANDIDATES`` or ``limit``, then which of their words the vocabulary knows)."""
    searches = func.sum(SearchStat.searches)
    people = func.max(SearchStat.people)
    rows = db.execute(
        select(SearchStat.term, searches, people)
        .where(SearchStat.day >= window.starts[0], SearchStat.day < _end(window))
        .group_by(SearchStat.term)
        .having(people >= min_people)
        .order_by(searches.desc(), SearchStat.term)
        .limit(max(limit, TERM_CANDIDATES))
    ).all()
    words = sorted({word for term, _s, _p in rows for word in term_words(str(term))})
    known = (
        set(db.scalars(select(SearchTerm.term).where(SearchTerm.term.in_(words))))
        if words
        else set()
    )
    return [TermCount(str(t), int(s), int(p)) for t, s, p in rows if in_vocabulary(str(t), known)][
        :limit
    ]


def _visible() -> ColumnElement[bool]:
    """The products shoppers may see (as ``catalog.visible_products``); joined to Venture."""
    return (Product.status == "published") & (Venture.status == "approved")


def trends(db: Session, window: Window, category: str, min_people: int, limit: int = 10) -> Trends:
    """What the whole shop searched for and bought over the window (four queries). Sales
    count only products shoppers may see today: a draft, an archived product or one of a
    venture not approved never shows its title or units here."""
    index = {start: i for i, start in enumerate(window.starts)}
    rows = db.execute(
        select(SalesProductDay.day, Product.category, func.sum(SalesProductDay.units))
        .join(Product, Product.id == SalesProductDay.product_id)
        .join(Venture, Venture.id == Product.venture_id)
        .where(
            SalesProductDay.day >= window.starts[0],
            SalesProductDay.day < _end(window),
            _visible(),
        )
        .group_by(SalesProductDay.day, Product.category)
    ).all()
    series: dict[str, CategorySeries] = {}
    for day, name, units in rows:
        at = index.get(period_start(_as_date(day), window.grain))
        if at is None:
            continue
        found = series.setdefault(name, CategorySeries(name, [0] * len(window.starts)))
        found.units[at] += int(units)
    chosen = [s for s in series.values() if not category or s.category == category]
    per_period = [sum(s.units[i] for s in chosen) for i in range(len(window.starts))]

    sold = func.sum(SalesProductDay.units)
    best = (
        select(SalesProductDay.product_id, func.max(SalesProductDay.title), sold)
        .join(Product, Product.id == SalesProductDay.product_id)
        .join(Venture, Venture.id == Product.venture_id)
        .where(
            SalesProductDay.day >= window.starts[0],
            SalesProductDay.day < _end(window),
            _visible(),
        )
        .group_by(SalesProductDay.product_id)
        .having(sold > 0)
        .order_by(sold.desc(), SalesProductDay.product_id)
        .limit(limit)
    )
    if category:
        best = best.where(Product.category == category)
    return Trends(
        window=window,
        category=category,
        terms=top_terms(db, window, min_people, limit),
        units=per_period,
        categories=sorted(
            (s for s in series.values() if s.total > 0), key=lambda s: (-s.total, s.category)
        ),
        products=[ProductUnits(int(p), str(t), int(u)) for p, t, u in db.execute(best)],
    )


@dataclass
class CategoryShare:
    category: str
    venture_revenue: int
    shop_revenue: int

    @property
    def share_bp(self) -> int:
        return share_bp(self.venture_revenue, self.shop_revenue)


@dataclass(frozen=True)
class Conversion:
    product_id: int
    title: str
    views: int
    units: int

    @property
    def rate_bp(self) -> int | None:
        return conversion_bp(self.units, self.views)


@dataclass
class Market:
    window: Window
    shares: list[int]  # per period: the venture's share of its categories' sales, in bp
    categories: list[CategoryShare]
    terms: list[TermCount]
    conversions: list[Conversion] = field(default_factory=list)


def market(db: Session, venture_id: int, window: Window, min_people: int) -> Market:
    """How a venture's categories sell against the whole shop, which popular searches list
    its products, and its products' views against units ordered (six queries)."""
    first, end = window.starts[0], _end(window)
    index = {start: i for i, start in enumerate(window.starts)}
    ours = SalesProductDay.venture_id == venture_id
    products = db.execute(
        select(Product.id, Product.title, Product.description, Product.category, Venture.name)
        .join(Venture, Venture.id == Product.venture_id)
        .where(Product.venture_id == venture_id)
    ).all()
    own_categories = {category for _id, _t, _d, category, _v in products}

    rows = db.execute(
        select(
            SalesProductDay.day,
            Product.category,
            func.sum(SalesProductDay.revenue),
            func.sum(case((ours, SalesProductDay.revenue), else_=0)),
        )
        .join(Product, Product.id == SalesProductDay.product_id)
        .where(
            SalesProductDay.day >= first,
            SalesProductDay.day < end,
            Product.category.in_(sorted(own_categories) or [""]),
        )
        .group_by(SalesProductDay.day, Product.category)
    ).all()
    whole, part = [0] * len(window.starts), [0] * len(window.starts)
    by_category = {name: CategoryShare(name, 0, 0) for name in sorted(own_categories)}
    for day, name, shop_revenue, venture_revenue in rows:
        at = index.get(period_start(_as_date(day), window.grain))
        if at is None:
            continue
        whole[at] += int(shop_revenue)
        part[at] += int(venture_revenue)
        by_category[name].shop_revenue += int(shop_revenue)
        by_category[name].venture_revenue += int(venture_revenue or 0)

    documents = [
        Document(pid, title, venture, description)
        for pid, title, description, _c, venture in products
    ]
    found = [frozenset((*d.title, *d.venture, *d.body)) for d in documents]
    terms = [
        term
        for term in top_terms(db, window, min_people, TERM_CANDIDATES)
        if (clauses := parse_query(term.term)) and any(matches(clauses, f) for f in found)
    ]

    views = _by_product(
        db.execute(
            select(ProductViewStat.product_id, func.sum(ProductViewStat.views))
            .join(Product, Product.id == ProductViewStat.product_id)
            .where(
                Product.venture_id == venture_id,
                ProductViewStat.day >= first,
                ProductViewStat.day < end,
            )
            .group_by(ProductViewStat.product_id)
        )
    )
    units = _by_product(
        db.execute(
            select(SalesProductDay.product_id, func.sum(SalesProductDay.units))
            .where(ours, SalesProductDay.day >= first, SalesProductDay.day < end)
            .group_by(SalesProductDay.product_id)
        )
    )
    titles = {pid: title for pid, title, _d, _c, _v in products}
    conversions = sorted(
        (
            Conversion(pid, titles.get(pid, ""), int(views.get(pid, 0)), int(units.get(pid, 0)))
            for pid in set(views) | set(units)
        ),
        key=lambda c: (-c.views, -c.units, c.product_id),
    )
    return Market(
        window=window,
        shares=[share_bp(p, w) for p, w in zip(part, whole, strict=True)],
        categories=[c for c in by_category.values() if c.shop_revenue > 0],
        terms=terms,
        conversions=conversions,
    )
