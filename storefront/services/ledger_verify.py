"""``flask ledger verify`` on several cores: the entries split into consecutive id ranges, each
audited by its own process on its own connection, the audits joined (``audit.joined``).

Every process reads the same state of the database:

- PostgreSQL: the parent's transaction is REPEATABLE READ and exports its snapshot
  (``pg_export_snapshot``); each worker's transaction imports it (``SET TRANSACTION SNAPSHOT``)
  before reading. The entries, the running totals and the payouts are all read in that one
  snapshot, so a payment committed mid-verify is in none of them.
- SQLite: the parent reads in the session's own transaction, which begins IMMEDIATE, as
  every transaction outside a GET request does (``storefront.sqlite``): it holds the write
  lock until the verify ends, so no writer commits between the parent's reads and the
  workers' read transactions (which begin DEFERRED and take no lock in WAL mode): they all
  see the same database. Payments wait for the lock meanwhile (up to the busy timeout), as
  they did for the single pass. The ranges end at the greatest id the parent read, and
  entries are never updated or deleted (triggers), so even a snapshot taken later would hold
  the same entries in them. What the session has not committed, the workers do not see.

The parent audits the first range itself while the workers audit the others. ``jobs=1`` is
the single pass, in the same transaction.

On PostgreSQL the database does the per-entry work instead (``in_database``), in parallel
worker processes of its own: it writes each entry's canonical encoding (the bytes
``chain.canonical_row`` writes), hashes it and compares it with the stored hash, compares
each link with the hash before it (``lag``), and sums the entries per running total and per
payout head; only the first break and the sums come back. The Python pass stays the
reference (``in_python=True``, and on SQLite), and the tests hold both to the same findings.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime
from multiprocessing import get_context
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Engine,
    String,
    bindparam,
    cast,
    create_engine,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from storefront.domain import audit as ledger_audit
from storefront.domain import chain
from storefront.domain.payouts import PayoutFacts
from storefront.domain.periods import seoul_month
from storefront.models import LedgerEntry
from storefront.services import ledger

PARALLEL_FROM = 100_000  # entries: below this, starting the workers costs more than it saves
_SNAPSHOT = re.compile(r"[0-9A-Fa-f-]+")


def default_jobs(entries: int) -> int:
    """How many processes check a ledger of this many entries when not told."""
    return min(2, os.cpu_count() or 1) if entries >= PARALLEL_FROM else 1


def audit(db: Session, jobs: int | None = None, in_python: bool = False) -> ledger.Findings:
    """``ledger.audit`` of every entry, in ``jobs`` processes (``default_jobs`` if None), all
    reading one snapshot. On PostgreSQL it opens a transaction of its own (what the session
    has not committed is not seen) and has the database check the entries (``in_database``)
    unless told ``in_python``; on SQLite it reads in the session's (workers see only what is
    committed)."""
    engine = db.get_bind()
    assert isinstance(engine, Engine)
    if engine.dialect.name != "postgresql":  # SQLite: the session's own transaction
        return _audit_in(db, engine, jobs)
    with engine.connect() as connection:
        repeatable = connection.execution_options(isolation_level="REPEATABLE READ")
        with Session(bind=repeatable) as session:
            if in_python or session.scalar(text("SHOW server_encoding")) != "UTF8":
                return _audit_in(session, engine, jobs)
            payouts = ledger.payout_facts(session)
            return ledger.findings(session, payouts, in_database(session, payouts, jobs))


def _audit_in(session: Session, engine: Engine, jobs: int | None) -> ledger.Findings:
    in_memory = engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")
    snapshot = None
    if engine.dialect.name == "postgresql":
        snapshot = session.scalar(text("SELECT pg_export_snapshot()"))
    first, last = session.execute(select(func.min(LedgerEntry.id), func.max(LedgerEntry.id))).one()
    payouts = ledger.payout_facts(session)
    if jobs is None:
        jobs = default_jobs((last or 0) - (first or 0) + 1)
    if in_memory or first is None:
        jobs = 1
    ranges = _ranges(first or 0, last or 0, jobs)
    raw: Any = session.connection().connection.driver_connection
    if jobs == 1:
        parts = [_audit(raw, engine.dialect, ranges[0], payouts, first=True)]
    else:
        url = engine.url.render_as_string(hide_password=False)
        with ProcessPoolExecutor(jobs - 1, mp_context=get_context("spawn")) as pool:
            futures = [
                pool.submit(_worker, url, snapshot, span, _heads_in(payouts, ranges, k))
                for k, span in enumerate(ranges) if k > 0
            ]  # fmt: skip
            own = _heads_in(payouts, ranges, 0)
            parts = [_audit(raw, engine.dialect, ranges[0], own, first=True)]
            parts += [f.result() for f in futures]
    return ledger.findings(session, payouts, ledger_audit.joined(parts))


def _ranges(first: int, last: int, jobs: int) -> list[tuple[int, int]]:
    """Ranges of ids (after, upto] of about the same size from ``first`` to ``last``: the last
    one stops at ``last``, so entries committed after the parent read it are not read."""
    bounds = [first - 1 + (last - first + 1) * k // jobs for k in range(jobs + 1)]
    return list(itertools.pairwise(bounds))


def _heads_in(
    payouts: list[PayoutFacts], ranges: list[tuple[int, int]], k: int
) -> list[PayoutFacts]:
    """The payouts whose chain heads range ``k`` audits (the first range, every head before
    it; the last, every head after it)."""
    after, upto = ranges[k]
    low = None if k == 0 else after
    high = None if k == len(ranges) - 1 else upto
    return [
        p for p in payouts
        if p.ledger_head_id is not None
        and (low is None or p.ledger_head_id > low)
        and (high is None or p.ledger_head_id <= high)
    ]  # fmt: skip


def _audit(
    raw: Any, dialect: Any, span: tuple[int, int], payouts: list[PayoutFacts], first: bool
) -> ledger_audit.Audit:
    after, upto = span
    found = ledger_audit.Audit(payouts, previous=chain.GENESIS if first else None)
    return found.add_all(ledger.entry_rows(raw, dialect, after, upto))


def _worker(
    url: str, snapshot: str | None, span: tuple[int, int], payouts: list[PayoutFacts]
) -> ledger_audit.Audit:
    """One range, in a process of its own, on a connection of its own, in the snapshot."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            raw: Any = connection.connection.driver_connection
            if engine.dialect.name == "postgresql":
                assert snapshot is not None and _SNAPSHOT.fullmatch(snapshot)
                from psycopg import IsolationLevel

                raw.rollback()
                raw.isolation_level = IsolationLevel.REPEATABLE_READ
                raw.read_only = True
                raw.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")  # the first statement
            else:
                raw.isolation_level = None  # BEGIN ourselves: one read transaction throughout
                raw.execute("BEGIN DEFERRED")
            try:
                return _audit(raw, engine.dialect, span, payouts, first=False)
            finally:
                raw.rollback()
    finally:
        engine.dispose()


