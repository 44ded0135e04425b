"""Full-text search over products: one interface, a PostgreSQL and a SQLite index behind it.

The index is the table ``product_search``, one row per product (whatever its status: what a
shopper may see is decided by the catalogue's own filter, so publishing, archiving or a
venture's approval never touch it). It holds the tokens of storefront.domain.search for the
title, the venture's name and the description:

- PostgreSQL: a ``tsvector`` of all three under a GIN index, and one of the title alone under
  another;
- SQLite: an FTS5 table (title, venture, body) whose rowid is the product id.

Results rank in tiers (the title holds the query, else the venture's name does, else the
rest), newest first within each: storefront.services.pagination.paginate_tiers reads a page of
them without reading every match. A vocabulary of title and venture-name words
(``search_term``) serves "did you mean"; ``suggest`` answers the search box as one types.

Both are built from tokens made here in Python, never by the database's own parser, so the
two behave alike. The rows are kept current by a session hook (``after_flush``) that
re-indexes any product whose title, description or venture changed, and every product of a
venture whose name changed, in the same transaction. Writes that bypass the ORM (the demo's
bulk loader) call ``reindex_all`` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Select,
    String,
    bindparam,
    column,
    event,
    exists,
    false,
    func,
    inspect,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, UOWTransaction, aliased

from storefront.domain.search import (
    Clause,
    Term,
    closest,
    matches,
    parse_query,
    query_words,
    stem,
    tokens,
    vocabulary,
)
from storefront.models import Product, SearchTerm, Venture

TABLE = "product_search"
GIN_INDEXES = ("ix_product_search_document", "ix_product_search_title")
BATCH = 5000
SUGGESTION_CANDIDATES = 2000  # vocabulary words a misspelt query is compared with, at most


class Document:
    """The tokens of one product, by field."""

    __slots__ = ("body", "product_id", "title", "venture")

    def __init__(self, product_id: int, title: str, venture: str, description: str) -> None:
        self.product_id = product_id
        self.title = tokens(title)
        self.venture = tokens(venture)
        self.body = tokens(description)


class Found(NamedTuple):
    """A product query joined to the index, what matches, and how well, best first.

    The statements are built once per product query (``match``): what was searched for is
    in ``params``, the values of their bound parameters."""

    stmt: Select[Any]  # joined to the index, not yet restricted to matches
    matches: ColumnElement[bool]
    tiers: list[ColumnElement[bool]]  # in the title, else in the venture's name, else anywhere
    ventures: list[int]  # the ventures whose names answer the query: all their products match
    params: dict[str, Any]


class Index(Protocol):
    def match(self, stmt: Select[Any], clauses: Sequence[Clause], ventures: list[int]) -> Found:
        """Join a product query to the index; say what matches, and in which tier (the
        products of ``ventures``, whose names match, make the second)."""

    def write(self, conn: Connection, documents: list[Document]) -> None: ...

    def delete(self, conn: Connection, product_ids: list[int]) -> None: ...

    def bulk(self, conn: Connection) -> AbstractContextManager[None]: ...


# The ids of the ventures whose names answer the query (the second tier), bound per search.
NAMED: BindParameter[Any] = bindparam("named", expanding=True)


def _named_param(ventures: list[int]) -> dict[str, Any]:
    return {"named": ventures} if ventures else {}


def _tiers(
    title: ColumnElement[bool], named: bool, anywhere: ColumnElement[bool]
) -> list[ColumnElement[bool]]:
    venture: ColumnElement[bool] = Product.venture_id.in_(NAMED) if named else false()
    return [title, venture & ~title, anywhere & ~title & ~venture]


def _pg_term(term: Term) -> str:
    quoted = "'" + term.token.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if term.prefix else quoted


class PostgresIndex:
    """A tsvector per product (title A, venture B, description C) under a GIN index, and the
    title's own tsvector under its own (the first relevance tier)."""

    documents = table(TABLE, column("product_id"), column("document"), column("title"))

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

    @staticmethod
    def field_tsvector(field: list[str]) -> str:
        """One field's tokens, without positions: only whether it holds them matters."""
        return " ".join(dict.fromkeys(field))

    def match(self, stmt: Select[Any], clauses: Sequence[Clause], ventures: list[int]) -> Found:
        joined, anywhere, tiers = _postgres_statements(stmt, bool(ventures))
        params = {"search": self.tsquery(clauses), **_named_param(ventures)}
        return Found(joined, anywhere, tiers, ventures, params)

    def write(self, conn: Connection, documents: list[Document]) -> None:
        if not documents:
            return
        conn.execute(
            text(
                "INSERT INTO product_search (product_id, document, title) "
                "SELECT id, CAST(doc AS tsvector), CAST(title AS tsvector) "
                "FROM unnest(CAST(:ids AS integer[]), CAST(:docs AS text[]), "
                "CAST(:titles AS text[])) AS t(id, doc, title) "
                "ON CONFLICT (product_id) DO UPDATE SET document = excluded.document, "
                "title = excluded.title"
            ),
            {
                "ids": [doc.product_id for doc in documents],
                "docs": [self.tsvector(doc) for doc in documents],
                "titles": [self.field_tsvector(doc.title) for doc in documents],
            },
        )

    @staticmethod
    @contextmanager
    def bulk(conn: Connection) -> Iterator[None]:
        """Let the GIN index queue new entries during a bulk load, then merge them once.

        It is built with fastupdate off, so that searches never scan a long pending list.
        """
        for index in GIN_INDEXES:
            conn.execute(text(f"ALTER INDEX {index} SET (fastupdate = on)"))
        conn.execute(text("SET LOCAL gin_pending_list_limit = '256MB'"))
        yield
        for index in GIN_INDEXES:
            conn.execute(text(f"SELECT gin_clean_pending_list('{index}')"))
            conn.execute(text(f"ALTER INDEX {index} SET (fastupdate = off)"))

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

    @staticmethod
    def fts_query(clauses: Sequence[Clause]) -> str:
        return " AND ".join(
            "(" + " OR ".join("(" + " AND ".join(map(_fts_term, alt)) + ")" for alt in clause) + ")"
            for clause in clauses
        )

    def match(self, stmt: Select[Any], clauses: Sequence[Clause], ventures: list[int]) -> Found:
        anywhere, tiers = _sqlite_statements(bool(ventures))
        fts_query = self.fts_query(clauses)
        params = {"search": fts_query, "title_search": f"title : ({fts_query})"}
        return Found(stmt, anywhere, tiers, ventures, params | _named_param(ventures))

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


