from datetime import date

import pytest

from storefront.domain.errors import ReportRefused
from storefront.domain.impact import (
    JobsReport,
    Quarter,
    change_bp,
    check_report,
    check_sales_before,
    first_months,
    first_months_over,
    mean,
    monthly_average,
    quarters_between,
)

Q = Quarter


def report(total=10, **groups):
    return JobsReport(Q(2026, 2), total, {"disability": 0, **groups})


def test_a_day_falls_in_its_calendar_quarter():
    assert Q.of(date(2026, 1, 1)) == Q(2026, 1)
    assert Q.of(date(2026, 3, 31)) == Q(2026, 1)
    assert Q.of(date(2026, 4, 1)) == Q(2026, 2)
    assert Q.of(date(2026, 12, 31)) == Q(2026, 4)
    assert Q(2026, 3).first_day == date(2026, 7, 1)


def test_quarters_shift_across_years_and_order_by_time():
    assert Q(2026, 1).shift(-1) == Q(2025, 4)
    assert Q(2025, 4).shift(1) == Q(2026, 1)
    assert Q(2026, 2).shift(-8) == Q(2024, 2)
    assert Q(2025, 4) < Q(2026, 1) < Q(2026, 2)
    assert quarters_between(Q(2025, 3), Q(2026, 1)) == [Q(2025, 3), Q(2025, 4), Q(2026, 1)]
    assert quarters_between(Q(2026, 1), Q(2025, 4)) == []


def test_quarters_are_read_only_in_their_own_format():
    assert Q.parse("2026-Q3") == Q(2026, 3) and Q(2026, 3).key == "2026-Q3"
    for bad in ("2026-Q5", "2026-Q0", "2026Q3", "Q3-2026", "", "1999-Q1", "2026-Q3; drop"):
        assert Q.parse(bad) is None


def test_the_first_months_are_the_three_whole_months_after_the_month_of_joining():
    assert first_months(date(2026, 3, 15)) == (date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1))
    assert first_months(date(2026, 3, 1)) == (date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1))
    assert first_months(date(2025, 11, 30)) == (
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    )


def test_the_first_months_are_over_on_the_first_day_after_them():
    assert not first_months_over(date(2026, 3, 15), date(2026, 6, 30))
    assert first_months_over(date(2026, 3, 15), date(2026, 7, 1))


def test_averages_round_down():
    assert monthly_average(1_000_000) == 333_333
    assert monthly_average(2) == 0
    assert mean([10, 11]) == 10
    assert mean([7]) == 7
    assert mean([]) is None


def test_change_is_in_basis_points_rounded_down():
    assert change_bp(5_620_000, 1_000_000) == 46_200  # +462%
    assert change_bp(1, 3) == -6_667  # -66.666...% rounds down, away from zero
    assert change_bp(4, 3) == 3_333
    assert change_bp(100, 100) == 0
    assert change_bp(100, 0) is None


def test_a_sound_report_passes():
    check_report(report(10, disability=3, elderly=2), Q(2026, 2), Q(2025, 1))
    check_report(report(0), Q(2026, 2), Q(2026, 2))


@pytest.mark.parametrize(
    ("built", "current", "first", "field", "code"),
    [
        (report(), Q(2026, 1), Q(2025, 1), "quarter", "report.future"),
        (report(), Q(2026, 3), Q(2026, 3), "quarter", "report.before_joining"),
        (report(), Q(2026, 3), None, "quarter", "report.not_approved"),
        (report(10, disability=-1), Q(2026, 2), Q(2025, 1), "disability", "report.headcount"),
        (report(-1), Q(2026, 2), Q(2025, 1), "total_employees", "report.headcount"),
        (report(4, disability=3, other=2), Q(2026, 2), Q(2025, 1), "total_employees",
         "report.fewer_than_vulnerable"),
        (report(4, pets=1), Q(2026, 2), Q(2025, 1), "quarter", "report.unknown_group"),
    ],
)  # fmt: skip
def test_a_report_that_breaks_a_rule_names_the_field_and_the_rule(
    built, current, first, field, code
):
    with pytest.raises(ReportRefused) as refused:
        check_report(built, current, first)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_sales_before_joining_are_zero_or_more():
    check_sales_before(0)
    with pytest.raises(ReportRefused):
        check_sales_before(-1)
