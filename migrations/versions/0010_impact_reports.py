"""Impact reports: ventures' quarterly jobs reports and their sales before joining

Revision ID: 0010_impact_reports
Revises: 0009_funds_disbursements
Create Date: 2026-11-28 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010_impact_reports"
down_revision = "0009_funds_disbursements"
branch_labels = None
depends_on = None

CURRENT = sa.text("superseded_at IS NULL")


def upgrade():
    op.create_table(
        "impact_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("disability", sa.Integer(), nullable=False),
        sa.Column("career_break_women", sa.Integer(), nullable=False),
        sa.Column("elderly", sa.Integer(), nullable=False),
        sa.Column("other", sa.Integer(), nullable=False),
        sa.Column("total_employees", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name=op.f("ck_impact_report_quarter")),
        sa.CheckConstraint(
            "disability >= 0 AND career_break_women >= 0 AND elderly >= 0 AND other >= 0",
            name=op.f("ck_impact_report_groups_not_negative"),
        ),
        sa.CheckConstraint(
            "disability + career_break_women + elderly + other <= total_employees",
            name=op.f("ck_impact_report_vulnerable_within_total"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["user_account.id"],
            name=op.f("fk_impact_report_submitted_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_impact_report_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_report")),
    )
    with op.batch_alter_table("impact_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_impact_report_venture_id"), ["venture_id"], unique=False
        )
        batch_op.create_index(
            "uq_impact_report_current",
            ["venture_id", "year", "quarter"],
            unique=True,
            sqlite_where=CURRENT,
            postgresql_where=CURRENT,
        )

    op.create_table(
        "sales_before_joining",
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("monthly_sales", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("monthly_sales >= 0", name=op.f("ck_sales_before_joining_not_negative")),
        sa.ForeignKeyConstraint(
            ["reported_by_id"],
            ["user_account.id"],
            name=op.f("fk_sales_before_joining_reported_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_sales_before_joining_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("venture_id", name=op.f("pk_sales_before_joining")),
    )


def downgrade():
    op.drop_table("sales_before_joining")
    with op.batch_alter_table("impact_report", schema=None) as batch_op:
        batch_op.drop_index("uq_impact_report_current")
        batch_op.drop_index(batch_op.f("ix_impact_report_venture_id"))
    op.drop_table("impact_report")
