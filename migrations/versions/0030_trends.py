"""Count searches and product views per Seoul day, for /trends and a seller's market view

``search_stat`` holds, per day and normalised term, how often it was searched and by how
many distinct visitors; ``product_view_stat`` how often each product's page was opened. Both
are folded from counters in the cache by the job queue (storefront/web/counting.py); no
column says who searched or looked.

Revision ID: 0030_trends
Revises: 0029_recommendations
Create Date: 2026-12-02 06:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0030_trends"
down_revision = "0029_recommendations"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_stat",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("term", sa.String(length=60), nullable=False),
        sa.Column("searches", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "term", name=op.f("pk_search_stat")),
    )
    op.create_table(
        "product_view_stat",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_product_view_stat_product_id_product")
        ),
        sa.PrimaryKeyConstraint("day", "product_id", name=op.f("pk_product_view_stat")),
    )


def downgrade():
    op.drop_table("product_view_stat")
    op.drop_table("search_stat")
