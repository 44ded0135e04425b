"""Recommendations: build the item-to-item model from paid orders, and read it for pages.

``refresh`` reads what each shopper bought (lines still sold of paid orders: a fully
refunded order, or a cancelled line, is not a purchase), computes each product's neighbours
(storefront/domain/recommend.py) and rewrites the ``recommendation`` table in the caller's
transaction. A job of kind ``JOB`` runs it in the background: the every-minute scheduler
asks for one when ``due`` says enough orders were paid since the last refresh;
``flask recommend refresh`` runs it at once.

Products that cannot be bought (sold out, not published, from a venture not approved) are
left out when the model is built *and* when it is read, so a product that sells out after
a refresh is not shown. Pages never wait for the model: with no rows (before the first
refresh, or a new product) they fall back to popular products. Every read below is one or
two queries whatever the size of the catalogue and of the order history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    Subquery,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import Session

from storefront.domain import recommend as model
from storefront.models import (
    Job,
    Order,
    OrderLine,
    Product,
    Recommendation,
    SavedProduct,
    Venture,
)
from storefront.services import jobs
from storefront.services.catalog import Card, visible_cards
from storefront.services.sales import SOLD_LINES

JOB = "recommend.refresh"
STORED = 12  # matches kept per product and kind: enough left once some sell out
SHOWN = 4  # shown per section of a product page
FOR_YOU = 8  # shown in "recommended for you"


# -- building ------------------------------------------------------------------------------


def baskets(db: Session) -> dict[str, set[int]]:
    """What each shopper (by lower-cased email) bought in paid orders, lines not cancelled."""
    rows = db.execute(
        select(func.lower(Order.email), OrderLine.product_id)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(Order.status == "paid", OrderLine.status.in_(SOLD_LINES))
        .distinct()
    )
    found: dict[str, set[int]] = {}
    for shopper, product_id in rows:
        found.setdefault(shopper, set()).add(product_id)
    return found


@dataclass(frozen=True)
class Candidate:
    id: int
    venture_id: int
    cause_id: int
    units_sold: int


def candidates(db: Session) -> list[Candidate]:
    """Every product a shopper can buy now: published, in stock, of an approved venture."""
    rows = db.execute(
        _buyable(
            Product.id, Product.venture_id, Venture.default_cause_id, Product.units_sold
        ).order_by(Product.id)
    )
    return [Candidate(*row) for row in rows]


def build(
    bought: dict[str, set[int]], products: Sequence[Candidate], limit: int = STORED
) -> dict[tuple[int, str], list[model.Neighbour]]:
    """Each product's matches of each kind, best first, among ``products`` only."""
    neighbours = model.similarities(bought.values())
    popularity = {p.id: p.units_sold for p in products}
    venture_of = {p.id: p.venture_id for p in products}
    by_venture: dict[int, list[int]] = {}
    by_cause: dict[int, list[int]] = {}
    for p in products:
        by_venture.setdefault(p.venture_id, []).append(p.id)
        by_cause.setdefault(p.cause_id, []).append(p.id)
    built: dict[tuple[int, str], list[model.Neighbour]] = {}
    for p in products:
        similar = {n.product_id: n.score for n in neighbours.get(p.id, [])}
        together = [n for n in neighbours.get(p.id, []) if n.product_id in popularity]
        same_venture = [q for q in by_venture[p.venture_id] if q != p.id]
        same_cause = [q for q in by_cause[p.cause_id] if venture_of[q] != p.venture_id]
        for kind, ranked in (
            ("together", together[:limit]),
            ("venture", model.rank(same_venture, similar, popularity, limit)),
            ("cause", model.rank(same_cause, similar, popularity, limit)),
        ):
            if ranked:
                built[(p.id, kind)] = ranked
    return built


def refresh(db: Session, now: datetime) -> int:
    """Compute the model from the orders and replace the stored one; the rows written."""
    built = build(baskets(db), candidates(db))
    db.execute(delete(Recommendation))
    rows = [
        {
            "product_id": product_id,
            "kind": kind,
            "rank": position,
            "other_product_id": n.product_id,
            "score": n.score,
            "built_at": now,
        }
        for (product_id, kind), ranked in sorted(built.items())
        for position, n in enumerate(ranked, start=1)
    ]
    if rows:
        db.execute(insert(Recommendation), rows)
    return len(rows)


