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
"""

from __future__ import annotations

import itertools
import os
import re
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from storefront.domain import audit as ledger_audit
from storefront.domain import chain
from storefront.domain.payouts import PayoutFacts
from storefront.models import LedgerEntry
from storefront.services import ledger

PARALLEL_FROM = 100_000  # entries: below this, starting the workers costs more than it saves
_SNAPSHOT = re.compile(r"[0-9A-Fa-f-]+")


def default_jobs(entries: int) -> int:
    """How many processes check a ledger of this many entries when not told."""
    return min(2, os.cpu_count() or 1) if entries >= PARALLEL_FROM else 1


def audit(db: Session, jobs: int | None = None) -> ledger.Findings:
    """``ledger.audit`` of every entry, in ``jobs`` processes (``default_jobs`` if None), all
    reading one snapshot. On PostgreSQL it opens a transaction of its own (what the session
    has not committed is not seen); on SQLite it reads in the session's (workers see only what
    is committed)."""
    engine = db.get_bind()
    assert isinstance(engine, Engine)
    if engine.dialect.name != "postgresql":  # SQLite: the session's own transaction
        return _audit_in(db, engine, jobs)
    with engine.connect() as connection:
        repeatable = connection.execution_options(isolation_level="REPEATABLE READ")
        with Session(bind=repeatable) as session:
            return _audit_in(session, engine, jobs)


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