def canonical_sql() -> str:
    """``chain.canonical_row`` as a PostgreSQL expression over a ``ledger_entry`` row: the keys
    sorted, an integer as its decimal text, a string through ``to_json`` (which escapes exactly
    the characters ``json.dumps`` escapes, and in the same way; a test holds them to it), a
    missing value as ``null``, an optional field only when set."""
    parts = []
    for n, name in enumerate(sorted((*chain.FIELDS, *chain.OPTIONAL))):
        key = ("{" if n == 0 else ",") + json.dumps(name) + ":"
        column = getattr(LedgerEntry, name).expression
        if name == "created_at":
            value = f"'\"' || {ledger.CANONICAL_CREATED['postgresql']} || '\"'"
        elif column.type.python_type is str:
            value = f"to_json(ledger_entry.{name})::text"
        else:
            assert column.type.python_type is int, name
            value = f"ledger_entry.{name}::text"
        if name in chain.OPTIONAL:
            assert n > 0, name
            parts.append(f"coalesce('{key}' || {value}, '')")
        else:
            parts.append(f"'{key}' || coalesce({value}, 'null')")
    return " || ".join([*parts, "'}'"])


_BAD_HASH = literal_column(
    f"encode(sha256(convert_to({canonical_sql()}, 'UTF8')), 'hex') "
    "IS DISTINCT FROM ledger_entry.hash",
    Boolean,
)
_TOTALS = select(
    LedgerEntry.cause_id, LedgerEntry.venture_id,
    func.width_bucket(
        LedgerEntry.created_at, cast(bindparam("months"), ARRAY(DateTime(timezone=True)))
    ),
    LedgerEntry.kind, func.sum(LedgerEntry.amount), func.count(),
    func.min(LedgerEntry.id).filter(_BAD_HASH),
).group_by(*(literal_column(str(n)) for n in range(1, 5)))  # fmt: skip
_LINKS = select(
    LedgerEntry.id,
    LedgerEntry.prev_hash.is_distinct_from(
        func.lag(LedgerEntry.hash, 1, cast(bindparam("genesis"), String)).over(
            order_by=LedgerEntry.id
        )
    ).label("broken"),
).subquery("links")
_FIRST_BAD_LINK = select(func.min(_LINKS.c.id)).where(_LINKS.c.broken)
_NET_PER_HEAD = (
    select(
        LedgerEntry.cause_id,
        func.width_bucket(LedgerEntry.id, cast(bindparam("after"), ARRAY(BigInteger))),
        func.sum(LedgerEntry.amount),
    )
    .where(LedgerEntry.cause_id == func.any(cast(bindparam("causes"), ARRAY(BigInteger))))
    .group_by(literal_column("1"), literal_column("2"))
)


