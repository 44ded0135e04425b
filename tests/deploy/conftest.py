"""The production profile from outside: fresh PostgreSQL databases, the production
environment, ``flask`` commands and gunicorn run as docs/deploy.md runs them (the processes
and the shoppers' HTTP client are in ``live.py``)."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text

from storefront.domain import notes
from tests.conftest import PG_ADMIN_URL
from tests.deploy.live import BIN, ROOT, Processes, flask

__all__ = ["BIN", "ROOT", "Databases", "flask", "pg_bin", "production_env"]

REDIS = "redis://127.0.0.1:6379"
# The Redis databases the deploy tests own (the rest of the suite, and other checkouts' runs,
# use others): each test empties the ones it uses before it starts.
REDIS_DBS = range(11, 15)

# What the shop reads from the environment; a test starts from none of it.
OWN_VARIABLES = (
    "SANGSAENG_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "PAYMENT_PROVIDER",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_API_BASE",
    "MAIL_SERVER",
    "MAIL_BACKEND",
    "REDIS_URL",
    "PUBLIC_URL",
    "TRUSTED_HOSTS",
    "TRUSTED_PROXY_HOPS",
    "RATELIMIT_STORAGE_URI",
    "JOBS_BROKER_URL",
    "METRICS_TOKEN",
    "LOG_SIGNING_KEY",
    "LOG_SIGNING_KEY_FILE",
    "LOG_ORIGIN",
    "LOG_FORMAT",
    "PROMETHEUS_MULTIPROC_DIR",
    "WEB_CONCURRENCY",
    "GUNICORN_BIND",
    "GUNICORN_THREADS",
    "SIGN_IN_RATE_LIMIT",
    "ORDER_HOLD_MINUTES",
    "JOBS_IN_PROCESS",
    "JOBS_RELAY_AFTER_SECONDS",
    "FLASK_APP",
)


def pg_bin(name: str) -> str:
    """A PostgreSQL client program: on the PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    pytest.fail(f"{name} is not installed (it comes with the PostgreSQL client)")


class Databases:
    """Create PostgreSQL databases and drop them all afterwards, whatever happened
    (connections left open by a killed server are closed by the drop).

    The drops wait for the end of the run and then go side by side: each makes PostgreSQL
    take a checkpoint, seconds on a busy disk, which one test after another would add up.
    """

    def __init__(self) -> None:
        self.admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        self.names: list[str] = []

    def create(self, purpose: str, template: str | None = None) -> str:
        """A new empty database, or a copy of ``template`` (which nobody may be connected to)."""
        name = f"sangsaeng_{purpose}_{secrets.token_hex(4)}"
        copy = f' TEMPLATE "{template}"' if template else ""
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        self.names.append(name)
        return name

    def url(self, name: str) -> str:
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def drop_all(self) -> None:
        try:
            with ThreadPoolExecutor(max(len(self.names), 1)) as pool:
                list(pool.map(self.drop, self.names))
        finally:
            self.admin.dispose()


@pytest.fixture(scope="session")
def databases() -> Iterator[Databases]:
    """The run's databases: each test creates its own, all are dropped at the end."""
    dbs = Databases()
    try:
        yield dbs
    finally:
        dbs.drop_all()


@pytest.fixture(scope="session")
def demo_catalogue(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The name of a database migrated and loaded with the demo catalogue and no orders,
    made once a run: tests copy it (``databases.create(..., template=demo_catalogue)``)
    rather than spend two ``flask`` commands each on it."""
    name = databases.create("catalogue")
    env = production_env(databases.url(name), tmp_path_factory.mktemp("catalogue"))
    flask(env, "db", "upgrade")
    assert "0 paid orders" in flask(env, "demo", "load", "--orders", "0")
    return name


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    """gunicorns and job workers, stopped at the end of the test whatever happened."""
    started = Processes(tmp_path)
    try:
        yield started
    finally:
        started.stop_all()


def fresh_redis(*numbers: int) -> None:
    """Empty Redis databases the deploy tests own (rate limit counts, queued jobs)."""
    for number in numbers:
        assert number in REDIS_DBS, f"Redis database {number} is not the deploy tests' own"
        client = redis.Redis.from_url(f"{REDIS}/{number}")
        try:
            client.flushdb()
        finally:
            client.close()


LOG_ORIGIN = "shop.sangsaeng.test/ledger"
LOG_KEY = notes.Signer.generate(LOG_ORIGIN).private_key_string()


def production_env(
    database_url: str, tmp: Path, *, limits_db: int = 11, jobs_db: int = 12, **extra: str
) -> dict[str, str]:
    """The environment docs/deploy.md asks for, with this test's database, folders and
    Redis databases (emptied here: a test starts with no counts and no queued jobs)."""
    fresh_redis(limits_db, jobs_db)
    env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    env.update(
        {
            "FLASK_APP": "storefront",
            "SANGSAENG_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": database_url,
            "PAYMENT_PROVIDER": "test",  # allowed in production only when said outright
            "PUBLIC_URL": "https://shop.sangsaeng.test",
            "LOG_SIGNING_KEY": LOG_KEY,  # one per run: a restored backup checks with it too
            "LOG_ORIGIN": LOG_ORIGIN,  # whatever host PUBLIC_URL names
            "REDIS_URL": f"{REDIS}/{limits_db}",
            "RATELIMIT_STORAGE_URI": f"{REDIS}/{limits_db}",
            "JOBS_BROKER_URL": f"{REDIS}/{jobs_db}",
            "MEDIA_ROOT": str(tmp / "media"),
            "PAYOUT_PROOFS_ROOT": str(tmp / "receipts"),
            "MAIL_BACKEND": "file",
            "MAIL_FILE_PATH": str(tmp / "outbox"),
            **extra,
        }
    )
    return env
