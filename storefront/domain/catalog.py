"""The catalogue's fixed vocabularies: categories, social missions, sort orders."""

from __future__ import annotations

CATEGORIES = ("food", "living", "fashion", "stationery", "beauty", "kids")
MISSIONS = (
    "disability",
    "career_break_women",
    "seniors",
    "youth",
    "defectors",
    "environment",
    "local",
)
SORTS = ("relevance", "newest", "price_asc", "price_desc", "popular")  # relevance: searches only
LOW_STOCK = 5  # at or below this, the shop says "only N left"
