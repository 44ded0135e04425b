import pytest

from storefront.domain.accounts import (
    format_business_number,
    normalise_email,
    password_problem,
    valid_business_number,
)


def test_emails_compare_without_case_or_spaces():
    assert normalise_email("  Owner@Example.COM ") == "owner@example.com"


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "too_short"),
        ("aaaaaaaaaaaa", "too_guessable"),
        ("owner@example.com", "too_guessable"),
        ("correct horse battery", None),
    ],
)
def test_passwords_must_be_long_and_not_guessable(password, problem):
    assert password_problem(password, "owner@example.com") == problem


@pytest.mark.parametrize("number", ["220-81-62517", "2208162517", "124-81-00998"])
def test_valid_business_numbers_pass_the_check_digit(number):
    assert valid_business_number(number)


@pytest.mark.parametrize("number", ["220-81-62518", "123-45-6789", "abc", "", "1234567890123"])
def test_invalid_business_numbers_are_refused(number):
    assert not valid_business_number(number)


def test_business_numbers_are_written_with_dashes():
    assert format_business_number("2208162517") == "220-81-62517"
