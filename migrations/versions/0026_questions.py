"""Keep the questions shoppers ask about products, and the ventures' answers

Revision ID: 0026_questions
Revises: 0025_reviews
Create Date: 2026-12-02 06:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0026_questions"
down_revision = "0025_reviews"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "product_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("answer_hidden", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_product_question_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_product_question_venture_id_venture")
        ),
        sa.ForeignKeyConstraint(
            ["asker_id"],
            ["user_account.id"],
            name=op.f("fk_product_question_asker_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user_account.id"],
            name=op.f("fk_product_question_answered_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_question")),
    )
    op.create_index(
        "ix_product_question_product", "product_question", ["product_id", "hidden", "id"]
    )
    op.create_index(
        "ix_product_question_venture",
        "product_question",
        ["venture_id", "hidden", "answered", "id"],
    )
    op.create_index("ix_product_question_asker", "product_question", ["asker_id", "hidden", "id"])


def downgrade():
    op.drop_index("ix_product_question_asker", table_name="product_question")
    op.drop_index("ix_product_question_venture", table_name="product_question")
    op.drop_index("ix_product_question_product", table_name="product_question")
    op.drop_table("product_question")