def due(db: Session, now: datetime, every_orders: int, max_age: timedelta) -> bool:
    """Whether a refresh is due: ``every_orders`` orders paid since the last one, or any
    since it is older than ``max_age`` (or there is no model yet and some order is paid)."""
    built_at = db.scalar(select(func.max(Recommendation.built_at)))
    paid = select(func.count()).select_from(Order).where(Order.status == "paid")
    if built_at is not None:
        paid = paid.where(Order.paid_at > built_at)
    new_orders = db.scalar(paid) or 0
    if built_at is None or now - built_at >= max_age:
        return new_orders > 0
    return new_orders >= every_orders


def ask_refresh(db: Session) -> bool:
    """Ask the job queue for a refresh, unless one is already waiting; whether one was."""
    waiting = db.scalar(
        select(func.count()).select_from(Job).where(Job.kind == JOB, Job.status == "pending")
    )
    if waiting or jobs.added(db, JOB):
        return False
    jobs.add(db, JOB, {})
    return True


# -- reading -------------------------------------------------------------------------------

POPULAR = (Product.units_sold.desc(), Product.id.desc())  # what ix_product_popular walks


def shown_cards() -> Select[Card]:
    """What may be recommended: visible products still in stock, as product cards."""
    return visible_cards().where(Product.stock > 0)


def _buyable(*columns: Any) -> Select[Any]:
    """``columns`` of the products ``shown_cards`` gives, for a subquery."""
    return (
        select(*columns)
        .select_from(Product)
        .join(Venture, Venture.id == Product.venture_id)
        .where(Product.status == "published", Venture.status == "approved", Product.stock > 0)
    )


@dataclass
class ProductMatches:
    """The product page's sections. ``together`` is empty until the model knows the product;
    ``popular`` (its category's best sellers) is shown instead."""

    together: list[Card] = field(default_factory=list)
    venture: list[Card] = field(default_factory=list)
    cause: list[Card] = field(default_factory=list)
    popular: list[Card] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.together or self.venture or self.cause or self.popular)


NEAR = "near"  # the kind given to the popular products near the product, in for_product


def for_product(
    db: Session, product: Product, venture: Venture, shown: int = SHOWN
) -> ProductMatches:
    """The product page's recommendations, in one query: the stored model's matches, and the
    popular products near this one that fill a section the model leaves short."""
    rows = db.execute(
        _FOR_PRODUCT,
        {
            "product_id": product.id,
            "venture_id": venture.id,
            "cause_id": venture.default_cause_id,
            "category": product.category,
            "each": 2 * shown,  # as sections share products
        },
    ).all()
    stored: dict[str, list[Card]] = {"together": [], "venture": [], "cause": [], NEAR: []}
    for item, kind in rows:
        stored[kind].append(item)
    matches = ProductMatches()
    taken = {product.id}
    matches.together = _take(stored["together"], shown, taken)
    short = [kind for kind in ("venture", "cause") if len(stored[kind]) < shown]
    fallback = stored[NEAR]  # always read: one query whatever the model holds
    cause_id = venture.default_cause_id
    matches.venture = _take(
        stored["venture"]
        + [p for p in fallback if p.venture_id == product.venture_id and "venture" in short],
        shown,
        taken,
    )
    matches.cause = _take(
        stored["cause"]
        + [
            p
            for p in fallback
            if "cause" in short and p.venture_id != product.venture_id and p.cause_id == cause_id
        ],
        shown,
        taken,
    )
    if not matches.together:  # what the more specific sections above left of the category
        matches.popular = _take(
            [p for p in fallback if p.category == product.category], shown, taken
        )
    return matches


def _take(products: list[Card], limit: int, taken: set[int]) -> list[Card]:
    """The first ``limit`` of ``products`` not shown yet in another section."""
    chosen: list[Card] = []
    for p in products:
        if len(chosen) == limit:
            break
        if p.id not in taken:
            chosen.append(p)
            taken.add(p.id)
    return chosen


