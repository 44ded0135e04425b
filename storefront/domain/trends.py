"""The rules of /trends and a seller's market view: the periods, which search terms are
counted, and how shares and conversion are rounded.

A search term is what a shopper typed, normalised as the search reads it (width, case,
punctuation) and cut to the first words that fit ``MAX_TERM_LENGTH``: the same query typed
two ways is one term. A term is shown only once ``min_people`` distinct visitors searched it
on one day (visitors are counted per day only, so a day is the largest group known to be
distinct people): k-anonymity for what a few people look for. And a term is shown only when
each of its words is a word of the shop's own search vocabulary (the words of the titles and
venture names shoppers may see): no crowd of visitors can put free text, a phone number or an
insult, on a public page.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Set
from datetime import date

from storefront.domain.periods import Window
from storefront.domain.search import query_words, stem

MAX_TERM_LENGTH = 60
# period -> (grain of the chart's bars, how many bars)
PERIODS = {"week": ("day", 7), "month": ("day", 30), "quarter": ("week", 13)}
DEFAULT_PERIOD = "month"
IPV6_PREFIX = 64  # the network one IPv6 subscriber is usually given, counted as one visitor


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


def term_words(term: str) -> set[str]:
    """The words of a term as the vocabulary holds them (a trailing particle dropped)."""
    return {stem(word) for word in query_words(term)}


def in_vocabulary(term: str, known: Set[str]) -> bool:
    """Whether every word of ``term`` is one of the ``known`` vocabulary words."""
    words = term_words(term)
    return bool(words) and words <= known


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


def visitor_of(address: str) -> str:
    """Who a visitor counts as: the client's IPv4 address, or the /64 network of its IPv6
    address (an unreadable address counts as itself)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_PREFIX), strict=False))
    return str(ip)
