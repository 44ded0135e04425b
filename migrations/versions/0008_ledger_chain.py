"""Chain ledger entries by hash; refuse updates and deletes in the database

Existing entries are chained in id order. From here on the database itself refuses UPDATE
and DELETE on ledger_entry (a trigger on PostgreSQL and on SQLite): a correction is a new
entry.

Revision ID: 0008_ledger_chain
Revises: 0007_session_tokens
Create Date: 2026-11-27 07:40:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from storefront.domain.chain import GENESIS, entry_hash

revision = "0008_ledger_chain"
down_revision = "0007_session_tokens"
branch_labels = None
depends_on = None

COLUMNS = (
    "id", "created_at", "kind", "amount", "currency", "order_id", "order_line_id", "venture_id",
    "cause_id", "rule", "reverses_id", "refund_id",
)  # fmt: skip
MESSAGE = "ledger entries are append-only: add a correcting entry instead"


def _aware(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def upgrade():
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("prev_hash", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("hash", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_ledger_entry_hash"), ["hash"], unique=False)

    bind = op.get_bind()
    rows = bind.execute(
        sa.text(f"SELECT {', '.join(COLUMNS)} FROM ledger_entry ORDER BY id")  # noqa: S608
    ).mappings()
    previous = GENESIS
    for row in list(rows):
        fields = {**row, "created_at": _aware(row["created_at"]), "prev_hash": previous}
        digest = entry_hash(fields)
        bind.execute(
            sa.text("UPDATE ledger_entry SET prev_hash = :p, hash = :h WHERE id = :i"),
            {"p": previous, "h": digest, "i": row["id"]},
        )
        previous = digest

    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry "
            "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ledger_entry_no_{action.lower()} BEFORE {action} ON ledger_entry "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_entry")
        op.execute("DROP FUNCTION IF EXISTS ledger_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_no_update")
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_no_delete")
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entry_hash"))
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
