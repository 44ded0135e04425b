"""The ledger's integrity in the database itself, on SQLite and PostgreSQL."""

import itertools

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from storefront.domain.chain import GENESIS, entry_hash
from storefront.models import LedgerEntry
from storefront.services import ledger
from tests.factories import Line, make_paid_order


@pytest.fixture
def history(session, shop):
    for n in range(3):
        make_paid_order(session, shop.venture, [Line(shop.product, quantity=n + 1)])
    session.commit()
    return session.scalars(text("SELECT id FROM ledger_entry ORDER BY id")).all()


def test_every_entry_links_to_the_one_before(session, shop, history):
    entries = session.query(LedgerEntry).order_by(LedgerEntry.id).all()
    assert len(entries) == 6
    assert entries[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    fields = {name: getattr(entries[2], name) for name in ("created_at", "kind", "amount",
              "currency", "order_id", "order_line_id", "venture_id", "cause_id", "rule",
              "reverses_id", "refund_id", "prev_hash")}  # fmt: skip
    assert entries[2].hash == entry_hash(fields)
    assert ledger.verify(session) == (6, None)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE ledger_entry SET amount = 1", "DELETE FROM ledger_entry"],
)
def test_the_database_refuses_to_change_or_delete_entries(session, shop, history, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(text(statement))
    session.rollback()
    assert session.query(LedgerEntry).count() == 6


def tamper(session, sql):
    """Change a row behind the app's back, with the triggers out of the way."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_append_only"))
        session.execute(text(sql))
        session.execute(text("ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_append_only"))
    else:
        session.execute(text("DROP TRIGGER ledger_entry_no_update"))
        session.execute(text("DROP TRIGGER ledger_entry_no_delete"))
        session.execute(text(sql))
    session.commit()


def test_verify_names_the_entry_changed_behind_the_apps_back(app, session, shop, history):
    third = history[2]
    tamper(session, f"UPDATE ledger_entry SET amount = amount + 1000 WHERE id = {third}")
    assert ledger.verify(session) == (6, third)
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 1 and f"Ledger entry {third} does not match" in result.output


def test_verify_notices_a_deleted_entry(app, session, shop, history):
    tamper(session, f"DELETE FROM ledger_entry WHERE id = {history[1]}")
    assert ledger.verify(session)[1] == history[2]  # the next entry's link is broken


def test_verify_passes_on_an_untouched_ledger(app, session, shop, history):
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0 and "6 entries" in result.output
