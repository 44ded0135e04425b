"""Recommendations: each product's best matches, bought together, from its venture and for
its cause

The table is filled by the ``recommend.refresh`` job (or ``flask recommend refresh``); until
the first refresh the pages fall back to popular products.

Revision ID: 0029_recommendations
Revises: 0028_order_gift
Create Date: 2026-12-02 06:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0029_recommendations"
down_revision = "0028_order_gift"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recommendation",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("other_product_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('together', 'venture', 'cause')", name=op.f("ck_recommendation_kind")
        ),
        sa.CheckConstraint("rank > 0", name=op.f("ck_recommendation_rank_positive")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_recommendation_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["other_product_id"],
            ["product.id"],
            name=op.f("fk_recommendation_other_product_id_product"),
        ),
        sa.PrimaryKeyConstraint("product_id", "kind", "rank", name=op.f("pk_recommendation")),
    )


def downgrade():
    op.drop_table("recommendation")
