"""A listing's rules: which actions move it between statuses, and the giving rates allowed."""

from __future__ import annotations

from dataclasses import dataclass

from storefront.domain.errors import DomainError

# Which listing statuses each action moves from, and where to.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "publish": (frozenset({"draft"}), "published"),
    "unpublish": (frozenset({"published"}), "draft"),
    "archive": (frozenset({"draft", "published"}), "archived"),
    "restore": (frozenset({"archived"}), "draft"),
}


class InvalidListing(DomainError):
    code = "invalid_listing"

    field: str

    def __init__(self, field: str) -> None:
        super().__init__(field=field)


class InvalidTransition(DomainError):
    default_code = "listing.transition"


def status_after(status: str, action: str) -> str:
    """Return the status ``action`` moves a listing in ``status`` to.

    Raises ``InvalidTransition`` for an unknown action or one not allowed from ``status``.
    """
    if action not in TRANSITIONS:
        raise InvalidTransition(action=action)
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise InvalidTransition(action=action)
    return target


@dataclass(frozen=True)
class GivingBounds:
    """The range of giving rates the platform lets a venture choose, in basis points."""

    minimum: int
    maximum: int

    def check(self, rate_bp: int) -> int:
        """Return ``rate_bp`` if it is within the bounds (both included); else raise
        ``InvalidListing("giving_rate")``."""
        if not self.minimum <= rate_bp <= self.maximum:
            raise InvalidListing("giving_rate")
        return rate_bp
