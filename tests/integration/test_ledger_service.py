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


def test_the_ledger_pages_summary_agrees_with_the_totals_and_balances_read_apart(session, shop):
    """``ledger.summary`` reads in one statement what the balances, the payouts and the
    totals read on their own: a refund, a payout and its correction, a cause with nothing."""
    from datetime import date

    from storefront.models import utcnow
    from storefront.services import payouts
    from tests.factories import make_cause, refund_line

    when = datetime(2026, 10, 31, 20, 0, tzinfo=UTC)
    first = paid_order(session, shop, shop.product, shop.venture, shop.cause, 15000, 750, 750, when)
    paid_order(
        session, shop, shop.last_one, shop.other_venture, shop.other_cause, 20000, 2000, 1000, when
    )
    refund_line(session, first, first.lines[0], when)
    make_cause(session, name="아직 없음")  # nothing pledged, nothing paid: in no list
    kept = payouts.record(
        session, shop.other_cause.id, 500, date(2026, 11, 1), "REF-1", "", None, None, None,
        "KRW", utcnow(),
    )  # fmt: skip
    wrong = payouts.record(
        session, shop.other_cause.id, 700, date(2026, 11, 2), "REF-2", "", None, None, None,
        "KRW", utcnow(),
    )  # fmt: skip
    correction = payouts.correct(session, wrong, "잘못 입력", None, utcnow())
    session.commit()

    found = ledger.summary(session)
    assert found.balances == payouts.cause_balances(session)
    assert [b.label for b in found.balances] == [shop.cause.name, shop.other_cause.name]
    assert found.total == ledger.total_pledged(session) == 3000
    assert found.pledged == ledger.pledged_totals(session)
    assert found.paid_out == payouts.total_paid_out(session) == 500
    assert [(t.key, t.amount) for t in found.by_cause] == [
        (shop.other_cause.slug, 3000),
        (shop.cause.slug, 0),  # given, then refunded: still a line of the table
    ]
    assert [(t.key, t.amount) for t in found.by_venture] == [
        (shop.other_venture.slug, 3000),
        (shop.venture.slug, 0),
    ]
    assert [(t.label, t.through_sales) for t in found.by_month] == [("2026-11", 3000)]
    assert (
        ledger.summary(session, causes=1, ventures=1, months=0).by_venture == found.by_venture[:1]
    )

    listed = ledger.latest_payouts(session)
    assert [(p.id, p.cause_name, p.amount, p.corrects_id, p.corrected_by) for p in listed] == [
        (correction.id, shop.other_cause.name, -700, wrong.id, None),
        (wrong.id, shop.other_cause.name, 700, None, correction.id),
        (kept.id, shop.other_cause.name, 500, None, None),
    ]


def test_the_log_head_is_the_latest_checkpoint_and_the_active_witnesses_in_order(session, shop):
    from storefront.models import LogWitness, utcnow
    from storefront.services import log
    from tests.conftest import LOG_SIGNER

    assert ledger.log_head(session) == ledger.LogHead(None, [])
    for name, active in (("W2", True), ("off", False), ("W1", True)):
        session.add(LogWitness(name=name, verifier_key=f"key-{name}", active=active))
    paid_order(session, shop, shop.product, shop.venture, shop.cause, 15000, 750, 750, utcnow())
    log.checkpoint(session, LOG_SIGNER, utcnow())
    paid_order(session, shop, shop.product, shop.venture, shop.cause, 15000, 750, 750, utcnow())
    log.checkpoint(session, LOG_SIGNER, utcnow())
    session.commit()

    head = ledger.log_head(session)
    latest = log.latest(session)
    assert (head.checkpoint.size, head.checkpoint.root) == (latest.size, latest.root)
    assert head.checkpoint.created_at == latest.created_at
    assert (
        [(w.name, w.verifier_key) for w in head.witnesses]
        == [(w.name, w.verifier_key) for w in log.witnesses(session)]
        == [("W2", "key-W2"), ("W1", "key-W1")]
    )