def in_database(
    session: Session, payouts: list[PayoutFacts], jobs: int | None = None
) -> ledger_audit.Audit:
    """The audit of every entry, the per-entry work done by PostgreSQL in this session's
    transaction (its snapshot): ``jobs`` processes (``default_jobs`` if None: the query's
    leader and ``jobs - 1`` parallel workers, within PostgreSQL's own limits). Three scans: the
    hashes and the running totals (grouped by Seoul month through the bounds
    ``audit.month_starts`` computes, so the months are the Python pass's to the microsecond),
    the links in id order, and the net pledges per payout head; with more than one job, the
    last two on a second connection in the same snapshot, beside the first."""
    first_id, last_id, first, last = session.execute(
        select(
            func.min(LedgerEntry.id), func.max(LedgerEntry.id),
            func.min(LedgerEntry.created_at), func.max(LedgerEntry.created_at),
        )
    ).one()  # fmt: skip
    if first is None:
        return ledger_audit.grouped(payouts, 0, None, {}, {})
    if jobs is None:
        jobs = default_jobs(last_id - first_id + 1)
    session.execute(text("SET LOCAL work_mem = '64MB'"))  # the totals' groups in a hash table
    session.execute(text(f"SET LOCAL max_parallel_workers_per_gather = {int(jobs) - 1}"))
    if jobs > 1:  # as told, even for a ledger the planner finds small
        session.execute(text("SET LOCAL parallel_setup_cost = 0"))
        session.execute(text("SET LOCAL min_parallel_table_scan_size = 0"))
    starts = ledger_audit.month_starts(first, last)
    if jobs == 1:
        totals = _totals(session, starts)
        first_bad_link, net = _links_and_heads(session, payouts)
    else:  # the links and heads beside the totals, on a connection of their own
        snapshot = session.scalar(text("SELECT pg_export_snapshot()"))
        engine = session.get_bind().engine
        with ThreadPoolExecutor(1) as beside:
            later = beside.submit(_links_and_heads_beside, engine, snapshot, payouts)
            totals = _totals(session, starts)
            first_bad_link, net = later.result()
    checked, first_bad_hash, sums = totals
    breaks = [i for i in (first_bad_hash, first_bad_link) if i is not None]
    return ledger_audit.grouped(payouts, checked, min(breaks, default=None), sums, net)


def _totals(
    session: Session, starts: list[datetime]
) -> tuple[int, int | None, dict[ledger_audit.SumKey, list[int]]]:
    """How many entries, the first whose hash does not match, the running totals."""
    months = [seoul_month(start) for start in starts]
    checked, first_bad_hash = 0, None
    sums: dict[ledger_audit.SumKey, list[int]] = {}
    for cause_id, venture_id, bucket, kind, amount, count, bad in session.execute(
        _TOTALS, {"months": starts}
    ):
        assert 0 < bucket < len(starts)  # between the first start and the last, by their choice
        total = sums.setdefault((cause_id, venture_id, months[bucket - 1], kind), [0, 0])
        total[0] += int(amount)
        total[1] += count
        checked += count
        if bad is not None and (first_bad_hash is None or bad < first_bad_hash):
            first_bad_hash = bad
    return checked, first_bad_hash, sums


def _links_and_heads(
    session: Session, payouts: list[PayoutFacts]
) -> tuple[int | None, dict[tuple[int, int], int]]:
    """The first entry whose link does not match; the net pledges per cause and head bucket."""
    first_bad_link = session.scalar(_FIRST_BAD_LINK, {"genesis": chain.GENESIS})
    heads = ledger_audit.head_bounds(payouts)
    net: dict[tuple[int, int], int] = {}
    if heads:
        causes = sorted({p.cause_id for p in payouts if p.ledger_head_id is not None})
        after = [head + 1 for head in heads]  # an entry's bucket: how many heads are before it
        for cause_id, bucket, amount in session.execute(
            _NET_PER_HEAD, {"after": after, "causes": causes}
        ):
            net[(cause_id, bucket)] = int(amount)
    return first_bad_link, net


def _links_and_heads_beside(
    engine: Engine, snapshot: str, payouts: list[PayoutFacts]
) -> tuple[int | None, dict[tuple[int, int], int]]:
    """``_links_and_heads`` on a connection of its own, in the snapshot ``snapshot``."""
    assert _SNAPSHOT.fullmatch(snapshot)
    with engine.connect() as connection:
        repeatable = connection.execution_options(isolation_level="REPEATABLE READ")
        with Session(bind=repeatable) as session:
            session.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))  # the first statement
            session.execute(text("SET TRANSACTION READ ONLY"))
            return _links_and_heads(session, payouts)
