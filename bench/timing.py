"""Request pages through the WSGI app and print median and p95 time and SQL statements."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event

from storefront import create_app


def bench_app(database_url: str, **config: Any) -> tuple[Flask, Path]:
    """An app on a fresh database (a temporary SQLite file unless a URL is given)."""
    tmp = Path(tempfile.mkdtemp(prefix="sangsaeng-bench-"))
    url = database_url or f"sqlite:///{tmp / 'bench.db'}"
    settings = {"SQLALCHEMY_DATABASE_URI": url, "MEDIA_ROOT": str(tmp / "media")}
    return create_app({**settings, "MAIL_BACKEND": "locmem", **config}), tmp


def demo_bench_app(database_url: str) -> Flask:
    """A bench app on a fresh, migrated database holding the demo catalogue, the demo's
    matching funds and its accounts (no orders: each benchmark adds its own)."""
    from flask_migrate import upgrade

    from storefront.demo import loader
    from storefront.extensions import db

    app, tmp = bench_app(database_url, WTF_CSRF_ENABLED=False)
    with app.app_context():
        upgrade()
        session = db.session()
        loader.load_catalogue(session, tmp / "media")
        loader.load_funds(session, app.config["SHOP_CURRENCY"])
        loader.load_accounts(session)
        session.commit()
    return app


def time_pages(
    client: Any,
    engine: Any,
    pages: list[tuple[str, str]],
    repeat: int,
    clock: Callable[[], float] = time.perf_counter,
) -> None:
    """Print each page's median and p95 time by ``clock`` (wall time by default, CPU time
    with ``time.process_time``) and the SQL statements of its last request."""
    statements = [0]

    def count(*_args: object) -> None:
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, path in pages:
        client.get(path)  # warm: templates, translations
        timings = []
        for _ in range(repeat):
            statements[0] = 0
            started = clock()
            response = client.get(path)
            timings.append((clock() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(f"{name:32} {statistics.median(timings):10.1f} {p95:8.1f} {statements[0]:8d}")
    event.remove(engine, "before_cursor_execute", count)
