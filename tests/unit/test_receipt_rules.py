"""Receipt numbers, masked emails, net amounts and statement periods."""

from datetime import UTC, date, datetime

import pytest

from storefront.domain.errors import ReceiptRefused
from storefront.domain.receipts import (
    Net,
    StatementPeriod,
    mask_email,
    net_of,
    receipt_number,
)


def test_a_receipt_is_numbered_after_its_order():
    assert receipt_number("SS-260301-AB3XY") == "DR-260301-AB3XY"
    assert receipt_number("SS-F-000012") == "DR-F-000012"


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("buyer@example.com", "bu***@example.com"),
        ("ab@example.com", "a***@example.com"),
        ("a@example.com", "a***@example.com"),
        ("  Kim.Minji@naver.com ", "Ki***@naver.com"),
        ("not-an-address", "***"),
    ],
)
def test_emails_are_masked_but_recognisable(email, masked):
    assert mask_email(email) == masked


def test_the_net_takes_reversals_off_donation_and_match_separately():
    net = net_of(
        [
            ("donation", 1500),
            ("match", 1500),
            ("donation", 165),
            ("match", 165),
            ("donation_reversal", -165),
            ("match_reversal", -165),
        ]
    )
    assert (net.donation, net.match) == (1500, 1500)
    assert (net.reversed_donation, net.reversed_match) == (-165, -165)
    assert (net.total, net.pledged) == (3000, 3330)
    assert not net.fully_reversed


def test_an_order_with_everything_reversed_is_flagged():
    net = net_of([("donation", 750), ("match", 750), ("donation_reversal", -750)])
    assert not net.fully_reversed  # the match is still there
    net = net + Net(match=-750, reversed_match=-750)
    assert net.total == 0 and net.fully_reversed
    assert not Net().fully_reversed  # nothing pledged is not "all reversed"


def test_a_statement_period_runs_from_midnight_to_midnight_in_seoul():
    period = StatementPeriod.checked(date(2026, 1, 1), date(2026, 12, 31))
    assert period.begins_at == datetime(2025, 12, 31, 15, 0, tzinfo=UTC)
    assert period.ends_before == datetime(2026, 12, 31, 15, 0, tzinfo=UTC)


def test_the_default_period_is_the_calendar_year():
    year = StatementPeriod.calendar_year(date(2026, 7, 14))
    assert (year.start, year.end) == (date(2026, 1, 1), date(2026, 12, 31))


def test_a_period_may_be_one_day_or_up_to_five_years():
    assert StatementPeriod.checked(date(2026, 3, 1), date(2026, 3, 1))
    assert StatementPeriod.checked(date(2021, 1, 1), date(2025, 12, 31))
    assert StatementPeriod.checked(date(2024, 2, 29), date(2029, 2, 27))


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        (date(2026, 3, 2), date(2026, 3, 1), "statement.range_order"),
        (date(2021, 1, 1), date(2026, 1, 1), "statement.too_long"),
        (date(2024, 2, 29), date(2029, 2, 28), "statement.too_long"),
    ],
)
def test_backwards_or_too_long_periods_are_refused(start, end, code):
    with pytest.raises(ReceiptRefused) as refused:
        StatementPeriod.checked(start, end)
    assert refused.value.code == code and refused.value.field == "end"
