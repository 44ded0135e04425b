"""Indexes that let a page seek to where it starts, whatever the size of the tables

Keyset pagination (services/pagination.py) orders every list by its sort keys and then the
id, and seeks past the previous page's last row with a row comparison. These indexes end in
the id so that the database walks them in exactly that order and stops after one page:

- the product list in each sort (newest, price, popular), by category, and a venture's page;
- a venture's low-stock listings on the seller's overview (emptiest first, at most 50);
- the seller's orders list and numbers (orders by ``paid_at``).

Revision ID: 0019_page_indexes
Revises: 0018_rendered_descriptions
Create Date: 2026-12-01 23:30:00

"""

from alembic import op

revision = "0019_page_indexes"
down_revision = "0018_rendered_descriptions"
branch_labels = None
depends_on = None

OLD = {
    "ix_product_listing": ["status", "created_at"],
    "ix_product_category_listing": ["category", "status", "created_at"],
    "ix_product_popular": ["status", "units_sold"],
    "ix_product_price": ["status", "price"],
}
NEW = {
    "ix_product_listing": ["status", "created_at", "id"],
    "ix_product_category_listing": ["category", "status", "created_at", "id"],
    "ix_product_popular": ["status", "units_sold", "id"],
    "ix_product_price": ["status", "price", "id"],
    "ix_product_venture_listing": ["venture_id", "status", "created_at", "id"],
    "ix_product_low_stock": ["venture_id", "status", "stock"],
}


def upgrade():
    for name in OLD:
        op.drop_index(name, table_name="product")
    for name, columns in NEW.items():
        op.create_index(name, "product", columns)
    op.create_index("ix_orders_paid", "orders", ["paid_at", "id"])


def downgrade():
    op.drop_index("ix_orders_paid", table_name="orders")
    for name in NEW:
        op.drop_index(name, table_name="product")
    for name, columns in OLD.items():
        op.create_index(name, "product", columns)
