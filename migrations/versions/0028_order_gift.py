"""Let a shopper add a gift of their own to the order's cause at checkout

- ``orders.gift_amount`` (default 0) is the gift, charged with the order: ``total`` now adds
  up to goods + shipping + gift. Existing orders get 0, so their totals still add up.
- ``ledger_entry.kind`` may also be ``gift`` (positive, reverses nothing) and
  ``gift_reversal`` (negative, names the gift it reverses).

No ledger entry is changed: only the two CHECK constraints of ``ledger_entry`` are replaced.
PostgreSQL does that in place (its append-only trigger fires on rows, not on ALTER TABLE).
SQLite cannot alter a CHECK constraint, so the table is copied (batch mode) with its ids and
hashes as they are: its append-only triggers are dropped first and added again afterwards,
as in 0016.

Revision ID: 0028_order_gift
Revises: 0027_returns
Create Date: 2026-12-02 07:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0028_order_gift"
down_revision = "0027_returns"
branch_labels = None
depends_on = None

MESSAGE = "ledger entries are append-only: add a correcting entry instead"
OLD_KINDS = "kind IN ('donation', 'match', 'donation_reversal', 'match_reversal')"
NEW_KINDS = (
    "kind IN ('donation', 'match', 'donation_reversal', 'match_reversal', 'gift', 'gift_reversal')"
)
OLD_SIGN = (
    "(kind IN ('donation', 'match') AND amount > 0 AND reverses_id IS NULL)"
    " OR (kind IN ('donation_reversal', 'match_reversal') AND amount < 0"
    " AND reverses_id IS NOT NULL)"
)
NEW_SIGN = (
    "(kind IN ('donation', 'match', 'gift') AND amount > 0 AND reverses_id IS NULL)"
    " OR (kind IN ('donation_reversal', 'match_reversal', 'gift_reversal') AND amount < 0"
    " AND reverses_id IS NOT NULL)"
)
OLD_TOTAL = "total = goods_total + shipping_total"
NEW_TOTAL = "total = goods_total + shipping_total + gift_amount"


def _sqlite():
    return op.get_bind().dialect.name == "sqlite"


def _drop_guard():
    if _sqlite():  # PostgreSQL alters the table in place, its trigger stays
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS ledger_entry_no_{action}")


def _add_guard():
    if _sqlite():
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ledger_entry_no_{action.lower()} BEFORE {action} ON ledger_entry "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def _ledger_checks(kinds, sign):
    _drop_guard()
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_ledger_entry_sign_follows_kind"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_ledger_entry_kind"), type_="check")
        batch_op.create_check_constraint("kind", kinds)
        batch_op.create_check_constraint("sign_follows_kind", sign)
    _add_guard()


def upgrade():
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("gift_amount", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.drop_constraint(batch_op.f("ck_orders_total_adds_up"), type_="check")
        batch_op.create_check_constraint("total_adds_up", NEW_TOTAL)
        batch_op.create_check_constraint("gift_not_negative", "gift_amount >= 0")
    _ledger_checks(NEW_KINDS, NEW_SIGN)


def downgrade():
    gifts = op.get_bind().execute(
        sa.text("SELECT COUNT(*) FROM ledger_entry WHERE kind IN ('gift', 'gift_reversal')")
    )
    if gifts.scalar():
        raise RuntimeError(
            "the ledger holds gift entries, which are append-only: they cannot be removed"
        )
    _ledger_checks(OLD_KINDS, OLD_SIGN)
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_orders_gift_not_negative"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_orders_total_adds_up"), type_="check")
        batch_op.create_check_constraint("total_adds_up", OLD_TOTAL)
        batch_op.drop_column("gift_amount")
