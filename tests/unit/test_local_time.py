"""The shop's calendar is Seoul's: a date is the Seoul date of a UTC moment, never its UTC date."""

from datetime import UTC, date, datetime, timedelta

import pytest

from storefront.domain.order_numbers import new_order_number
from storefront.domain.periods import SEOUL, local_date, local_today, to_utc, utcnow

# 08:30 on 10 March 2026 in Seoul: still 9 March in UTC.
HALF_PAST_EIGHT = datetime(2026, 3, 10, 8, 30, tzinfo=SEOUL).astimezone(UTC)


def test_before_nine_in_the_morning_seoul_is_a_day_ahead_of_utc():
    assert HALF_PAST_EIGHT.date() == date(2026, 3, 9)
    assert local_today(HALF_PAST_EIGHT) == date(2026, 3, 10)
    assert local_date(HALF_PAST_EIGHT) == date(2026, 3, 10)


def test_the_seoul_day_changes_at_midnight_in_seoul_not_in_utc():
    midnight = to_utc(date(2026, 3, 10))
    assert midnight == datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
    assert local_today(midnight) == date(2026, 3, 10)
    assert local_today(midnight - timedelta(microseconds=1)) == date(2026, 3, 9)


def test_today_without_a_moment_is_the_seoul_date_of_the_clock():
    before = local_date(utcnow())
    assert local_today() in {before, before + timedelta(days=1)}


def test_a_naive_datetime_has_no_seoul_date():
    with pytest.raises(ValueError, match="naive"):
        local_today(datetime(2026, 3, 10, 8, 30))


def test_the_clock_is_aware_utc():
    assert utcnow().utcoffset() == timedelta(0)


def test_an_order_placed_before_nine_is_numbered_with_the_seoul_date():
    assert new_order_number(HALF_PAST_EIGHT).startswith("SS-260310-")
