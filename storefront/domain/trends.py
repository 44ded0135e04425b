"""The rules of /trends and a seller's market view: the periods, which search terms are
counted, and how shares and conversion are rounded.

A search term is what a shopper typed, normalised as the search reads it (width, case,
punctuation) and cut to the first words that fit ``MAX_TERM_LENGTH``: the same query typed
two ways is one term. A term is shown only once ``min_people`` distinct visitors searched it
on one day (visitors are counted per day only, so a day is the largest group known to be
distinct people): k-anonymity for what a few people look for.
"""

from __future__ import annotations

from datetime import date

from storefront.domain.periods import Window
from storefront.domain.search import query_words

MAX_TERM_LENGTH = 60
# period -> (grain of the chart's bars, how many bars)
PERIODS = {"week": ("day", 7), "month": ("day", 30), "quarter": ("week", 13)}
DEFAULT_PERIOD = "month"


def search_term(text: str) -> str | None:
    """The term a query counts as, or None when it holds no word to count."""
    words: list[str] = []
    length = 0
    for word in query_words(text):
        length += len(word) + (1 if words else 0)
        if length > MAX_TERM_LENGTH:
            break
        words.append(word)
    return " ".join(words) or None


def period_window(period: str, today: date) -> Window:
    """The bars of a period ending today; an unknown period reads as the default one."""
    grain, count = PERIODS.get(period, PERIODS[DEFAULT_PERIOD])
    return Window.ending(today, grain, count)


def share_bp(part: int, whole: int) -> int:
    """``part`` of ``whole`` in basis points, rounded down; 0 of nothing."""
    return part * 10_000 // whole if whole > 0 else 0


def conversion_bp(units: int, views: int) -> int | None:
    """Units ordered per product-page view, in basis points rounded down; None without views."""
    return units * 10_000 // views if views > 0 else None
