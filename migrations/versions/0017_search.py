"""Index products for full-text search: ``product_search``

One row per product with the tokens of its title, its venture's name and its description
(storefront/domain/search.py: Hangul bigrams and whole words), kept current by the session
hook in storefront/services/search.py.

- PostgreSQL: ``product_search(product_id, document tsvector)`` under a GIN index; a row goes
  with its product (ON DELETE CASCADE).
- SQLite: an FTS5 virtual table ``product_search(title, venture, body)`` whose rowid is the
  product id.

Existing products are indexed by 0022_search_terms (which adds columns that today's indexing
code writes), not here. The table is outside the models' metadata
(storefront/models/search.py tells Alembic's comparison to leave it alone).

Revision ID: 0017_search
Revises: 0016_payout_guards
Create Date: 2026-12-01 23:30:00

"""

from alembic import op

revision = "0017_search"
down_revision = "0016_payout_guards"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE product_search ("
            "product_id INTEGER PRIMARY KEY REFERENCES product (id) ON DELETE CASCADE, "
            "document TSVECTOR NOT NULL)"
        )
        # fastupdate off: a search never scans a pending list (bulk loads turn it on a while)
        op.execute(
            "CREATE INDEX ix_product_search_document ON product_search "
            "USING gin (document) WITH (fastupdate = off)"
        )
    else:
        op.execute(
            "CREATE VIRTUAL TABLE product_search USING fts5("
            "title, venture, body, tokenize = 'unicode61 remove_diacritics 0')"
        )


def downgrade():
    op.execute("DROP TABLE product_search")
