"""Call money sent to causes a payout, and the cause's paper its proof

One word for one thing: the table ``disbursement`` becomes ``payout`` and its
``receipt_*`` columns ``proof_*`` ("receipt" is only ever a shopper's donation receipt).
The rows are copied with their ids, and the append-only triggers move with the table.

Revision ID: 0012_payouts
Revises: 0011_ledger_sums
Create Date: 2026-12-01 20:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012_payouts"
down_revision = "0011_ledger_sums"
branch_labels = None
depends_on = None

MESSAGE = "%s is append-only: add a correcting entry instead"
COMMON = "id, cause_id, amount, currency, paid_on, bank_reference, note"
TAIL = "corrects_id, recorded_by_id, created_at"


def _create(table, file_word):
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cause_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("bank_reference", sa.String(length=80), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column(f"{file_word}_path", sa.String(length=255), nullable=True),
        sa.Column(f"{file_word}_name", sa.String(length=255), nullable=False),
        sa.Column(f"{file_word}_sha256", sa.String(length=64), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(amount > 0 AND corrects_id IS NULL) OR (amount < 0 AND corrects_id IS NOT NULL)",
            name=op.f(f"ck_{table}_sign_follows_correction"),
        ),
        sa.ForeignKeyConstraint(["cause_id"], ["cause.id"], name=op.f(f"fk_{table}_cause_id_cause")),
        sa.ForeignKeyConstraint(
            ["corrects_id"], [f"{table}.id"], name=op.f(f"fk_{table}_corrects_id_{table}")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"],
            name=op.f(f"fk_{table}_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )  # fmt: skip
    op.create_index(op.f(f"ix_{table}_cause_id"), table, ["cause_id"], unique=False)


def _drop_guard(table):
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


def _add_guard(table):
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE % table}'; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE % table}'); END"
            )


def _move(old, old_word, new, new_word):
    """Copy ``old`` into a new table ``new`` (ids kept, corrections after what they correct)."""
    _drop_guard(old)
    _create(new, new_word)
    files = ", ".join(f"{old_word}_{part}" for part in ("path", "name", "sha256"))
    new_files = ", ".join(f"{new_word}_{part}" for part in ("path", "name", "sha256"))
    copy = f"INSERT INTO {new} ({COMMON}, {new_files}, {TAIL}) SELECT {COMMON}, {files}, {TAIL} "
    op.execute(copy + f"FROM {old} ORDER BY id")
    if op.get_bind().dialect.name == "postgresql":
        sequence = f"pg_get_serial_sequence('{new}', 'id')"
        op.execute(
            f"SELECT setval({sequence}, COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {new}"  # noqa: S608
        )
    op.drop_index(op.f(f"ix_{old}_cause_id"), table_name=old)
    op.drop_table(old)
    _add_guard(new)


def upgrade():
    _move("disbursement", "receipt", "payout", "proof")


def downgrade():
    _move("payout", "proof", "disbursement", "receipt")
