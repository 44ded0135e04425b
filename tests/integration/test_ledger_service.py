"""Ledger totals by cause, venture and Seoul month, computed by the database on either backend."""

from datetime import UTC, datetime

from storefront.services import ledger
from storefront.services.pagination import PageRequest
from tests.factories import Line, make_paid_order


def paid_order(session, shop, product, venture, cause, goods, donation, match, when):
    order = make_paid_order(
        session,
        venture,
        [Line(product, unit_price=goods, donation=donation, match=match, cause_id=cause.id)],
        when=when,
        email="a@example.com",
    )
    session.commit()
    return order


def test_totals_by_cause_venture_and_seoul_month(session, shop):
    # 20:00 UTC on 31 October is 05:00 on 1 November in Seoul
    paid_order(
        session,
        shop,
        shop.product,
        shop.venture,
        shop.cause,
        15000,
        750,
        750,
        datetime(2026, 10, 31, 20, 0, tzinfo=UTC),
    )
    paid_order(
        session,
        shop,
        shop.product,
        shop.venture,
        shop.cause,
        3000,
        150,
        150,
        datetime(2026, 10, 31, 14, 0, tzinfo=UTC),
    )
    paid_order(
        session,
        shop,
        shop.last_one,
        shop.other_venture,
        shop.other_cause,
        20000,
        2000,
        1000,
        datetime(2026, 11, 15, 3, 0, tzinfo=UTC),
    )
    assert ledger.total_pledged(session) == 750 + 750 + 150 + 150 + 2000 + 1000
    months = {t.label: (t.donation, t.match) for t in ledger.totals_by_month(session)}
    assert months == {"2026-10": (150, 150), "2026-11": (2750, 1750)}
    causes = {t.label: t.amount for t in ledger.totals_by_cause(session)}
    assert causes == {shop.cause.name: 1800, shop.other_cause.name: 3000}
    ventures = [(t.key, t.donation, t.match) for t in ledger.totals_by_venture(session)]
    assert ventures == [(shop.other_venture.slug, 2000, 1000), (shop.venture.slug, 900, 900)]
    latest = ledger.entries(session, PageRequest(), per_page=2).items
    assert [kind for _id, _when, kind, *_ in latest] == ["match", "donation"]


def test_zero_amounts_record_no_entry(session, shop):
    order = paid_order(
        session,
        shop,
        shop.cheap,
        shop.venture,
        shop.cause,
        19,
        0,
        0,
        datetime(2026, 11, 1, tzinfo=UTC),
    )
    assert ledger.order_entries(session, order.id) == []
