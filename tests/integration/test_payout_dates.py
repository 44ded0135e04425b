"""Payouts are dated in Seoul: the operator's "today" is the Seoul calendar day, even in the
hours (00:00 to 09:00 KST) when it is still yesterday in UTC."""

from datetime import UTC, date, datetime

import pytest

from storefront.domain.periods import SEOUL
from storefront.services import payouts
from tests.factories import Line, make_paid_order

# 08:30 on 10 March 2026 in Seoul is 23:30 on 9 March in UTC, as ``utcnow()`` gives it.
EARLY_MORNING = datetime(2026, 3, 10, 8, 30, tzinfo=SEOUL).astimezone(UTC)


def _record(session, shop, tmp_path, paid_on, now=EARLY_MORNING):
    return payouts.record(
        session, shop.cause.id, 1000, paid_on, "KB-0830", "", None, tmp_path, None, "KRW", now
    )


def test_a_payout_dated_today_in_seoul_is_accepted_at_half_past_eight(session, shop, tmp_path):
    make_paid_order(session, shop.venture, [Line(shop.product)])
    paid = _record(session, shop, tmp_path, date(2026, 3, 10))
    assert paid.paid_on == date(2026, 3, 10)


def test_a_payout_dated_tomorrow_in_seoul_is_refused(session, shop, tmp_path):
    make_paid_order(session, shop.venture, [Line(shop.product)])
    with pytest.raises(payouts.PayoutRefused) as refused:
        _record(session, shop, tmp_path, date(2026, 3, 11))
    assert refused.value.code == "payout.future" and refused.value.field == "paid_on"


def test_a_correction_is_dated_the_seoul_day_it_is_made(session, shop, tmp_path):
    make_paid_order(session, shop.venture, [Line(shop.product)])
    paid = _record(session, shop, tmp_path, date(2026, 3, 9))
    correction = payouts.correct(session, paid, "잘못 입력", None, EARLY_MORNING)
    assert correction.paid_on == date(2026, 3, 10)
