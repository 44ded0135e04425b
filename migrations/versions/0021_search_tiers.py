"""Rank PostgreSQL search matches by tier: ``product_search.head``

A second, small tsvector per product (title weight A, venture name B) that
storefront/services/search.py tests with two cheap ``@@`` to rank matches (title, then title +
venture, then description), instead of ``ts_rank`` over each match's whole document, which had
to detoast every matching row. Every product is (re-)indexed here. SQLite's FTS5 table keeps
``bm25`` and is untouched.

Revision ID: 0021_search_tiers
Revises: 0019_page_indexes
Create Date: 2026-12-02 00:45:00

"""

from alembic import op

from storefront.services.search import reindex_all

revision = "0021_search_tiers"
down_revision = "0019_page_indexes"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE product_search ADD COLUMN head TSVECTOR NOT NULL DEFAULT ''")
    reindex_all(bind)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE product_search DROP COLUMN head")
