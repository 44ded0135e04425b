"""Fixtures for the browser tests: the shop served on a real port, and Chromium through Playwright.

The tests drive Debian's Chromium at ``/usr/bin/chromium`` (``playwright install`` is not
needed). Without it they are skipped, unless ``SANGSAENG_REQUIRE_BROWSER=1`` asks for them
to fail instead, as CI does.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from storefront.demo import loader
from storefront.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 900}
LOCALE = "ko-KR"
DEMO_ORDERS = 5

BROWSER_TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Let the live server drop a file a browser stopped reading. When Chromium navigates away
    while a picture is still being sent, werkzeug's development server meets the reset
    connection in its clean-up and skips closing the response (the open media file), which
    is then reported as a ResourceWarning when the handler lets go of it: a failure that
    depends on timing, not on the shop. Only the browser tests, only that warning."""
    for item in items:
        if BROWSER_TESTS in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"))


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    if os.environ.get("SANGSAENG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"SANGSAENG_REQUIRE_BROWSER=1 but {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def live_app(make_app: Callable[..., Flask]) -> Flask:
    """The app on this test's database, with real CSRF and the demo catalogue and orders."""
    app = make_app(SERVER_NAME=None, WTF_CSRF_ENABLED=True)
    with app.app_context():
        loader.load_shop(db.session(), app.config, DEMO_ORDERS)
        db.session.commit()
    return app


@pytest.fixture
def live_server(browser: Any, live_app: Flask) -> Iterator[str]:
    """Serve ``live_app`` on a free local port and yield its base URL (no trailing slash)."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def new_page(browser: Any, live_server: str) -> Iterator[Callable[..., Any]]:
    """Open pages in fresh browser contexts (own cookies) on the live server."""
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(
            viewport=viewport or VIEWPORT, locale=LOCALE, base_url=live_server
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    """A desktop page (1280x900, Korean) on the live server."""
    return new_page()
