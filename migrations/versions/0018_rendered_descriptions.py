"""Store each product's description rendered to safe HTML

``product.description_html`` holds the description's Markdown rendered and sanitised by
``storefront.domain.rich_text.markdown_to_html``, the same function the model calls whenever a
description is set, so a product page copies stored HTML instead of rendering it per view.
Existing rows are filled in batches through that function (both SQLite and PostgreSQL).

Revision ID: 0018_rendered_descriptions
Revises: 0017_search
Create Date: 2026-12-01 23:30:00

"""

import sqlalchemy as sa
from alembic import op

from storefront.domain.rich_text import markdown_to_html

revision = "0018_rendered_descriptions"
down_revision = "0017_search"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    op.add_column(
        "product",
        sa.Column("description_html", sa.Text(), nullable=False, server_default=""),
    )
    product = sa.table(
        "product",
        sa.column("id", sa.Integer),
        sa.column("description", sa.Text),
        sa.column("description_html", sa.Text),
    )
    conn = op.get_bind()
    last = 0
    while True:
        rows = conn.execute(
            sa.select(product.c.id, product.c.description)
            .where(product.c.id > last)
            .order_by(product.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        conn.execute(
            product.update()
            .where(product.c.id == sa.bindparam("pid"))
            .values(description_html=sa.bindparam("html")),
            [{"pid": row.id, "html": markdown_to_html(row.description)} for row in rows],
        )
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table("product") as batch:
        batch.drop_column("description_html")
