"""Keep running totals of each venture's sales per Seoul day, and per product and day

The seller's numbers page and /impact read these rows, bounded by the days they show,
instead of every order line. ``sales_item`` holds what each order sold of each product (the
totals are restated from it, and a shopper's first purchase with a venture is found in it).
They are filled here from the existing orders, then kept by services/sales.py.

Revision ID: 0020_sales_sums
Revises: 0019_page_indexes
Create Date: 2026-12-02 00:40:00

"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0020_sales_sums"
down_revision = "0019_page_indexes"
branch_labels = None
depends_on = None

SEOUL = ZoneInfo("Asia/Seoul")
SOLD = ("paid", "refunded")
SOLD_LINES = ("paid", "preparing", "shipped", "delivered")


def _aware(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _backfill(items, days, products):
    rows = op.get_bind().execute(
        sa.text(
            "SELECT o.id, l.product_id, l.venture_id, o.email, o.paid_at, MAX(l.title),"
            " SUM(l.quantity), SUM(l.goods_amount), SUM(l.donation_amount)"
            " FROM order_line l JOIN orders o ON o.id = l.order_id"
            " WHERE l.status IN ('paid', 'preparing', 'shipped', 'delivered')"
            " AND o.status IN ('paid', 'refunded') AND o.paid_at IS NOT NULL"
            " GROUP BY o.id, l.product_id, l.venture_id, o.email, o.paid_at"
        )
    )
    item_rows, day_sums, product_sums, shoppers = [], {}, {}, {}
    for order_id, product_id, venture_id, email, paid_at, title, units, revenue, given in rows:
        paid_at = _aware(paid_at)
        day = paid_at.astimezone(SEOUL).date()
        shopper = email.lower()
        item_rows.append(
            {
                "order_id": order_id, "product_id": product_id, "venture_id": venture_id,
                "shopper": shopper, "paid_at": paid_at, "day": day, "title": title,
                "units": int(units), "revenue": int(revenue), "donations": int(given),
            }
        )  # fmt: skip
        d = day_sums.setdefault((venture_id, day), [0, 0, 0, 0, 0])
        d[1] += int(units)
        d[2] += int(revenue)
        d[3] += int(given)
        p = product_sums.setdefault((venture_id, day, product_id), [0, 0, ""])
        p[0] += int(units)
        p[1] += int(revenue)
        p[2] = max(p[2], title)
        shoppers.setdefault((venture_id, shopper), {})[order_id] = (paid_at, day)
    for (venture_id, _), orders in shoppers.items():
        first = min(paid_at for paid_at, _ in orders.values())
        for paid_at, day in orders.values():
            d = day_sums[(venture_id, day)]
            d[0] += 1
            d[4] += 1 if paid_at > first else 0
    if item_rows:
        op.bulk_insert(items, item_rows)
        op.bulk_insert(
            days,
            [
                {
                    "venture_id": v,
                    "day": dy,
                    "orders": o,
                    "units": u,
                    "revenue": r,
                    "donations": g,
                    "returning_orders": rt,
                }
                for (v, dy), (o, u, r, g, rt) in sorted(day_sums.items())
            ],
        )
        op.bulk_insert(
            products,
            [
                {"venture_id": v, "day": dy, "product_id": pr, "title": t, "units": u, "revenue": r}
                for (v, dy, pr), (u, r, t) in sorted(product_sums.items())
            ],
        )


def upgrade():
    items = op.create_table(
        "sales_item",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("shopper", sa.String(length=254), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.BigInteger(), nullable=False),
        sa.Column("donations", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_sales_item_order_id_orders")
        ),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_sales_item_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("order_id", "product_id", name=op.f("pk_sales_item")),
    )
    op.create_index(
        "ix_sales_item_shopper", "sales_item", ["venture_id", "shopper", "paid_at"], unique=False
    )
    days = op.create_table(
        "sales_day",
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.BigInteger(), nullable=False),
        sa.Column("donations", sa.BigInteger(), nullable=False),
        sa.Column("returning_orders", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_sales_day_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint("venture_id", "day", name=op.f("pk_sales_day")),
    )
    products = op.create_table(
        "sales_product_day",
        sa.Column("venture_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["venture_id"], ["venture.id"], name=op.f("fk_sales_product_day_venture_id_venture")
        ),
        sa.PrimaryKeyConstraint(
            "venture_id", "day", "product_id", name=op.f("pk_sales_product_day")
        ),
    )
    _backfill(items, days, products)


def downgrade():
    op.drop_table("sales_product_day")
    op.drop_index("ix_sales_item_shopper", table_name="sales_item")
    op.drop_table("sales_item")
    op.drop_table("sales_day")
