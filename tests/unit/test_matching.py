"""Matching-fund rules: which fund matches a line, caps per order, and sharing a partial draw."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from storefront.domain.matching import FundTerms, Match, MatchLine, allocate, plan

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def fund(fund_id, rate_bp=10000, cap=None, ventures=(), categories=(), starts=None, ends=None):
    return FundTerms(
        fund_id, rate_bp, cap, frozenset(ventures), frozenset(categories), starts, ends
    )


def test_allocate_shares_by_weight_and_gives_leftover_units_to_the_largest_remainders():
    # 100 over three equal weights is 33.33 each: the leftover won goes to the first
    assert allocate(100, [100, 100, 100]) == [34, 33, 33]
    # 10 over 3:7 is exact
    assert allocate(10, [3, 7]) == [3, 7]
    # 5 over 2:2:6 is 1, 1, 3 exactly
    assert allocate(5, [2, 2, 6]) == [1, 1, 3]
    # 7 over 10:20 is 2.33 and 4.67: the larger remainder (0.67) takes the extra won
    assert allocate(7, [10, 20]) == [2, 5]
    assert allocate(0, [5, 5]) == [0, 0]
    assert allocate(9, [0, 0]) == [0, 0]
    assert allocate(50, [10, 20]) == [10, 20]  # more than wanted: each gets its weight


@given(st.integers(0, 10**9), st.lists(st.integers(0, 10**7), min_size=1, max_size=12))
def test_allocate_always_adds_up_and_never_gives_a_share_more_than_its_weight(total, weights):
    shares = allocate(total, weights)
    assert sum(shares) == min(total, sum(weights)) if sum(weights) else sum(shares) == 0
    assert all(0 <= s <= w for s, w in zip(shares, weights, strict=True))


def test_a_line_takes_a_fund_aimed_at_it_first_then_the_one_closing_soonest():
    lines = [MatchLine(1, "food", 1000), MatchLine(2, "fashion", 1000), MatchLine(3, "home", 0)]
    funds = [
        fund(1),  # open-ended, for everything
        fund(2, rate_bp=20000, categories={"food"}, ends=NOW + timedelta(days=3)),
        fund(3, ventures={2}, ends=NOW + timedelta(days=9)),
        fund(4, ends=NOW - timedelta(days=1)),  # over
        fund(5, starts=NOW + timedelta(days=1)),  # not yet
    ]
    assert plan(lines, funds, NOW) == [
        Match(2, 20000, 2000),  # food: the 2:1 food fund
        Match(3, 10000, 1000),  # venture 2's own fund before the fund for everything
        Match(None, 0, 0),  # nothing given, nothing matched
    ]
    # among funds for everything, the one that closes first; then the oldest
    general = [fund(7), fund(8, ends=NOW + timedelta(days=9)), fund(6)]
    assert plan([MatchLine(5, "home", 100)], general, NOW) == [Match(8, 10000, 100)]
    assert plan([MatchLine(5, "home", 100)], [fund(7), fund(6)], NOW) == [Match(6, 10000, 100)]
    # a targeted fund comes first even when a general one closes sooner
    both = [fund(1, ends=NOW + timedelta(hours=1)), fund(2, categories={"home"})]
    assert plan([MatchLine(5, "home", 100)], both, NOW) == [Match(2, 10000, 100)]


def test_no_open_fund_means_no_match():
    assert plan([MatchLine(1, "food", 500)], [fund(1, ventures={9})], NOW) == [Match(None, 0, 0)]


def test_the_cap_per_order_is_shared_between_the_lines_of_that_fund():
    lines = [MatchLine(1, "food", 3000), MatchLine(1, "food", 1000), MatchLine(2, "home", 999)]
    funds = [fund(1, cap=2000, ventures={1}), fund(2, rate_bp=5000)]
    # fund 1 wants 3000 + 1000 but gives at most 2000, shared 3:1; fund 2 matches 50%, down
    assert plan(lines, funds, NOW) == [
        Match(1, 10000, 1500),
        Match(1, 10000, 500),
        Match(2, 5000, 499),
    ]
