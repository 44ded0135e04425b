"""Ship and cancel order lines; reverse their donations in the ledger

Lines of orders already paid become 'paid'. Shipping was not recorded per venture before
this revision, so existing lines carry shipping_amount 0 (their orders keep shipping_total).

Revision ID: 0005_line_fulfilment
Revises: 0004_product_images
Create Date: 2026-11-27 06:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005_line_fulfilment"
down_revision = "0004_product_images"
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('donation', 'match')"
NEW_KINDS = "kind IN ('donation', 'match', 'donation_reversal', 'match_reversal')"
SIGN = (
    "(kind IN ('donation', 'match') AND amount > 0 AND reverses_id IS NULL)"
    " OR (kind IN ('donation_reversal', 'match_reversal') AND amount < 0"
    " AND reverses_id IS NOT NULL)"
)
LINE_STATUS = "status IN ('new', 'paid', 'preparing', 'shipped', 'delivered', 'cancelled')"


def upgrade():
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reverses_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("refund_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_ledger_entry_refund_id_refund"), "refund", ["refund_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_ledger_entry_reverses_id_ledger_entry"),
            "ledger_entry",
            ["reverses_id"],
            ["id"],
        )
        batch_op.drop_constraint(op.f("ck_ledger_entry_kind"), type_="check")
        batch_op.create_check_constraint("kind", NEW_KINDS)
        batch_op.create_check_constraint("sign_follows_kind", SIGN)

    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shipping_amount", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="new")
        )
        batch_op.add_column(
            sa.Column("carrier", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("tracking_number", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("shipped_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint("status", LINE_STATUS)

    op.execute(
        "UPDATE order_line SET status = 'paid' "
        "WHERE order_id IN (SELECT id FROM orders WHERE status = 'paid')"
    )

    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.add_column(sa.Column("order_line_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_refund_order_line_id_order_line"),
            "order_line",
            ["order_line_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_refund_order_line_id_order_line"), type_="foreignkey"
        )
        batch_op.drop_column("order_line_id")

    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_order_line_status"), type_="check")
        for column in (
            "cancelled_at", "delivered_at", "shipped_at", "tracking_number", "carrier", "status",
            "shipping_amount",
        ):  # fmt: skip
            batch_op.drop_column(column)

    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_ledger_entry_sign_follows_kind"), type_="check")
        batch_op.drop_constraint(op.f("ck_ledger_entry_kind"), type_="check")
        batch_op.create_check_constraint("kind", OLD_KINDS)
        batch_op.drop_constraint(
            batch_op.f("fk_ledger_entry_reverses_id_ledger_entry"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_ledger_entry_refund_id_refund"), type_="foreignkey")
        batch_op.drop_column("refund_id")
        batch_op.drop_column("reverses_id")
