"""Full-text search over products: one interface, a PostgreSQL and a SQLite index behind it.

The index is the table ``product_search``, one row per product (whatever its status: what a
shopper may see is decided by the catalogue's own filter, so publishing, archiving or a
venture's approval never touch it). It holds the tokens of storefront.domain.search for the
title, the venture's name and the description, weighted in that order:

- PostgreSQL: a ``tsvector`` column under a GIN index, ranked by ``ts_rank``;
- SQLite: an FTS5 table whose rowid is the product id, ranked by ``bm25``.

Both are built from tokens made here in Python, never by the database's own parser, so the
two behave alike. The rows are kept current by a session hook (``after_flush``) that
re-indexes any product whose title, description or venture changed, and every product of a
venture whose name changed, in the same transaction. Writes that bypass the ORM (the demo's
bulk loader) call ``reindex_all`` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Connection,
    Double,
    Select,
    bindparam,
    cast,
    column,
    event,
    func,
    inspect,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session, UOWTransaction

from storefront.domain.search import Clause, Term, parse_query, tokens
from storefront.models import Product, Venture

TABLE = "product_search"
GIN_INDEX = "ix_product_search_document"
BATCH = 5000


class Document:
    """The tokens of one product, by field."""

    __slots__ = ("body", "product_id", "title", "venture")

    def __init__(self, product_id: int, title: str, venture: str, description: str) -> None:
        self.product_id = product_id
        self.title = tokens(title)
        self.venture = tokens(venture)
        self.body = tokens(description)


class Index(Protocol):
    def match(self, stmt: Select[Any], clauses: Sequence[Clause]) -> tuple[Select[Any], Any]:
        """Restrict a product query to matches; return it and its best-first ordering."""

    def write(self, conn: Connection, documents: list[Document]) -> None: ...

    def delete(self, conn: Connection, product_ids: list[int]) -> None: ...

    def bulk(self, conn: Connection) -> AbstractContextManager[None]: ...


def _pg_term(term: Term) -> str:
    quoted = "'" + term.token.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if term.prefix else quoted


class PostgresIndex:
    """A tsvector per product (title A, venture B, description C) under a GIN index."""

    documents = table(TABLE, column("product_id"), column("document"))

    @staticmethod
    def tsquery(clauses: Sequence[Clause]) -> str:
        return " & ".join(
            "(" + " | ".join("(" + " & ".join(map(_pg_term, alt)) + ")" for alt in clause) + ")"
            for clause in clauses
        )

    @staticmethod
    def tsvector(doc: Document) -> str:
        """The tsvector's text form. Tokens are letters and digits only: no quoting needed."""
        positions: dict[str, list[str]] = {}
        position = 0
        for weight, field in (("A", doc.title), ("B", doc.venture), ("C", doc.body)):
            for token in field:
                position += 1
                places = positions.setdefault(token, [])
                if len(places) < 256 and position <= 16383:
                    places.append(f"{position}{weight}")
            position += 10  # no phrase runs across fields
        entries = (f"{token}:{','.join(places)}" for token, places in positions.items() if places)
        return " ".join(entries)

    def match(self, stmt: Select[Any], clauses: Sequence[Clause]) -> tuple[Select[Any], Any]:
        docs = self.documents
        query: ColumnElement[Any] = literal(self.tsquery(clauses), TSQUERY)
        stmt = stmt.join(docs, docs.c.product_id == Product.id).where(
            docs.c.document.op("@@")(query)
        )
        # ts_rank is a float4; as a float8 its value survives the page cursor's trip through
        # JSON exactly, so the next page starts right after the last row's rank
        return stmt, cast(func.ts_rank(docs.c.document, query), Double).desc()

    def write(self, conn: Connection, documents: list[Document]) -> None:
        if not documents:
            return
        conn.execute(
            text(
                "INSERT INTO product_search (product_id, document) "
                "SELECT id, CAST(doc AS tsvector) "
                "FROM unnest(CAST(:ids AS integer[]), CAST(:docs AS text[])) AS t(id, doc) "
                "ON CONFLICT (product_id) DO UPDATE SET document = excluded.document"
            ),
            {
                "ids": [doc.product_id for doc in documents],
                "docs": [self.tsvector(doc) for doc in documents],
            },
        )

    @staticmethod
    @contextmanager
    def bulk(conn: Connection) -> Iterator[None]:
        """Let the GIN index queue new entries during a bulk load, then merge them once.

        It is built with fastupdate off, so that searches never scan a long pending list.
        """
        conn.execute(text(f"ALTER INDEX {GIN_INDEX} SET (fastupdate = on)"))
        conn.execute(text("SET LOCAL gin_pending_list_limit = '256MB'"))
        yield
        conn.execute(text(f"SELECT gin_clean_pending_list('{GIN_INDEX}')"))
        conn.execute(text(f"ALTER INDEX {GIN_INDEX} SET (fastupdate = off)"))

    def delete(self, conn: Connection, product_ids: list[int]) -> None:
        if product_ids:  # deleted products leave by ON DELETE CASCADE; this is for clarity
            conn.execute(
                text("DELETE FROM product_search WHERE product_id = ANY(CAST(:ids AS integer[]))"),
                {"ids": product_ids},
            )


