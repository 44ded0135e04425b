"""Make SQLite behave like a real transactional database for the embedded default.

pysqlite on Python 3.11 starts transactions lazily and lets SAVEPOINTs escape them; this takes
over BEGIN so that savepoints nest properly and turns on foreign keys. Transactions begin
IMMEDIATE: each takes the write lock up front, so two requests that read and then write
(a webhook and the success page, two checkouts) wait for each other instead of failing with
"database is locked". SQLite is the single-machine demo default; production runs PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event


def configure(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