# A search's statements are built once per product query (the catalogue's are built once
# each) and whether some venture's name answers it: building them cost more CPU than running
# them. What was searched for is bound when they run (``Found.params``).
@lru_cache(maxsize=256)
def _postgres_statements(
    stmt: Select[Any], named: bool
) -> tuple[Select[Any], ColumnElement[bool], list[ColumnElement[bool]]]:
    docs = PostgresIndex.documents
    query = bindparam("search", type_=TSQUERY)
    # The title has its own column (and statistics), so the planner knows how many titles
    # hold a word: it walks a dense tier in id order and reads a sparse one from its index.
    title = docs.c.title.op("@@")(query)
    anywhere = docs.c.document.op("@@")(query)
    # The planner guesses how many titles hold a word it has no statistics for (a prefix
    # above all); when it guesses many it walks the table in id order for a page. If no
    # title at all holds it (a miss, an English word only descriptions have), that walk
    # would read every row: this one-time test skips it. Asked of both columns (a title
    # match is a document match), it is guessed rare and answered by the GIN indexes.
    probe = docs.alias("title_probe")
    any_title = exists(
        select(probe.c.product_id).where(
            probe.c.document.op("@@")(query), probe.c.title.op("@@")(query)
        )
    )
    joined = stmt.join(docs, docs.c.product_id == Product.id)
    return joined, anywhere, _tiers(any_title & title, named, anywhere)


def _fts_in(param: str) -> ColumnElement[bool]:
    """Products whose row matches the FTS5 query bound as ``param``."""
    found = select(SqliteIndex.documents.c.rowid).where(
        literal_column(TABLE).op("MATCH")(bindparam(param, type_=String()))
    )
    return Product.id.in_(found.scalar_subquery())


@lru_cache(maxsize=2)
def _sqlite_statements(named: bool) -> tuple[ColumnElement[bool], list[ColumnElement[bool]]]:
    anywhere = _fts_in("search")
    return anywhere, _tiers(_fts_in("title_search"), named, anywhere)


def index_for(dialect_name: str) -> Index:
    return PostgresIndex() if dialect_name == "postgresql" else SqliteIndex()


def match(
    db: Session,
    stmt: Select[Any],
    text_: str,
    approved: Sequence[tuple[int, str]] | None = None,
) -> Found | None:
    """Join a product query to the index for ``text_``: what it finds, in relevance tiers.

    ``approved`` are the approved ventures' ids and names, when the caller has read them
    already (the catalogue's venture filter lists them); else they are read here.
    Returns None when the text holds nothing to search for (only punctuation, say).
    """
    clauses = parse_query(text_)
    if not clauses:
        return None
    # The ids of the ventures whose names answer the query: the database then knows from its
    # statistics how many products each has, where a guess from their names' bigrams is wild.
    ventures = [id_ for id_, _name in _named(db, clauses, approved)]
    return index_for(db.get_bind().dialect.name).match(stmt, clauses, ventures)


@lru_cache(maxsize=4096)
def _name_tokens(name: str) -> frozenset[str]:
    return frozenset(tokens(name))


def approved_names(db: Session) -> list[tuple[int, str]]:
    """The approved ventures' ids and names, by name."""
    rows = db.execute(
        select(Venture.id, Venture.name).where(Venture.status == "approved").order_by(Venture.name)
    )
    return [(id_, name) for id_, name in rows]


