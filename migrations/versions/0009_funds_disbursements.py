"""Add matching funds, their top-ups, disbursements to causes, and operator refunds

Matches now come from sponsors' funds: order lines name the fund and the match they were
promised; ledger entries name the fund a match was drawn from (hashed only when set, so the
chain of older entries still checks). Top-ups and disbursements are append-only like the
ledger: the database refuses UPDATE and DELETE on them.

On SQLite the new ledger_entry column is added with ALTER TABLE (no table copy), so the
append-only triggers of 0008 stay in place.

Revision ID: 0009_funds_disbursements
Revises: 0008_ledger_chain
Create Date: 2026-11-27 08:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009_funds_disbursements"
down_revision = "0008_ledger_chain"
branch_labels = None
depends_on = None

APPEND_ONLY = ("fund_top_up", "disbursement")
MESSAGE = "%s is append-only: add a correcting entry instead"
LEDGER_MESSAGE = "ledger entries are append-only: add a correcting entry instead"
REASONS = "reason IN ('line_cancelled', 'out_of_stock', 'operator', 'external')"


def upgrade():
    op.create_table(
        "matching_fund",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sponsor", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate_bp", sa.Integer(), nullable=False),
        sa.Column("cap_per_order", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("categories", sa.String(length=400), nullable=False),
        sa.Column("budget", sa.BigInteger(), nullable=False),
        sa.Column("remaining", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rate_bp > 0", name=op.f("ck_matching_fund_rate_positive")),
        sa.CheckConstraint(
            "cap_per_order IS NULL OR cap_per_order > 0", name=op.f("ck_matching_fund_cap_positive")
        ),
        sa.CheckConstraint("remaining >= 0", name=op.f("ck_matching_fund_never_overspent")),
        sa.CheckConstraint("budget >= 0", name=op.f("ck_matching_fund_budget_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_fund")),
    )
    op.create_table(
        "matching_fund_venture",
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["matching_fund.id"],
            name=op.f("fk_matching_fund_venture_fund_id_matching_fund"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"],
            name=op.f("fk_matching_fund_venture_venture_id_venture"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("fund_id", "venture_id", name=op.f("pk_matching_fund_venture")),
    )  # fmt: skip
    op.create_table(
        "fund_top_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_fund_top_up_amount_positive")),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["matching_fund.id"], name=op.f("fk_fund_top_up_fund_id_matching_fund")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"],
            name=op.f("fk_fund_top_up_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund_top_up")),
    )  # fmt: skip
    op.create_index(op.f("ix_fund_top_up_fund_id"), "fund_top_up", ["fund_id"], unique=False)
    op.create_table(
        "disbursement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cause_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("bank_reference", sa.String(length=80), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("receipt_path", sa.String(length=255), nullable=True),
        sa.Column("receipt_name", sa.String(length=255), nullable=False),
        sa.Column("receipt_sha256", sa.String(length=64), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(amount > 0 AND corrects_id IS NULL) OR (amount < 0 AND corrects_id IS NOT NULL)",
            name=op.f("ck_disbursement_sign_follows_correction"),
        ),
        sa.ForeignKeyConstraint(
            ["cause_id"], ["cause.id"], name=op.f("fk_disbursement_cause_id_cause")
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"], ["disbursement.id"],
            name=op.f("fk_disbursement_corrects_id_disbursement"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"],
            name=op.f("fk_disbursement_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disbursement")),
    )  # fmt: skip
    op.create_index(op.f("ix_disbursement_cause_id"), "disbursement", ["cause_id"], unique=False)

    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("match_wanted", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("fund_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_order_line_fund_id_matching_fund"), "matching_fund", ["fund_id"], ["id"]
        )
    op.execute("UPDATE order_line SET match_wanted = match_amount")

    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("note", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_refund_idempotency_key"), ["idempotency_key"]
        )
        batch_op.create_check_constraint(batch_op.f("ck_refund_reason"), sa.text(REASONS))

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.add_column("ledger_entry", sa.Column("fund_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_ledger_entry_fund_id_matching_fund"),
            "ledger_entry", "matching_fund", ["fund_id"], ["id"],
        )  # fmt: skip
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN RAISE EXCEPTION '{MESSAGE % table}'; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )
    else:
        # A plain ALTER TABLE keeps ledger_entry (and its triggers) in place.
        op.execute(
            "ALTER TABLE ledger_entry ADD COLUMN fund_id INTEGER "
            "CONSTRAINT fk_ledger_entry_fund_id_matching_fund REFERENCES matching_fund (id)"
        )
        for table in APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE % table}'); END"
                )
    op.create_index(op.f("ix_ledger_entry_fund_id"), "ledger_entry", ["fund_id"], unique=False)


def downgrade():
    bind = op.get_bind()
    op.drop_index(op.f("ix_ledger_entry_fund_id"), table_name="ledger_entry")
    if bind.dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        op.drop_constraint(
            op.f("fk_ledger_entry_fund_id_matching_fund"), "ledger_entry", type_="foreignkey"
        )
        op.drop_column("ledger_entry", "fund_id")
    else:
        for table in APPEND_ONLY:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
        # SQLite cannot drop a column that has a foreign key, so the table is copied: lift
        # the ledger's triggers for the copy and put them back after.
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS ledger_entry_no_{action}")
        with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
            batch_op.drop_column("fund_id")
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ledger_entry_no_{action.lower()} BEFORE {action} ON ledger_entry "
                f"BEGIN SELECT RAISE(ABORT, '{LEDGER_MESSAGE}'); END"
            )
    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_refund_reason"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_refund_idempotency_key"), type_="unique")
        batch_op.drop_column("note")
        batch_op.drop_column("idempotency_key")
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_order_line_fund_id_matching_fund"), type_="foreignkey"
        )
        batch_op.drop_column("fund_id")
        batch_op.drop_column("match_wanted")
    op.drop_index(op.f("ix_disbursement_cause_id"), table_name="disbursement")
    op.drop_table("disbursement")
    op.drop_index(op.f("ix_fund_top_up_fund_id"), table_name="fund_top_up")
    op.drop_table("fund_top_up")
    op.drop_table("matching_fund_venture")
    op.drop_table("matching_fund")
