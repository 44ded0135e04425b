"""The item-to-item similarity on small hand-made sets of purchases, with known answers."""

import math

import pytest

from storefront.domain.recommend import (
    MIN_SHOPPERS,
    Neighbour,
    for_shopper,
    rank,
    similarities,
)


def test_similarity_is_the_shrunk_cosine_of_the_shoppers_who_bought_both():
    found = similarities([{1, 2}, {1, 2}, {1, 3}, {1, 3}, {1}, {4}])
    # 1 and 2: both bought by 2 shoppers, 1 by 5 and 2 by 2: 2/sqrt(5*2) shrunk by 2/(2+2)
    assert found[1][0] == Neighbour(2, pytest.approx(2 / math.sqrt(10) * 0.5))
    assert found[1][1] == Neighbour(3, pytest.approx(2 / math.sqrt(10) * 0.5))
    assert [n.product_id for n in found[2]] == [1]
    assert [n.product_id for n in found[3]] == [1]
    assert 4 not in found  # bought alone: no neighbour


def test_a_pair_only_one_shopper_bought_is_no_ones_neighbour():
    assert MIN_SHOPPERS == 2
    found = similarities([{1, 2}, {1, 2}, {1, 3}, {3, 4}])
    assert [n.product_id for n in found[1]] == [2]  # 1 and 3: one shopper's basket
    assert 3 not in found and 4 not in found
    # two shoppers, even with other things in their baskets, make it a pair
    assert [n.product_id for n in similarities([{5, 6, 7}, {5, 6}])[5]] == [6]
    # the bench's comparison can still ask for the old rule
    assert [n.product_id for n in similarities([{1, 3}], min_shoppers=1)[1]] == [3]


def test_a_best_seller_bought_with_everything_ranks_below_a_true_pair():
    baskets = [{5, 6, 9}, {5, 6, 9}, {9}, {9}, {9}]
    found = similarities(baskets)
    assert [n.product_id for n in found[5]] == [6, 9]  # as often with 9, but 9 goes with all
    assert found[5][0].score == pytest.approx(2 / math.sqrt(4) * 0.5)
    assert found[5][1].score == pytest.approx(2 / math.sqrt(10) * 0.5)


def test_shrinkage_puts_a_pair_many_shoppers_bought_above_a_pair_two_shoppers_did():
    many = [{1, 2}] * 10 + [{1}] * 5 + [{2}] * 5  # cosine 2/3 on 10 shoppers: 0.56 shrunk
    few = [{3, 4}] * 2  # cosine 1.0 on 2 shoppers: 0.5 shrunk
    found = similarities(many + few)
    assert found[1][0].score > found[3][0].score


def test_a_shopper_buying_a_product_twice_counts_once():
    assert similarities([[1, 1, 2]]) == similarities([[1, 2]])


def test_rank_puts_the_similar_first_then_the_popular():
    ranked = rank([10, 11, 12, 13], {12: 0.3, 13: 0.5}, {10: 5, 11: 9, 12: 1}, limit=3)
    assert [n.product_id for n in ranked] == [13, 12, 11]


def test_for_shopper_sums_the_similarities_to_what_they_bought_and_leaves_it_out():
    neighbours = similarities([{1, 2, 3}, {1, 2}, {2, 4}, {3, 5}] * 2)
    picked = for_shopper([1, 2], neighbours, limit=10)
    ids = [n.product_id for n in picked]
    assert 1 not in ids and 2 not in ids
    assert set(ids) == {3, 4}
    # 3 is a neighbour of both seeds, 4 of one
    assert picked[0].product_id == 3
    assert picked[0].score == pytest.approx(
        next(n.score for n in neighbours[1] if n.product_id == 3)
        + next(n.score for n in neighbours[2] if n.product_id == 3)
    )
