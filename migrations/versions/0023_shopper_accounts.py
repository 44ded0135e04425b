"""Shopper accounts: verified emails, orders that belong to an account, saved addresses

- ``user_account`` gains ``email_verified_at`` (set by the emailed link) and ``deleted_at``
  (set when a shopper deletes the account and its personal data is removed).
- ``orders`` gains ``user_id``: the account the order belongs to, or NULL for a guest's.
- ``saved_address``: a shopper's delivery addresses, one of them the default.

Existing accounts (staff and operators) are left unverified: they verify like anyone else
before guest orders with their email become theirs.

Revision ID: 0023_shopper_accounts
Revises: 0022_search_terms
Create Date: 2026-12-02 06:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0023_shopper_accounts"
down_revision = "0022_search_terms"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_orders_user_id_user_account"), "user_account", ["user_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_orders_user_id"), ["user_id"], unique=False)
    op.create_table(
        "saved_address",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("postcode", sa.String(length=5), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("address_detail", sa.String(length=200), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_saved_address_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_address")),
    )
    with op.batch_alter_table("saved_address", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_address_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("saved_address", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_address_user_id"))
    op.drop_table("saved_address")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_orders_user_id"))
        batch_op.drop_constraint(batch_op.f("fk_orders_user_id_user_account"), type_="foreignkey")
        batch_op.drop_column("user_id")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
        batch_op.drop_column("email_verified_at")
