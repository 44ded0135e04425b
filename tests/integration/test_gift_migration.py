"""0028_order_gift widens the ledger's kinds without touching an entry: ids, hashes and the
append-only guard are the same after the upgrade, on SQLite (table copied) and PostgreSQL."""

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from tests.factories import Line, make_paid_order

ENTRIES = "SELECT id, kind, amount, prev_hash, hash FROM ledger_entry ORDER BY id"


def before_gifts(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    return script.get_revision("0028_order_gift").down_revision


def test_the_upgrade_keeps_every_entry_and_the_append_only_guard(app, db, session, shop):
    order_id = make_paid_order(session, shop.venture, [Line(shop.product, 2)]).id
    session.commit()
    with db.engine.connect() as connection:
        kept = [tuple(r) for r in connection.execute(text(ENTRIES))]
    assert len(kept) == 2
    db.session.remove()
    downgrade(revision=before_gifts(app))
    upgrade()
    with db.engine.connect() as connection:
        assert [tuple(r) for r in connection.execute(text(ENTRIES))] == kept
        assert (
            connection.execute(
                text("SELECT gift_amount FROM orders WHERE id = :id"), {"id": order_id}
            ).scalar_one()
            == 0
        )
    with pytest.raises(DatabaseError), db.engine.begin() as connection:
        connection.execute(text("UPDATE ledger_entry SET amount = 1"))
    with pytest.raises(DatabaseError), db.engine.begin() as connection:
        connection.execute(text("DELETE FROM ledger_entry"))
    with pytest.raises(DatabaseError), db.engine.begin() as connection:  # the new sign rule
        connection.execute(
            text(
                "INSERT INTO ledger_entry (created_at, kind, amount, currency, order_id, "
                "order_line_id, venture_id, cause_id, rule, prev_hash, hash) SELECT created_at, "
                "'gift', -5, currency, order_id, order_line_id, venture_id, cause_id, rule, "
                "'', '' FROM ledger_entry LIMIT 1"
            )
        )
