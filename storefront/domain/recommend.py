"""Item-to-item recommendations from co-purchases: plain Python, no database.

The model is the "customers who bought this also bought" of item-to-item collaborative
filtering (Linden, Smith and York, 2003): each shopper is the set of products they bought,
and two products are alike when the same shoppers bought both. The similarity is the cosine
of the two products' columns of the shopper x product matrix (0/1: bought or not), which
divides the co-purchases by the geometric mean of the two products' popularity, so that a
best-seller is not "bought together" with everything; it is shrunk towards 0 when few
shoppers support it (Koren's shrinkage, ``c / (c + SHRINKAGE)``), so that one shopper who
bought two things does not make them each other's best match:

    sim(i, j) = c(i, j) / sqrt(n(i) * n(j)) * c(i, j) / (c(i, j) + SHRINKAGE)

with ``c(i, j)`` the shoppers who bought both and ``n(i)`` the shoppers who bought ``i``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SHRINKAGE = 2.0
# A pair bought together by fewer distinct shoppers is left out: "bought together" is shown
# to everyone, and a pair only one shopper bought would show that shopper's basket.
MIN_SHOPPERS = 2


@dataclass(frozen=True)
class Neighbour:
    product_id: int
    score: float


def similarities(
    baskets: Iterable[Iterable[int]],
    shrinkage: float = SHRINKAGE,
    min_shoppers: int = MIN_SHOPPERS,
) -> dict[int, list[Neighbour]]:
    """Each product's neighbours by shrunk cosine similarity, best first (ties by id).

    ``baskets`` holds, for each shopper, the products they bought (repeats count once); a
    pair that fewer than ``min_shoppers`` of them bought both of is no one's neighbour.
    """
    bought: Counter[int] = Counter()
    together: Counter[tuple[int, int]] = Counter()
    for basket in baskets:
        items = sorted(set(basket))
        bought.update(items)
        for a_index, a in enumerate(items):
            for b in items[a_index + 1 :]:
                together[(a, b)] += 1
    neighbours: dict[int, list[Neighbour]] = {}
    for (a, b), shared in together.items():
        if shared < min_shoppers:
            continue
        score = shared / math.sqrt(bought[a] * bought[b]) * shared / (shared + shrinkage)
        neighbours.setdefault(a, []).append(Neighbour(b, score))
        neighbours.setdefault(b, []).append(Neighbour(a, score))
    for found in neighbours.values():
        found.sort(key=lambda n: (-n.score, n.product_id))
    return neighbours


def rank(
    candidates: Iterable[int],
    similar: Mapping[int, float],
    popularity: Mapping[int, int],
    limit: int,
) -> list[Neighbour]:
    """The best ``limit`` of ``candidates``: the similar ones first, by similarity, then the
    rest by popularity (units sold), ties by id."""
    ordered = sorted(
        set(candidates),
        key=lambda p: (-similar.get(p, 0.0), -popularity.get(p, 0), p),
    )
    return [Neighbour(p, similar.get(p, 0.0)) for p in ordered[:limit]]


def for_shopper(
    seeds: Iterable[int], neighbours: Mapping[int, list[Neighbour]], limit: int
) -> list[Neighbour]:
    """What to show a shopper who bought (or saved) ``seeds``: every neighbour of a seed,
    scored by the sum of its similarities to the seeds, the seeds themselves left out."""
    seen = set(seeds)
    scores: dict[int, float] = {}
    for seed in seen:
        for n in neighbours.get(seed, []):
            if n.product_id not in seen:
                scores[n.product_id] = scores.get(n.product_id, 0.0) + n.score
    best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [Neighbour(p, s) for p, s in best]
