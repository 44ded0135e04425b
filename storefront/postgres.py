"""PostgreSQL settings for the shop's connections (``sqlite.py`` does the same for SQLite).

Every statement is planned for the values it runs with (``plan_cache_mode =
force_custom_plan``). The shop's hot statements are built once, with what varies bound as
parameters (a search's text, a venture's slug, a product's id), and psycopg prepares a
statement on the server once it has run five times on a connection. PostgreSQL may then keep
one generic plan for all values, chosen without them. For a search that plan decides without
the term whether to walk a tier in id order or read it from the GIN index (how many titles hold
the word is what decides, ``search.PostgresIndex``), and the walk reads the whole catalogue for a
rare word. Planned each time, a statement costs what an unprepared one costs: measured on
searches of ten terms at 100,000 products, no difference beyond noise (docs/performance.md).

The setting is made when a connection opens, so it needs a session of its own on the server:
behind a pooler that shares server connections between transactions (PgBouncer's transaction
mode), set it for the shop's role instead (``ALTER ROLE ... SET plan_cache_mode =
force_custom_plan``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event


def configure(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_custom_plan")
        dbapi_connection.commit()  # the SET outlives the transaction psycopg began for it
