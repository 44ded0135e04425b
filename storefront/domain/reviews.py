"""The rules of shoppers' reviews: who may write one, its shape, the reviewer's shown name,
and the average and distribution of stars shown from stored counts."""

from __future__ import annotations

from dataclasses import dataclass

from storefront.domain.errors import ReviewRefused

MIN_RATING, MAX_RATING = 1, 5
MIN_BODY, MAX_BODY = 10, 2000
MAX_REPLY = 1000
MAX_PHOTOS = 3
MAX_NOTE = 500
REVIEWABLE_LINE_STATUS = "delivered"


def check_reviewable(line_status: str, already_reviewed: bool) -> None:
    """Only a delivered line may be reviewed, and only once."""
    if line_status != REVIEWABLE_LINE_STATUS:
        raise ReviewRefused("review.not_delivered")
    if already_reviewed:
        raise ReviewRefused("review.already_written")


def check_review(rating: int, body: str, photos: int) -> str:
    """The review's text, stripped, if its stars, text and number of photos are allowed."""
    if not MIN_RATING <= rating <= MAX_RATING:
        raise ReviewRefused("review.rating", field="rating")
    text = body.strip()
    if not MIN_BODY <= len(text) <= MAX_BODY:
        raise ReviewRefused("review.body", field="body", low=MIN_BODY, high=MAX_BODY)
    if photos > MAX_PHOTOS:
        raise ReviewRefused("review.too_many_photos", field="photos", maximum=MAX_PHOTOS)
    return text


def check_reply(text: str, already_replied: bool) -> str:
    """The venture's reply, stripped; a review takes one reply."""
    if already_replied:
        raise ReviewRefused("review.already_replied")
    reply = text.strip()
    if not 1 <= len(reply) <= MAX_REPLY:
        raise ReviewRefused("review.reply", field="text", high=MAX_REPLY)
    return reply


def masked_name(name: str) -> str:
    """The reviewer's name as shown to everyone: its first letter, the rest as stars
    ("김민지" -> "김**", "Jane Doe" -> "J*******"); at most 10 characters."""
    letters = "".join(name.split())
    if not letters:
        return "*"
    return (letters[0] + "*" * (len(letters) - 1))[:10]


@dataclass(frozen=True)
class Rating:
    """What a page shows of the visible reviews of one product or venture."""

    count: int
    rating_sum: int
    stars: tuple[int, int, int, int, int]  # how many gave 1, 2, 3, 4, 5 stars
    photo_count: int

    @property
    def average_tenths(self) -> int:
        """The average in tenths of a star, rounded half up: rating_sum * 10 / count."""
        if self.count == 0:
            return 0
        return (self.rating_sum * 20 + self.count) // (2 * self.count)

    @property
    def average(self) -> str:
        """The average with one decimal ("4.3"), from ``average_tenths``."""
        tenths = self.average_tenths
        return f"{tenths // 10}.{tenths % 10}"

    def bars(self) -> list[tuple[int, int, int]]:
        """(stars, how many, percent of the reviews rounded down), five stars first."""
        return [
            (n, self.stars[n - 1], self.stars[n - 1] * 100 // self.count if self.count else 0)
            for n in range(MAX_RATING, MIN_RATING - 1, -1)
        ]


NO_RATING = Rating(0, 0, (0, 0, 0, 0, 0), 0)
