"""Keep running totals of the ledger per cause, venture, Seoul month and kind

The public pages (home, ledger, impact) read these few rows instead of summing every entry.
They are filled here from the existing entries, then kept by the code that appends entries.

Revision ID: 0011_ledger_sums
Revises: 0010_impact_reports
Create Date: 2026-11-27 09:40:00

"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0011_ledger_sums"
down_revision = "0010_impact_reports"
branch_labels = None
depends_on = None

SEOUL = ZoneInfo("Asia/Seoul")


def _month(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(SEOUL).strftime("%Y-%m")


def upgrade():
    table = op.create_table(
        "ledger_sum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cause_id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cause_id"], ["cause.id"], name=op.f("fk_ledger_sum_cause_id_cause")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_ledger_sum_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_sum")),
        sa.UniqueConstraint(
            "cause_id",
            "venture_id",
            "month",
            "kind",
            name=op.f("uq_ledger_sum_cause_id_venture_id_month_kind"),
        ),
    )
    op.create_index(op.f("ix_ledger_sum_venture_id"), "ledger_sum", ["venture_id"], unique=False)
    rows = op.get_bind().execute(
        sa.text("SELECT cause_id, venture_id, created_at, kind, amount FROM ledger_entry")
    )
    sums = {}
    for cause_id, venture_id, created_at, kind, amount in rows:
        key = (cause_id, venture_id, _month(created_at), kind)
        total, count = sums.get(key, (0, 0))
        sums[key] = (total + amount, count + 1)
    if sums:
        op.bulk_insert(
            table,
            [
                {"cause_id": c, "venture_id": v, "month": m, "kind": k, "amount": a, "entries": n}
                for (c, v, m, k), (a, n) in sorted(sums.items())
            ],
        )


def downgrade():
    op.drop_index(op.f("ix_ledger_sum_venture_id"), table_name="ledger_sum")
    op.drop_table("ledger_sum")
