"""A backup as docs/deploy.md takes it (pg_dump -Fc, plus the pictures and payout proofs)
restores into a new database whose ledger still checks."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.deploy.conftest import Databases, flask, pg_bin, production_env

pytestmark = pytest.mark.postgres


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def paid_orders(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT count(*) FROM orders WHERE status = 'paid'")))
    finally:
        engine.dispose()


def test_a_restored_backup_has_the_orders_and_a_ledger_that_checks(
    databases: Databases, tmp_path: Path
) -> None:
    shop = databases.url(databases.create("backup"))
    live = tmp_path / "live"
    env = production_env(shop, live)
    flask(env, "db", "upgrade")
    flask(env, "demo", "load", "--orders", "3")
    proof = live / "receipts" / "2026" / "payout-1.pdf"
    proof.parent.mkdir(parents=True)
    proof.write_bytes(b"%PDF-1.4 a cause's receipt")
    paid = paid_orders(shop)
    assert paid > 0

    # Back up: the database, then the files (docs/deploy.md, "Backups").
    dump = tmp_path / "sangsaeng.dump"
    subprocess.run(  # noqa: S603
        [pg_bin("pg_dump"), "-Fc", "--no-owner", "-f", str(dump), libpq_url(shop)], check=True
    )
    files = tmp_path / "sangsaeng-files.tar.gz"
    with tarfile.open(files, "w:gz") as archive:
        archive.add(live / "media", "media")
        archive.add(live / "receipts", "receipts")

    # Restore into a new database and new folders, and check the ledger there.
    restored = databases.url(databases.create("restored"))
    subprocess.run(  # noqa: S603
        [
            pg_bin("pg_restore"),
            "--no-owner",
            "--exit-on-error",
            "-d",
            libpq_url(restored),
            str(dump),
        ],
        check=True,
    )
    elsewhere = tmp_path / "restored"
    with tarfile.open(files) as archive:
        archive.extractall(elsewhere, filter="data")
    env = production_env(restored, elsewhere)
    assert "The ledger checks" in flask(env, "ledger", "verify")
    assert paid_orders(restored) == paid
    assert (elsewhere / "receipts" / "2026" / "payout-1.pdf").read_bytes() == proof.read_bytes()
    pictures = sorted(p.relative_to(live / "media") for p in (live / "media").rglob("*.jpg"))
    assert pictures
    assert pictures == sorted(
        p.relative_to(elsewhere / "media") for p in (elsewhere / "media").rglob("*.jpg")
    )