def _named(
    db: Session, clauses: list[Clause], approved: Sequence[tuple[int, str]] | None = None
) -> list[tuple[int, str]]:
    """The approved ventures whose names answer the query (a few dozen names, matched here)."""
    if approved is None:
        approved = approved_names(db)
    return [(id_, name) for id_, name in approved if matches(clauses, _name_tokens(name))]


def suggest(db: Session, stmt: Select[Any], text_: str, limit: int) -> list[str]:
    """Venture names, then product titles (newest first), that what the shopper has typed so
    far finds (its last word may be unfinished: every word matches as a prefix), ``limit`` at
    most, in two queries. ``stmt`` selects the products a shopper may see."""
    clauses = parse_query(text_, prefixes=True)
    if not clauses:
        return []
    named = _named(db, clauses)
    found = index_for(db.get_bind().dialect.name).match(stmt, clauses, [id_ for id_, _ in named])
    titles = db.scalars(
        found.stmt.with_only_columns(Product.title)
        .where(found.tiers[0])
        .order_by(Product.id.desc())
        .limit(limit * 2),  # room for repeated titles
        found.params,
    )
    return list(dict.fromkeys([name for _id, name in named] + list(titles)))[:limit]


def _source() -> Select[*tuple[Any, ...]]:
    shown = (Product.status == "published") & (Venture.status == "approved")  # as the shop's
    return (
        select(Product.id, Product.title, Venture.name, Product.description, shown)
        .join(Venture, Venture.id == Product.venture_id)
        .order_by(Product.id)
    )


def _shown_words(rows: Sequence[Any]) -> list[str]:
    """The titles and venture names of the rows shoppers may see: "did you mean" never offers
    a word of a draft, an archived product or an unapproved venture that is nowhere else."""
    return [text for row in rows if row[4] for text in (row[1], row[2])]


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
    index.write(conn, [Document(*row[:4]) for row in rows])
    remember_terms(conn, _shown_words(rows))
    return len(rows)


def reindex_all(conn: Connection, after_id: int = 0) -> int:
    """Index every product whose id is above ``after_id``, in batches (the bulk loader's path)."""
    index = index_for(conn.dialect.name)
    done = 0
    with index.bulk(conn):
        while rows := conn.execute(_source().where(Product.id > after_id).limit(BATCH)).all():
            index.write(conn, [Document(*row[:4]) for row in rows])
            remember_terms(conn, _shown_words(rows))
            done += len(rows)
            after_id = rows[-1][0]
    return done


def remember_terms(conn: Connection, texts: Iterable[str]) -> None:
    """Add the words of these titles and venture names to the vocabulary ("did you mean")."""
    words = sorted({word for text_ in texts for word in vocabulary(text_)})
    if not words:
        return
    insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    rows = [{"term": word, "head": word[0], "tail": word[-1]} for word in words]
    conn.execute(insert(SearchTerm).on_conflict_do_nothing(), rows)


def did_you_mean(db: Session, text_: str) -> str:
    """The query with each word the vocabulary lacks replaced by the closest word it has, or
    "" when no word changes. One query: which words are known, and the candidates of the
    others (the words sharing their first or their last letter, about as long)."""
    words = query_words(text_)
    wanted = {word: stem(word) for word in words}
    stems = sorted({s for s in wanted.values() if not s.isdigit()})
    if not stems:
        return ""
    term, length = SearchTerm.term, func.length(SearchTerm.term)
    # Whether each word is unknown is asked inside the statement (a one-time test per word),
    # so that only the unknown words' letters and lengths pick the candidates, as two
    # statements would: "about as long" spans the shortest to the longest unknown word.
    probe = aliased(SearchTerm)  # not correlated with the rows it picks
    unknown = {s: ~exists(select(probe.term).where(probe.term == s)) for s in stems}
    near = or_(
        *(u & ((SearchTerm.head == s[0]) | (SearchTerm.tail == s[-1])) for s, u in unknown.items())
    )
    long_enough = or_(*(u & (length >= len(s) - 2) for s, u in unknown.items()))
    short_enough = or_(*(u & (length <= len(s) + 2) for s, u in unknown.items()))
    candidates = (
        select(term, literal(False).label("known"))
        .where(near, long_enough, short_enough)
        .order_by(term)
        .limit(SUGGESTION_CANDIDATES)
        .subquery()
    )
    rows = db.execute(
        union_all(
            select(term, literal(True).label("known")).where(term.in_(stems)),
            select(candidates.c.term, candidates.c.known),
        )
    ).all()
    known = {row[0] for row in rows if row[1]}
    nearby = [row[0] for row in rows if not row[1]]
    fixed = {w: closest(s, nearby) for w, s in wanted.items() if s in unknown and s not in known}
    changed = [fixed.get(w) or w for w in words]
    return " ".join(changed) if changed != words else ""


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
