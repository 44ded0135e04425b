"""Remember where an unpaid order's payment page is, so the shopper can go back to it

Revision ID: 0002_order_payment_url
Revises: 0001_storefront
Create Date: 2026-11-27 06:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0002_order_payment_url"
down_revision = "0001_storefront"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payment_url", sa.String(length=1000), nullable=True))


def downgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("payment_url")
