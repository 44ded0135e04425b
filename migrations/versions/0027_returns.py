"""Let shoppers return or exchange delivered lines

``return_request`` holds each request and the steps the venture takes on it (at most one
open request per line), ``return_photo`` the photos sent with it. Order lines may now be
'returned' or 'exchanged', and a refund may be for a 'return'.

Revision ID: 0027_returns
Revises: 0026_questions
Create Date: 2026-12-02 06:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0027_returns"
down_revision = "0026_questions"
branch_labels = None
depends_on = None

OLD_LINE_STATUS = "status IN ('new', 'paid', 'preparing', 'shipped', 'delivered', 'cancelled')"
NEW_LINE_STATUS = (
    "status IN ('new', 'paid', 'preparing', 'shipped', 'delivered', 'cancelled', 'returned',"
    " 'exchanged')"
)
OLD_REASONS = "reason IN ('line_cancelled', 'out_of_stock', 'operator', 'external')"
NEW_REASONS = "reason IN ('line_cancelled', 'out_of_stock', 'operator', 'external', 'return')"
OPEN = sa.text("status IN ('requested', 'approved', 'received')")


def upgrade():
    op.create_table(
        "return_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("shipping_fee", sa.Integer(), nullable=False),
        sa.Column("decision_note", sa.String(length=500), nullable=False),
        sa.Column("refund_id", sa.Integer(), nullable=True),
        sa.Column("refund_error", sa.String(length=200), nullable=False),
        sa.Column("carrier", sa.String(length=40), nullable=False),
        sa.Column("tracking_number", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('return', 'exchange')", name=op.f("ck_return_request_kind")),
        sa.CheckConstraint(
            "reason IN ('damaged', 'wrong_item', 'not_as_described', 'changed_mind',"
            " 'ordered_by_mistake')",
            name=op.f("ck_return_request_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('requested', 'approved', 'rejected', 'received', 'refunded', 'reshipped')",
            name=op.f("ck_return_request_status"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_return_request_quantity_positive")),
        sa.CheckConstraint("shipping_fee >= 0", name=op.f("ck_return_request_fee_not_negative")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_return_request_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_line.id"],
            name=op.f("fk_return_request_order_line_id_order_line"),
        ),
        sa.ForeignKeyConstraint(
            ["refund_id"], ["refund.id"], name=op.f("fk_return_request_refund_id_refund")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_return_request_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_request")),
    )
    with op.batch_alter_table("return_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_return_request_order_id"), ["order_id"])
        batch_op.create_index(batch_op.f("ix_return_request_order_line_id"), ["order_line_id"])
        batch_op.create_index(batch_op.f("ix_return_request_venture_id"), ["venture_id"])
        batch_op.create_index(
            "uq_return_request_open",
            ["order_line_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )

    op.create_table(
        "return_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["return_request.id"],
            name=op.f("fk_return_photo_request_id_return_request"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_photo")),
    )
    with op.batch_alter_table("return_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_return_photo_request_id"), ["request_id"])

    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_order_line_status"), type_="check")
        batch_op.create_check_constraint("status", NEW_LINE_STATUS)
    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_refund_reason"), type_="check")
        batch_op.create_check_constraint("reason", NEW_REASONS)


def downgrade():
    with op.batch_alter_table("refund", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_refund_reason"), type_="check")
        batch_op.create_check_constraint("reason", OLD_REASONS)
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_order_line_status"), type_="check")
        batch_op.create_check_constraint("status", OLD_LINE_STATUS)
    with op.batch_alter_table("return_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_photo_request_id"))
    op.drop_table("return_photo")
    with op.batch_alter_table("return_request", schema=None) as batch_op:
        batch_op.drop_index("uq_return_request_open")
        batch_op.drop_index(batch_op.f("ix_return_request_venture_id"))
        batch_op.drop_index(batch_op.f("ix_return_request_order_line_id"))
        batch_op.drop_index(batch_op.f("ix_return_request_order_id"))
    op.drop_table("return_request")
