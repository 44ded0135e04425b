"""Relevance tiers and the vocabulary of the search index

- PostgreSQL: ``product_search`` gains a ``title`` tsvector under its own GIN index, and
  larger statistics on both, so that a page of search results reads the title matches, then
  the venture-name matches, then the rest, each only as far as a page
  (storefront/services/pagination.py, ``paginate_tiers``). SQLite's FTS5 table already has
  a title column.
- ``search_term``: the words of titles and venture names, for "did you mean".

Every product is indexed again here, filling both.

Revision ID: 0022_search_terms
Revises: 0021_log
Create Date: 2026-12-02 03:40:00

"""

import sqlalchemy as sa
from alembic import op

from storefront.services.search import reindex_all

revision = "0022_search_terms"
down_revision = "0021_log"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_term",
        sa.Column("term", sa.String(40), nullable=False),
        sa.Column("head", sa.String(1), nullable=False),
        sa.Column("tail", sa.String(1), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_search_term")),
    )
    op.create_index(op.f("ix_search_term_head"), "search_term", ["head"])
    op.create_index(op.f("ix_search_term_tail"), "search_term", ["tail"])
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE product_search ADD COLUMN title TSVECTOR")
        op.execute(
            "CREATE INDEX ix_product_search_title ON product_search "
            "USING gin (title) WITH (fastupdate = off)"
        )
        # Statistics on up to 10,000 tokens per column instead of 1,000, so that the planner
        # does not take a word outside its list for one in 1 of 200 products.
        for name in ("document", "title"):
            op.execute(f"ALTER TABLE product_search ALTER COLUMN {name} SET STATISTICS 1000")
    reindex_all(bind)
    if bind.dialect.name == "postgresql":
        op.execute("ANALYZE product_search")
        op.execute("ALTER TABLE product_search ALTER COLUMN title SET NOT NULL")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE product_search DROP COLUMN title")
    op.drop_index(op.f("ix_search_term_tail"), table_name="search_term")
    op.drop_index(op.f("ix_search_term_head"), table_name="search_term")
    op.drop_table("search_term")
