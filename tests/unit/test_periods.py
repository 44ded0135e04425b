from datetime import UTC, date, datetime

from storefront.domain.periods import Window, change_bp, period_start, shift, to_utc


def test_weeks_start_on_monday_and_months_on_the_first():
    assert period_start(date(2026, 11, 27), "week") == date(2026, 11, 23)
    assert period_start(date(2026, 11, 27), "month") == date(2026, 11, 1)


def test_shifting_months_crosses_years():
    assert shift(date(2026, 1, 1), "month", -1) == date(2025, 12, 1)
    assert shift(date(2025, 12, 1), "month", 1) == date(2026, 1, 1)


def test_a_window_ends_with_the_period_holding_today():
    window = Window.ending(date(2026, 11, 27), "month", 3)
    assert window.starts == (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1))
    assert window.begins_at == datetime(2026, 8, 31, 15, 0, tzinfo=UTC)  # midnight in Seoul
    assert window.ends_at == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def test_seoul_midnight_is_fifteen_hundred_utc_the_day_before():
    assert to_utc(date(2026, 11, 27)) == datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def test_change_against_the_previous_period_rounds_toward_zero():
    assert change_bp(150, 100) == 5000
    assert change_bp(50, 100) == -5000
    assert change_bp(1, 3) == -6666  # -66.66...% rounds toward zero
    assert change_bp(10, 0) is None