def _fts_term(term: Term) -> str:
    quoted = '"' + term.token.replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


class SqliteIndex:
    """An FTS5 table (title, venture, body) whose rowid is the product id."""

    documents = table(TABLE, column("rowid"))
    weights = (10.0, 5.0, 1.0)  # title, venture, description

    @staticmethod
    def fts_query(clauses: Sequence[Clause]) -> str:
        return " AND ".join(
            "(" + " OR ".join("(" + " AND ".join(map(_fts_term, alt)) + ")" for alt in clause) + ")"
            for clause in clauses
        )

    def match(self, stmt: Select[Any], clauses: Sequence[Clause]) -> tuple[Select[Any], Any]:
        docs: ColumnElement[Any] = literal_column(TABLE)
        stmt = stmt.join(self.documents, self.documents.c.rowid == Product.id).where(
            docs.op("MATCH")(self.fts_query(clauses))
        )
        return stmt, func.bm25(docs, *self.weights).asc()  # bm25: lower is better

    def write(self, conn: Connection, documents: list[Document]) -> None:
        if not documents:
            return
        self.delete(conn, [doc.product_id for doc in documents])
        conn.execute(
            text(
                "INSERT INTO product_search (rowid, title, venture, body) "
                "VALUES (:id, :title, :venture, :body)"
            ),
            [
                {
                    "id": doc.product_id,
                    "title": " ".join(doc.title),
                    "venture": " ".join(doc.venture),
                    "body": " ".join(doc.body),
                }
                for doc in documents
            ],
        )

    @staticmethod
    @contextmanager
    def bulk(conn: Connection) -> Iterator[None]:
        yield

    def delete(self, conn: Connection, product_ids: list[int]) -> None:
        if product_ids:
            conn.execute(
                text("DELETE FROM product_search WHERE rowid IN :ids").bindparams(
                    bindparam("ids", expanding=True)
                ),
                {"ids": product_ids},
            )


def index_for(dialect_name: str) -> Index:
    return PostgresIndex() if dialect_name == "postgresql" else SqliteIndex()


def match(db: Session, stmt: Select[Any], text_: str) -> tuple[Select[Any], Any] | None:
    """Restrict a product query to what ``text_`` finds, with a best-first ordering.

    Returns None when the text holds nothing to search for (only punctuation, say).
    """
    clauses = parse_query(text_)
    if not clauses:
        return None
    return index_for(db.get_bind().dialect.name).match(stmt, clauses)


def _source() -> Select[*tuple[Any, ...]]:
    return (
        select(Product.id, Product.title, Product.description, Venture.name)
        .join(Venture, Venture.id == Product.venture_id)
        .order_by(Product.id)
    )


def reindex(
    conn: Connection, product_ids: Iterable[int] = (), venture_ids: Iterable[int] = ()
) -> int:
    """Rewrite the index rows of these products and of every product of these ventures."""
    product_ids, venture_ids = sorted(set(product_ids)), sorted(set(venture_ids))
    if not product_ids and not venture_ids:
        return 0
    index = index_for(conn.dialect.name)
    rows = conn.execute(
        _source().where(Product.id.in_(product_ids) | Product.venture_id.in_(venture_ids))
    ).all()
    index.write(conn, [Document(*row) for row in rows])
    return len(rows)


def reindex_all(conn: Connection, after_id: int = 0) -> int:
    """Index every product whose id is above ``after_id``, in batches (the bulk loader's path)."""
    index = index_for(conn.dialect.name)
    done = 0
    with index.bulk(conn):
        while rows := conn.execute(_source().where(Product.id > after_id).limit(BATCH)).all():
            index.write(conn, [Document(*row) for row in rows])
            done += len(rows)
            after_id = rows[-1][0]
    return done


def _changed(obj: object, names: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "after_flush")
def _keep_index_current(session: Session, flush_context: UOWTransaction) -> None:
    """Re-index, in the flush's own transaction, what a shopper could now find differently."""
    products: set[int] = set()
    ventures: set[int] = set()
    for obj in session.new:
        if isinstance(obj, Product):
            products.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Product) and _changed(
            obj, ("title", "description", "venture_id", "venture")
        ):
            products.add(obj.id)
        elif isinstance(obj, Venture) and _changed(obj, ("name",)):
            ventures.add(obj.id)
    deleted = [obj.id for obj in session.deleted if isinstance(obj, Product)]
    if not (products or ventures or deleted):
        return
    conn = session.connection()
    if deleted:
        index_for(conn.dialect.name).delete(conn, deleted)
    reindex(conn, products, ventures)
