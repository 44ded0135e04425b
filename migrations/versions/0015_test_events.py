"""Keep the test provider's webhook events until the shop acknowledges them

The test provider now redelivers an event whose delivery failed, with backoff, as Stripe
does: each event is kept in ``test_payment_event`` with its attempts and when it is next due.

Revision ID: 0015_test_events
Revises: 0014_jobs
Create Date: 2026-12-03 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0015_test_events"
down_revision = "0014_jobs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "test_payment_event",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("session_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_result", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["test_payment_session.id"],
            name=op.f("fk_test_payment_event_session_id_test_payment_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_test_payment_event")),
    )
    op.create_index(
        op.f("ix_test_payment_event_next_attempt_at"),
        "test_payment_event",
        ["next_attempt_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_test_payment_event_session_id"), "test_payment_event", ["session_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_test_payment_event_session_id"), table_name="test_payment_event")
    op.drop_index(op.f("ix_test_payment_event_next_attempt_at"), table_name="test_payment_event")
    op.drop_table("test_payment_event")
