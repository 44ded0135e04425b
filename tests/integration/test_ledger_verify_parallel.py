"""``flask ledger verify`` split across processes by id range finds what the single pass finds,
on SQLite and PostgreSQL: the first break in id order whichever range holds it, the running
totals that differ, and the payouts that paid more than was owed at a head in a later range."""

import pytest
from sqlalchemy import select, text

from storefront.models import LedgerEntry, LedgerSum, Payout, utcnow
from storefront.services import ledger, ledger_verify, log
from tests.factories import Line, make_paid_order
from tests.integration.test_ledger_chain import tamper
from tests.integration.test_payout_guards import PAID_ON


@pytest.fixture
def ids(session, shop):
    """Eight entries: with two jobs, ids 1-4 are the parent's range and 5-8 the worker's."""
    for n in range(4):
        make_paid_order(session, shop.venture, [Line(shop.product, quantity=n + 1)])
    session.commit()
    return session.scalars(select(LedgerEntry.id).order_by(LedgerEntry.id)).all()


def test_an_untouched_ledger_checks_in_every_split(app, session, ids):
    assert len(ids) == 8
    single = ledger.audit(session)
    session.commit()
    assert single.first_break is None and single.checked == 8
    for jobs in (1, 2, 3):
        assert ledger_verify.audit(session, jobs) == single
    result = app.test_cli_runner().invoke(args=["ledger", "verify", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "The ledger checks: 8 entries, every hash and link matches." in result.output


@pytest.mark.parametrize(
    ("statements", "broken"),
    [
        (["UPDATE ledger_entry SET amount = amount + 1 WHERE id = {6}"], 6),  # second range
        (["DELETE FROM ledger_entry WHERE id = {4}"], 5),  # the link across the ranges
        (["DELETE FROM ledger_entry WHERE id = {5}"], 6),  # the second range's first link
        (  # a break in each range: the first in id order
            [
                "UPDATE ledger_entry SET amount = amount + 1 WHERE id = {7}",
                "UPDATE ledger_entry SET amount = amount + 1 WHERE id = {3}",
            ],
            3,
        ),
    ],
)
def test_the_first_break_in_id_order_whichever_range_finds_it(
    app, session, ids, statements, broken
):
    for n, statement in enumerate(statements):
        sql = statement.format(*[None, *ids])
        if n and session.get_bind().dialect.name == "sqlite":  # the triggers are gone already
            session.execute(text(sql))
            session.commit()
        else:
            tamper(session, sql)
    expected = ids[broken - 1]
    assert ledger.verify(session)[1] == expected
    single = ledger.audit(session)
    session.commit()
    for jobs in (2, 3):
        assert ledger_verify.audit(session, jobs) == single
    result = app.test_cli_runner().invoke(args=["ledger", "verify", "--jobs", "2"])
    assert result.exit_code == 1
    assert f"Ledger entry {expected} does not match the chain ({single.checked} entries read)." in (
        result.output
    )


def test_a_wrong_running_total_is_found_by_the_split_pass(app, session, shop, ids):
    row = session.scalars(select(LedgerSum).order_by(LedgerSum.id)).first()
    key = (row.cause_id, row.venture_id, row.month, row.kind)
    session.execute(text(f"UPDATE ledger_sum SET amount = amount + 1 WHERE id = {row.id}"))
    session.commit()
    single = ledger.audit(session)
    session.commit()  # (on SQLite, a session in a transaction holds the write lock)
    assert single.sums_that_differ == [key]
    assert ledger_verify.audit(session, 2) == single
    result = app.test_cli_runner().invoke(args=["ledger", "verify", "--jobs", "2"])
    assert result.exit_code == 1
    assert f"The running total for cause {key[0]}, venture {key[1]}" in result.output


@pytest.mark.parametrize("over", [0, 1])
def test_a_payout_with_its_head_in_the_second_range_is_held_to_everything_before_it(
    app, session, shop, ids, over
):
    head = ids[5]  # the worker's second entry: owed is the parent's range and two of its own
    owed = sum(
        session.scalars(
            select(LedgerEntry.amount).where(
                LedgerEntry.id <= head, LedgerEntry.cause_id == shop.cause.id
            )
        )
    )
    payout = Payout(
        cause_id=shop.cause.id, amount=owed + over, currency="KRW", paid_on=PAID_ON,
        bank_reference="HEAD", created_at=utcnow(), ledger_head_id=head,
    )  # fmt: skip
    session.add(payout)
    session.flush()
    log.append(session, [payout])
    payout_id, cause_id = payout.id, shop.cause.id
    session.commit()
    single = ledger.audit(session)
    session.commit()
    assert [(p.payout_id, p.owed) for p in single.overpaid] == ([(payout_id, owed)] if over else [])
    assert ledger_verify.audit(session, 2) == single
    result = app.test_cli_runner().invoke(args=["ledger", "verify", "--jobs", "2"])
    assert result.exit_code == over, result.output
    if over:
        assert f"Payout {payout_id} pays cause {cause_id} more than it was owed" in (result.output)
