from decimal import Decimal

import pytest
from babel.numbers import format_currency

from storefront.domain.money import (
    apply_rate_bp,
    exponent,
    format_rate_bp,
    percent_to_bp,
    to_decimal,
)


def test_krw_has_no_minor_unit_and_usd_has_two():
    assert exponent("KRW") == 0
    assert exponent("USD") == 2


def test_minor_units_become_exact_decimals():
    assert to_decimal(15000, "KRW") == Decimal("15000")
    assert to_decimal(1999, "USD") == Decimal("19.99")


@pytest.mark.parametrize(("locale", "expected"), [("ko", "₩15,000"), ("en", "₩15,000")])
def test_won_is_formatted_without_decimals(locale, expected):
    assert format_currency(to_decimal(15000, "KRW"), "KRW", locale=locale) == expected


@pytest.mark.parametrize(
    ("amount", "rate_bp", "expected"),
    [
        (15000, 500, 750),  # 5% of ₩15,000
        (18900, 500, 945),
        (3300, 700, 231),  # 231.0
        (3333, 500, 166),  # 166.65 rounds down
        (19, 500, 0),  # 0.95 rounds down to nothing
        (945, 10000, 945),  # a 1:1 match
        (945, 5000, 472),  # a 1:2 match, 472.5 rounds down
        (0, 500, 0),
    ],
)
def test_rates_round_down_to_the_whole_minor_unit(amount, rate_bp, expected):
    assert apply_rate_bp(amount, rate_bp) == expected


def test_negative_amounts_or_rates_are_refused():
    with pytest.raises(ValueError):
        apply_rate_bp(-1, 500)
    with pytest.raises(ValueError):
        apply_rate_bp(100, -5)


@pytest.mark.parametrize(
    ("bp", "text"), [(500, "5"), (1250, "12.5"), (10000, "100"), (0, "0"), (5, "0.05")]
)
def test_rates_are_shown_without_float_noise(bp, text):
    assert format_rate_bp(bp) == text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("01012345678", "010-1234-5678"),
        ("025551234", "02-555-1234"),
        ("0311234567", "031-123-4567"),
        ("0212345678", "02-1234-5678"),
        ("12345", "12345"),
    ],
)
def test_phone_numbers_are_written_the_korean_way(raw, shown):
    from storefront.web.helpers import phone

    assert phone(raw) == shown


@pytest.mark.parametrize(
    ("typed", "rate_bp"),
    [("5", 500), ("5.5", 550), ("12.25", 1225), (" 7.50 ", 750), ("0", 0), ("100", 10000)],
)
def test_a_typed_percentage_becomes_basis_points(typed, rate_bp):
    assert percent_to_bp(typed) == rate_bp


def test_a_fraction_of_a_basis_point_is_rounded_down():
    assert percent_to_bp("5.559") == 555
    assert percent_to_bp("0.009") == 0


@pytest.mark.parametrize("typed", ["5", "7.5", "12.25", "100"])
def test_a_rate_read_from_a_percentage_is_shown_back_as_typed(typed):
    assert format_rate_bp(percent_to_bp(typed)) == typed


@pytest.mark.parametrize("typed", ["", "five", "-5", "NaN", "Infinity", "5%"])
def test_text_that_is_not_a_percentage_is_refused(typed):
    with pytest.raises(ValueError, match="not a percentage"):
        percent_to_bp(typed)
