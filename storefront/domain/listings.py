"""A listing's rules: which actions move it between statuses, and the giving rates allowed."""

from __future__ import annotations

from dataclasses import dataclass

from storefront.domain.errors import ListingRefused

# Which listing statuses each action moves from, and where to.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "publish": (frozenset({"draft"}), "published"),
    "unpublish": (frozenset({"published"}), "draft"),
    "archive": (frozenset({"draft", "published"}), "archived"),
    "restore": (frozenset({"archived"}), "draft"),
}


def status_after(status: str, action: str) -> str:
    """Return the status ``action`` moves a listing in ``status`` to.

    Raises ``ListingRefused`` for an unknown action or one not allowed from ``status``.
    """
    if action not in TRANSITIONS:
        raise ListingRefused("listing.transition", action=action)
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise ListingRefused("listing.transition", action=action)
    return target


@dataclass(frozen=True)
class GivingBounds:
    """The range of giving rates the platform lets a venture choose, in basis points."""

    minimum: int
    maximum: int

    def check(self, rate_bp: int) -> int:
        """Return ``rate_bp`` if it is within the bounds (both included); else raise
        ``ListingRefused("listing.giving_rate")`` on the rate field."""
        if not self.minimum <= rate_bp <= self.maximum:
            raise ListingRefused("listing.giving_rate", field="rate")
        return rate_bp