def _popular_near() -> Subquery:
    """The ids of the best sellers of a product's venture, of its cause and of its category
    (each up to ``:each``), each once; the product itself left out.

    Three short walks down ix_product_popular, each stopping at its own limit: numbering
    every product of the three groups by sales instead (a window over a third of the
    catalogue, sorted three times) took a quarter of a second at 100,000 products."""
    groups = (
        Product.venture_id == bindparam("venture_id"),
        Venture.default_cause_id == bindparam("cause_id"),
        Product.category == bindparam("category"),
    )
    best = [
        _buyable(Product.id.label("id"))
        .where(Product.id != bindparam("product_id"), group)
        .order_by(*POPULAR)
        .limit(bindparam("each", type_=Integer))
        .subquery()
        for group in groups
    ]
    return union(*(select(b.c.id) for b in best)).subquery("near")


def _for_product_statement() -> Select[Any]:
    """(card, kind) of the product ``:product_id``'s stored matches, each kind by rank, and of
    the popular products near it (kind ``NEAR``), by sales."""
    stored_ids = select(
        Recommendation.other_product_id.label("id"),
        Recommendation.kind.label("kind"),
        Recommendation.rank.label("rank"),
    ).where(Recommendation.product_id == bindparam("product_id"))
    near = _popular_near()
    picked = union_all(
        stored_ids, select(near.c.id, literal(NEAR).label("kind"), literal(0).label("rank"))
    ).subquery("picked")
    return (
        shown_cards()
        .join(picked, picked.c.id == Product.id)
        .add_columns(picked.c.kind)
        # each kind in its order: the model's by rank, the popular ones (rank 0) by sales
        .order_by(picked.c.kind, picked.c.rank, *POPULAR)
    )


# Built once: building it took more CPU than running it (SQLAlchemy then also reuses its
# cache key and compiled form). Only the bound parameters change from product to product.
_FOR_PRODUCT = _for_product_statement()


def purchased(user_id: int) -> Select[int]:
    """The products a signed-in shopper bought: the account's paid orders (those placed while
    signed in, and guest orders claimed once the email was verified, services/shoppers.py).
    Never orders matched by email alone: an unverified account could name anyone's."""
    return (
        select(OrderLine.product_id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.user_id == user_id, Order.status == "paid")
    )


def for_account(db: Session, user_id: int, limit: int = FOR_YOU) -> list[Card]:
    """ "Recommended for you" for an account: seeded by its orders and its 찜 (the home page
    and My page)."""
    saved = select(SavedProduct.product_id).where(SavedProduct.user_id == user_id)
    return for_shopper(db, user_id, saved=saved, limit=limit)


def for_shopper(
    db: Session,
    user_id: int,
    saved: Select[int] | None = None,
    limit: int = FOR_YOU,
) -> list[Card]:
    """ "Recommended for you": the neighbours of what the shopper bought (and, given
    ``saved``, a select of product ids, what they saved), by the sum of their similarities;
    popular products fill what is left. Never what they bought or saved. Two queries."""
    seeds = purchased(user_id)
    if saved is not None:
        seeds = seeds.union(saved)  # type: ignore[assignment]
    seed_ids = seeds.subquery()
    scores = (
        select(
            Recommendation.other_product_id.label("id"),
            func.sum(Recommendation.score).label("score"),
        )
        .where(
            Recommendation.kind == "together",
            Recommendation.product_id.in_(select(seed_ids.c.product_id)),
            Recommendation.other_product_id.not_in(select(seed_ids.c.product_id)),
        )
        .group_by(Recommendation.other_product_id)
        .subquery()
    )
    chosen = list(
        db.scalars(
            shown_cards()
            .join(scores, scores.c.id == Product.id)
            .order_by(scores.c.score.desc(), Product.id)
            .limit(limit)
        )
    )
    # always asked (a constant two queries); twice as many, as some may be chosen already
    fill = popular(db, 2 * limit, seeds=select(seed_ids.c.product_id))
    return _take(chosen + fill, limit, set())


def popular(
    db: Session,
    limit: int,
    exclude: Sequence[int] = (),
    seeds: Select[int] | None = None,
) -> list[Card]:
    """The best sellers that can be bought, but for ``exclude`` and ``seeds``."""
    stmt = shown_cards()
    if exclude:
        stmt = stmt.where(Product.id.not_in(exclude))
    if seeds is not None:
        stmt = stmt.where(Product.id.not_in(seeds))
    return list(db.scalars(stmt.order_by(*POPULAR).limit(limit)))
