"""The rules of shopping trends: which term a query counts as, periods, shares, conversion."""

from datetime import date

import pytest

from storefront.domain.trends import (
    MAX_TERM_LENGTH,
    conversion_bp,
    in_vocabulary,
    period_window,
    search_term,
    share_bp,
    visitor_of,
)


@pytest.mark.parametrize(
    ("typed", "term"),
    [
        ("  ＳＯＡＰ  ", "soap"),
        ("Soap!!  bar", "soap bar"),
        ("수제 비누를", "수제 비누를"),
        ("", None),
        ("!?  ...", None),
    ],
)
def test_a_query_counts_as_its_normalised_words(typed, term):
    assert search_term(typed) == term


def test_a_long_query_is_cut_to_whole_words_that_fit():
    term = search_term(" ".join(["candle"] * 30))
    assert term is not None and len(term) <= MAX_TERM_LENGTH and term.endswith("candle")


def test_periods_are_days_or_weeks_ending_today_and_unknown_ones_the_last_30_days():
    today = date(2026, 12, 2)  # a Wednesday
    week = period_window("week", today)
    assert (week.grain, week.starts[0], week.starts[-1]) == ("day", date(2026, 11, 26), today)
    quarter = period_window("quarter", today)
    assert quarter.grain == "week" and len(quarter.starts) == 13
    assert quarter.starts[-1] == date(2026, 11, 30)
    assert period_window("year", today) == period_window("month", today)
    assert len(period_window("month", today).starts) == 30


def test_shares_and_conversion_round_down_and_say_when_there_is_nothing():
    assert share_bp(1, 3) == 3333
    assert share_bp(5, 0) == 0
    assert conversion_bp(2, 3) == 6666
    assert conversion_bp(1, 0) is None


@pytest.mark.parametrize(
    ("address", "visitor"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:DB8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),  # an IPv4 client of a dual-stack socket
        ("", ""),
        ("unknown", "unknown"),
    ],
)
def test_a_visitor_is_its_ipv4_address_or_its_ipv6_64_network(address, visitor):
    assert visitor_of(address) == visitor


def test_a_term_is_in_the_vocabulary_only_when_each_of_its_words_is():
    known = {"우리밀", "쿠키", "세트", "soap"}
    assert in_vocabulary("쿠키", known)
    assert in_vocabulary("우리밀 쿠키", known)
    assert in_vocabulary("쿠키를", known)  # a particle is dropped, as "did you mean" does
    assert in_vocabulary("soap", known)
    assert not in_vocabulary("쿠키 바보", known)  # one unknown word is enough
    assert not in_vocabulary("010 1234 5678", known)  # numbers are never vocabulary words
    assert not in_vocabulary("", known)
