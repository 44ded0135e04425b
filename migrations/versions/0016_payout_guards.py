"""Guard payouts: one correction per payout, a one-time key per form, the chain's head

- ``payout.corrects_id`` becomes unique: a payout is cancelled by at most one correction.
- ``payout.idempotency_key`` (unique, nullable) holds the one-time key of the form that
  recorded the payout or the correction, so a form sent twice records once.
- ``payout.ledger_head_id`` names the last ledger entry when the payout was recorded, so a
  verifier can check that the cause was owed what it was paid then. Payouts recorded before
  this migration keep NULL; verifiers judge them by their ``created_at``.

If a payout already has more than one correction (the race this migration closes), the
upgrade stops and names them: an operator decides which correction stands, since the rows
are public and append-only. On SQLite the table is rebuilt (batch mode), so its append-only
triggers are dropped first and added again afterwards, as in 0012.

Revision ID: 0016_payout_guards
Revises: 0015_test_events
Create Date: 2026-12-03 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016_payout_guards"
down_revision = "0015_test_events"
branch_labels = None
depends_on = None

MESSAGE = "payout is append-only: add a correcting entry instead"


def _sqlite():
    return op.get_bind().dialect.name == "sqlite"


def _drop_guard():
    if _sqlite():  # PostgreSQL alters the table in place, its trigger stays
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS payout_no_{action}")


def _add_guard():
    if _sqlite():
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER payout_no_{action.lower()} BEFORE {action} ON payout "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def upgrade():
    twice = op.get_bind().execute(
        sa.text(
            "SELECT corrects_id FROM payout WHERE corrects_id IS NOT NULL "
            "GROUP BY corrects_id HAVING COUNT(*) > 1 ORDER BY corrects_id"
        )
    )
    corrected_twice = [row[0] for row in twice]
    if corrected_twice:
        raise RuntimeError(
            "payouts corrected more than once, decide which correction stands first: "
            + ", ".join(str(i) for i in corrected_twice)
        )
    _drop_guard()
    with op.batch_alter_table("payout", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ledger_head_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=120), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_payout_ledger_head_id_ledger_entry"),
            "ledger_entry",
            ["ledger_head_id"],
            ["id"],
        )
        batch_op.create_unique_constraint(batch_op.f("uq_payout_corrects_id"), ["corrects_id"])
        batch_op.create_unique_constraint(
            batch_op.f("uq_payout_idempotency_key"), ["idempotency_key"]
        )
    _add_guard()


def downgrade():
    _drop_guard()
    with op.batch_alter_table("payout", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_payout_idempotency_key"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_payout_corrects_id"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_payout_ledger_head_id_ledger_entry"), type_="foreignkey"
        )
        batch_op.drop_column("idempotency_key")
        batch_op.drop_column("ledger_head_id")
    _add_guard()
