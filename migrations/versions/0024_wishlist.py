"""Saved products (찜), venture follows, and how many shoppers saved each product

- ``saved_product``: a signed-in shopper's saved products, with their back-in-stock request
  (``alert``, the email's ``locale``) and when that email was recorded (``notified_at``).
- ``venture_follow``: the ventures a signed-in shopper follows.
- ``product.saved_count``: how many accounts and visitors' sessions saved the product, never
  below zero, kept by services/wishlist.py. It starts at zero: nothing was saved before.

Revision ID: 0024_wishlist
Revises: 0023_shopper_accounts
Create Date: 2026-12-02 06:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0024_wishlist"
down_revision = "0023_shopper_accounts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "saved_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("alert", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_saved_product_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_saved_product_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_product")),
        sa.UniqueConstraint(
            "user_id", "product_id", name=op.f("uq_saved_product_user_id_product_id")
        ),
    )
    op.create_index(
        op.f("ix_saved_product_product_id"), "saved_product", ["product_id"], unique=False
    )
    op.create_table(
        "venture_follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_venture_follow_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_venture_follow_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venture_follow")),
        sa.UniqueConstraint(
            "user_id", "venture_id", name=op.f("uq_venture_follow_user_id_venture_id")
        ),
    )
    op.create_index(
        op.f("ix_venture_follow_venture_id"), "venture_follow", ["venture_id"], unique=False
    )
    # ADD COLUMN with its CHECK, on SQLite too: no copy of the product table is needed.
    op.add_column(
        "product",
        sa.Column(
            "saved_count",
            sa.Integer(),
            sa.CheckConstraint(
                "saved_count >= 0", name=op.f("ck_product_saved_count_not_negative")
            ),
            nullable=False,
            server_default="0",
        ),
    )


def downgrade():
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_product_saved_count_not_negative"), type_="check")
        batch_op.drop_column("saved_count")
    op.drop_index(op.f("ix_venture_follow_venture_id"), table_name="venture_follow")
    op.drop_table("venture_follow")
    op.drop_index(op.f("ix_saved_product_product_id"), table_name="saved_product")
    op.drop_table("saved_product")
