"""Helpers the browser tests share: Korean UI text, won amounts, screenshots."""

from __future__ import annotations

import re
from pathlib import Path

from babel.support import Translations
from playwright.sync_api import Page

TRANSLATIONS = Path(__file__).resolve().parents[2] / "storefront" / "translations"
KO = Translations.load(str(TRANSLATIONS), ["ko"])
CARD_OK = "4242 4242 4242 4242"


def ko(message: str) -> str:
    """The Korean UI text for an English message id."""
    return KO.gettext(message)


def won(amount: int) -> str:
    """Format like the shop does for KRW: 18900 -> ₩18,900."""
    return f"₩{amount:,}"


def parse_won(text: str) -> int:
    digits = re.sub(r"\D", "", text)
    assert digits, f"no amount in {text!r}"
    return int(digits)


def shot(page: Page, artifacts: Path, name: str) -> None:
    """Save a full-page screenshot, with the lazy images below the fold loaded first."""
    page.evaluate(
        """() => Promise.all([...document.images].map((img) => {
            img.loading = "eager";
            return img.complete ? null : img.decode().catch(() => null);
        }))"""
    )
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
