"""Fixtures: a migrated database per run (SQLite or PostgreSQL), an app, a client, factories.

``SANGSAENG_TEST_DB=postgresql`` runs the same tests on a throwaway PostgreSQL database at
127.0.0.1:5432; the default is SQLite. The schema is always built by running the migrations.
"""

from __future__ import annotations

import contextvars
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from hypothesis import settings
from sqlalchemy import create_engine, event, text

from storefront import create_app
from storefront.domain import notes
from storefront.extensions import db as _db
from tests import factories
from tests.helpers import WEBHOOK_SECRET

# Tests assert behaviour, never time: Hypothesis's per-example deadline (200 ms) turns a busy
# machine into a failure, so it is off.
settings.register_profile("sangsaeng", deadline=None)
settings.load_profile("sangsaeng")

BACKEND = os.environ.get("SANGSAENG_TEST_DB", "sqlite")
PG_ADMIN_URL = os.environ.get(
    "SANGSAENG_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with SANGSAENG_TEST_DB=postgresql")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context, as in production.

    Without this, a request made while a test holds an app context would share that
    context's ``g`` and database session, which hides bugs. Around each request the test's
    own session ends its transaction, so that it reads what the request committed. A
    streamed response is read whole inside the request's context, as a server would.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        if has_app_context():
            _db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            _db.session.commit()
            _db.session.expire_all()
        return response


# The log's signing key for this run: fixed for every app the tests build, never published.
LOG_ORIGIN = "shop.test/ledger"
LOG_SIGNER = notes.Signer.generate(LOG_ORIGIN)


def base_config(database_url: str, tmp: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "MAIL_BACKEND": "locmem",
        "MEDIA_ROOT": str(tmp / "media"),
        "PAYOUT_PROOFS_ROOT": str(tmp / "receipts"),
        "PAYMENT_PROVIDER": "test",
        "STRIPE_SECRET_KEY": "",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "SERVER_NAME": "shop.test",
        "LOG_SIGNING_KEY": LOG_SIGNER.private_key_string(),
        "LOG_ORIGIN": LOG_ORIGIN,
        "JOBS_EAGER": True,  # jobs run right after the commit; tests/integration/test_jobs.py
        "LOG_CHECKPOINT_SECONDS": 0,  # a checkpoint after every order; test_log.py tests the pacing
        "TRENDS_FLUSH_SECONDS": 0,  # every count reaches the cache at once
        "JOBS_IN_PROCESS": False,  # runs the real queue with its own worker
    }


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Create a database for this run and migrate it to the newest revision."""
    tmp = tmp_path_factory.mktemp("db")
    if BACKEND == "postgresql":
        name = f"sangsaeng_test_{secrets.token_hex(6)}"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{tmp / 'template.db'}"
        admin = None
    app = create_app(base_config(url, tmp))
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    yield url
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _clean_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = conn.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            )
        ).scalars()
        names = ", ".join(f'"{t}"' for t in tables)
        if names:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    """A clean migrated database for one test."""
    if BACKEND == "postgresql":
        yield template_database
        _clean_postgres(template_database)
    else:
        source = Path(template_database.removeprefix("sqlite:///"))
        target = tmp_path / "test.db"
        shutil.copyfile(source, target)
        yield f"sqlite:///{target}"


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build an app on the test's database with extra config."""
    built: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        app = create_app({**base_config(database_url, tmp_path), **overrides})
        app.test_client_class = IsolatedClient
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def db(app: Flask) -> Any:
    return _db


@pytest.fixture
def session(db: Any) -> Any:
    return db.session


@pytest.fixture
def uncached(app: Flask) -> Flask:
    """Render every page from the database: for tests that count a page's queries, which a
    page served from the page cache (storefront/web/page_cache.py) would not run."""
    app.config["CACHE_TYPE"] = "NullCache"
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def outbox(app: Flask) -> list[Any]:
    mailman = app.extensions["mailman"]
    mailman.outbox = []
    return mailman.outbox  # type: ignore[no-any-return]


@pytest.fixture
def shop(session: Any) -> factories.Shop:
    """A small approved shop: two causes, two ventures, a few products."""
    return factories.small_shop(session)


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(db: Any) -> Callable[[], Any]:
    """Count the SQL statements run inside a ``with count_queries() as q:`` block."""

    @contextmanager
    def counter() -> Iterator[QueryCounter]:
        result = QueryCounter()

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT)", statement, re.I):
                result.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield result
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counter


@pytest.fixture
def owner(client, session, shop):
    """Signs the client in as the owner of the approved venture ``shop.venture``."""
    from storefront.models import Membership
    from storefront.services import accounts
    from tests.helpers import PASSWORD

    user = accounts.sign_up(session, "owner@example.com", "김대표", PASSWORD)
    session.add(Membership(user_id=user.id, venture_id=shop.venture.id, role="owner"))
    session.commit()
    from tests.helpers import english, sign_in

    english(client)
    sign_in(client)
    return user
