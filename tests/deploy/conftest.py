"""The production profile from outside: fresh PostgreSQL databases, the production
environment, ``flask`` commands and gunicorn run as docs/deploy.md runs them."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_ADMIN_URL

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

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
    "LOG_FORMAT",
    "PROMETHEUS_MULTIPROC_DIR",
    "WEB_CONCURRENCY",
    "GUNICORN_BIND",
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
    """Create PostgreSQL databases for one test and drop them all afterwards, whatever
    happened (connections left open by a killed server are closed by the drop)."""

    def __init__(self) -> None:
        self.admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        self.names: list[str] = []

    def create(self, purpose: str) -> str:
        name = f"sangsaeng_{purpose}_{secrets.token_hex(4)}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.names.append(name)
        return name

    def url(self, name: str) -> str:
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture
def databases() -> Iterator[Databases]:
    dbs = Databases()
    try:
        yield dbs
    finally:
        dbs.drop_all()


def production_env(database_url: str, tmp: Path, **extra: str) -> dict[str, str]:
    """The environment docs/deploy.md asks for, with this test's database and folders."""
    env = {k: v for k, v in os.environ.items() if k not in OWN_VARIABLES}
    env.update(
        {
            "FLASK_APP": "storefront",
            "SANGSAENG_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": database_url,
            "PAYMENT_PROVIDER": "test",  # allowed in production only when said outright
            "PUBLIC_URL": "https://shop.sangsaeng.test",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
            "JOBS_BROKER_URL": "redis://127.0.0.1:6379/15",
            "MEDIA_ROOT": str(tmp / "media"),
            "PAYOUT_PROOFS_ROOT": str(tmp / "receipts"),
            "MAIL_BACKEND": "file",
            "MAIL_FILE_PATH": str(tmp / "outbox"),
            **extra,
        }
    )
    return env


def flask(env: dict[str, str], *args: str) -> str:
    """Run ``flask <args>`` as an operator would; its output, or the test fails with it."""
    done = subprocess.run(  # noqa: S603 - our own venv's flask
        [str(BIN / "flask"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout
