"""Make SQLite behave like a real transactional database for the embedded default.

pysqlite on Python 3.11 starts transactions lazily and lets SAVEPOINTs escape them; this takes
over BEGIN so that savepoints nest properly and turns on foreign keys and WAL.

Which BEGIN. SQLite has one writer at a time. A transaction that reads and then writes must
hold the write lock from its first statement (``BEGIN IMMEDIATE``): a deferred transaction that
upgrades to a writer fails at once with "database is locked" (``SQLITE_BUSY_SNAPSHOT``) if
another connection wrote since its snapshot, or if one holds the lock (the busy timeout is not
used for an upgrade). So everything writes IMMEDIATE (POSTs, webhooks, CLI commands, jobs,
tests' sessions), and the two workers wait for each other instead of failing.

Reads must not queue behind that lock: in WAL mode a ``BEGIN DEFERRED`` transaction reads a
snapshot without any lock. So the view of a GET, HEAD or OPTIONS request runs its transactions
DEFERRED, unless the view is marked ``@sqlite.writes`` (the checkout success and cancel pages,
which confirm or cancel a payment). A safe-method view that writes without the mark is caught
before its first write reaches SQLite (``before_cursor_execute``): the transaction is rolled
back and the view runs again from the start, this time IMMEDIATE, with the cookie session as it
was. Running it again, rather than upgrading, is what keeps it correct: the first run's reads
came from a snapshot that may be stale, and a write decided on them could lose an update. The
rerun is logged with the endpoint, which should then get the mark: a rerun repeats any call the
view made to the outside (a payment provider) before its first write.

Transactions of a response streamed after the view (``stream_with_context``) begin DEFERRED
too; a write there cannot be run again, so it is only logged and left to SQLite.

``PRAGMA synchronous = NORMAL`` in WAL mode: a commit no longer waits for fsync, only
checkpoints do, so a writer holds the lock for far less time (500 one-row commits on this
machine: 127 a second with FULL, 4,800 with NORMAL). The database stays consistent after any
crash, and a crash of the process loses nothing; a power cut or an OS crash can lose the last
transactions committed before it. For the single-machine demo that is the usual trade;
production runs PostgreSQL.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, g, has_app_context, request, session
from sqlalchemy import Engine, event

from storefront.domain.errors import WriteInReadTransaction

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Statements that never write: everything else in a deferred transaction is taken for a write.
READ_ONLY = ("SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "EXPLAIN", "WITH")

View = TypeVar("View", bound=Callable[..., Any])


@dataclass
class _Reading:
    """A safe-method request whose transactions begin DEFERRED (``g.sqlite_reading``)."""

    in_view: bool = True  # False once the view returned (a streamed body): too late to rerun
    wrote: bool = False


def writes(view: View) -> View:
    """Mark a GET view that writes, so that its transactions take the write lock up front."""
    view.writes_database = True  # type: ignore[attr-defined]
    return view


def _reading() -> _Reading | None:
    return g.get("sqlite_reading") if has_app_context() else None


def configure(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    on_disk = engine.url.database not in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        if on_disk:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        reading = _reading() if on_disk else None
        deferred = reading is not None and not reading.wrote
        connection.info["sqlite_deferred"] = False
        connection.exec_driver_sql("BEGIN DEFERRED" if deferred else "BEGIN IMMEDIATE")
        connection.info["sqlite_deferred"] = deferred

    @event.listens_for(engine, "before_cursor_execute")
    def refuse_writes_when_deferred(
        connection: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        if not connection.info.get("sqlite_deferred") or _is_read(statement, context):
            return
        reading = _reading()
        if reading is None or not reading.in_view:  # a streamed body: too late to run again
            log.warning("a write in a deferred SQLite transaction after the view: %s", statement)
            return
        reading.wrote = True  # even if the view catches the exception, it runs again
        raise WriteInReadTransaction(statement.split(None, 1)[0])


def _is_read(statement: str, context: Any) -> bool:
    if context is not None and (context.isinsert or context.isupdate or context.isdelete):
        return False
    return statement.lstrip().upper().startswith(READ_ONLY)


def init_app(app: Flask) -> None:
    """Run safe-method views in deferred (snapshot) transactions, and again if they write."""
    from storefront.extensions import db

    if db.engine.dialect.name != "sqlite":
        return
    dispatch = app.dispatch_request

    def dispatch_request() -> Any:
        view = app.view_functions.get(request.endpoint or "")
        if request.method not in SAFE_METHODS or getattr(view, "writes_database", False):
            return dispatch()
        saved = copy.deepcopy(dict(session))
        reading = g.sqlite_reading = _Reading()
        try:
            result = dispatch()
        except Exception:
            if not reading.wrote:
                raise
        finally:
            reading.in_view = False
        if not reading.wrote:
            return result
        db.session.rollback()
        log.warning(
            "%s %s wrote in a read transaction and ran again holding the write lock; "
            "mark the view @sqlite.writes",
            request.method,
            request.endpoint,
        )
        if dict(session) != saved:  # flashes or a cart the first run left behind
            session.clear()
            session.update(saved)
        return dispatch()  # reading.wrote: every transaction from here on begins IMMEDIATE

    app.dispatch_request = dispatch_request  # type: ignore[method-assign]
