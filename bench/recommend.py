"""Evaluate the recommendations offline on the demo's order history.

    .venv/bin/python bench/recommend.py              # the demo's 60 orders and its history
    .venv/bin/python bench/recommend.py --orders 200 --seeds 5

Builds the demo shop in a temporary SQLite database (migrations, then the demo loader, as
``flask demo load`` does), then holds out each shopper's last order, trains on everything
else, and asks each model for ten products for each shopper from what they bought before.
A hit is a held-out order with at least one of its products among the ten; coverage is the
share of the catalogue that appears in somebody's ten. Like the shop's "recommended for
you", no model recommends what the shopper already bought, and the item-to-item models are
filled up with popular products when they know fewer than ten.

``--seeds`` repeats the whole run with other seeds of the demo's shoppers' tastes (and so
other histories), and reports the mean and the range of each figure.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import func, select

from storefront import create_app
from storefront.demo import loader
from storefront.domain import recommend as model
from storefront.extensions import db
from storefront.models import Order, OrderLine, Product, Venture
from storefront.services.sales import SOLD_LINES

K = 10
Recommender = Callable[[set[int]], list[int]]


def history() -> list[tuple[str, int, set[int]]]:
    """Each paid order, oldest first: the shopper, the order's id and what it bought."""
    rows = db.session.execute(
        select(func.lower(Order.email), Order.id, OrderLine.product_id)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .where(Order.status == "paid", OrderLine.status.in_(SOLD_LINES))
        .order_by(Order.paid_at, Order.id)
    )
    orders: dict[int, tuple[str, set[int]]] = {}
    for shopper, order_id, product_id in rows:
        orders.setdefault(order_id, (shopper, set()))[1].add(product_id)
    return [(shopper, order_id, items) for order_id, (shopper, items) in orders.items()]


def split(
    orders: list[tuple[str, int, set[int]]],
) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """Training baskets (every shopper's orders but their last) and each shopper's last."""
    last: dict[str, int] = {}
    count: Counter[str] = Counter()
    for shopper, order_id, _items in orders:
        last[shopper] = order_id
        count[shopper] += 1
    train: dict[str, set[int]] = {}
    held: dict[str, set[int]] = {}
    for shopper, order_id, items in orders:
        if order_id == last[shopper] and count[shopper] > 1:
            held[shopper] = items
        else:
            train.setdefault(shopper, set()).update(items)
    return train, held


def popularity(train: Mapping[str, set[int]], catalogue: list[int]) -> Recommender:
    bought = Counter(p for items in train.values() for p in items)
    ranked = sorted(catalogue, key=lambda p: (-bought[p], -p))  # the shop's order: ties by id

    def recommend(seen: set[int]) -> list[int]:
        return [p for p in ranked if p not in seen][:K]

    return recommend


def item_to_item(
    neighbours: Mapping[int, list[model.Neighbour]], fallback: Recommender
) -> Recommender:
    def recommend(seen: set[int]) -> list[int]:
        picked = [n.product_id for n in model.for_shopper(seen, neighbours, K)]
        return (picked + [p for p in fallback(seen) if p not in picked])[:K]

    return recommend


def co_counts(train: Mapping[str, set[int]]) -> dict[int, list[model.Neighbour]]:
    """Raw co-purchase counts, without dividing by popularity or shrinking."""
    together: Counter[tuple[int, int]] = Counter()
    for items in train.values():
        for a in items:
            for b in items:
                if a != b:
                    together[(a, b)] += 1
    found: dict[int, list[model.Neighbour]] = {}
    for (a, b), shared in together.items():
        found.setdefault(a, []).append(model.Neighbour(b, float(shared)))
    return found


def evaluate(
    recommend: Recommender, train: Mapping[str, set[int]], held: Mapping[str, set[int]], size: int
) -> tuple[float, float]:
    hits, shown = 0, set()
    for shopper, items in held.items():
        top = recommend(train.get(shopper, set()))
        shown.update(top)
        hits += bool(items & set(top))
    return hits / len(held), len(shown) / size


def run(order_count: int, seed: int, folder: Path) -> dict[str, tuple[float, float]]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / f'bench-{seed}.db'}",
            "MEDIA_ROOT": str(folder / "media"),
            "PAYOUT_PROOFS_ROOT": str(folder / "receipts"),
            "LOG_SIGNING_KEY_FILE": str(folder / "log.key"),
            "JOBS_IN_PROCESS": False,
            "CACHE_TYPE": "NullCache",
            "SERVER_NAME": "shop.test",
        }
    )
    loader.SEED = seed
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        loader.load_shop(db.session(), app.config, order_count)
        db.session.commit()
        catalogue = list(
            db.session.scalars(
                select(Product.id)
                .join(Venture, Venture.id == Product.venture_id)
                .where(Product.status == "published", Venture.status == "approved")
            )
        )
        train, held = split(history())
    popular = popularity(train, catalogue)
    models: dict[str, Recommender] = {
        "popularity": popular,
        "item-to-item, shrunk cosine (the shop's)": item_to_item(
            model.similarities(train.values()), popular
        ),
        "item-to-item, shrunk cosine, pairs of one shopper kept": item_to_item(
            model.similarities(train.values(), min_shoppers=1), popular
        ),
        "item-to-item, cosine without shrinkage": item_to_item(
            model.similarities(train.values(), shrinkage=0.0), popular
        ),
        "co-purchase counts": item_to_item(co_counts(train), popular),
    }
    print(
        f"seed {seed}: {sum(len(v) for v in train.values())} training purchases by "
        f"{len(train)} shoppers, {len(held)} held-out orders, {len(catalogue)} products",
        file=sys.stderr,
    )
    return {name: evaluate(r, train, held, len(catalogue)) for name, r in models.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=60, help="as flask demo load --orders")
    parser.add_argument("--seeds", type=int, default=1, help="runs, each with its own seed")
    args = parser.parse_args()
    first = loader.SEED
    results: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.seeds):
            for name, figures in run(args.orders, first + 1000 * i, Path(tmp)).items():
                results.setdefault(name, []).append(figures)
    print(f"| model | hit rate@{K} | catalogue coverage |")
    print("|---|---|---|")
    for name, runs in results.items():
        hit = [h for h, _ in runs]
        cover = [c for _, c in runs]
        spread = lambda xs: "" if len(xs) == 1 else f" ({min(xs):.0%}–{max(xs):.0%})"  # noqa: E731
        print(
            f"| {name} | {sum(hit) / len(hit):.1%}{spread(hit)} "
            f"| {sum(cover) / len(cover):.1%}{spread(cover)} |"
        )


if __name__ == "__main__":
    main()
