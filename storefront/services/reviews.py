"""Shoppers' reviews: write one for a delivered line, reply as the venture, report one, hide
or restore one as an operator, and read the pages of them with their stored counts.

Each product and each venture has a ``ReviewStats`` row counting its visible reviews; every
write here that adds, hides or restores a review changes those rows in the same transaction
(one upsert each), so a page reads one row instead of every review. ``recount`` counts them
again from the reviews, for checks. Hide, restore and reply are conditional updates, so two
operators (or two staff) at once change the counts, or the reply, only once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Row, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from storefront.domain.errors import ReviewRefused
from storefront.domain.reviews import (
    NO_RATING,
    Rating,
    check_reply,
    check_review,
    check_reviewable,
    masked_name,
)
from storefront.models import (
    Order,
    OrderLine,
    Review,
    ReviewPhoto,
    ReviewReport,
    ReviewStats,
)
from storefront.models.reviews import REPORT_REASONS
from storefront.services import files, images

PRODUCT, VENTURE = "product", "venture"
MAX_PAGES = 50  # pages of reviews shown to shoppers: the newest 50 pages, never a deep offset


@dataclass(frozen=True)
class Draft:
    rating: int
    body: str


@dataclass(frozen=True)
class Section:
    """One page of a product's or venture's visible reviews, with its stored counts."""

    scope: str
    rating: Rating
    items: list[Review]
    photos: dict[int, list[ReviewPhoto]]
    page: int
    pages: int
    photos_only: bool


# -- writing ----------------------------------------------------------------------------------


def existing(db: Session, line_id: int) -> Review | None:
    return db.scalar(select(Review).where(Review.order_line_id == line_id))


def check_line(db: Session, line: OrderLine) -> None:
    """Refuse a line that is not delivered or already has its review."""
    check_reviewable(line.status, existing(db, line.id) is not None)


def reviewed_lines(db: Session, order_id: int) -> set[int]:
    """The ids of the order's lines that have a review (one query)."""
    return set(
        db.scalars(
            select(Review.order_line_id)
            .join(OrderLine, OrderLine.id == Review.order_line_id)
            .where(OrderLine.order_id == order_id)
        )
    )


def write(
    db: Session,
    order: Order,
    line: OrderLine,
    draft: Draft,
    uploads: list[images.Upload],
    media_root: Path,
    now: datetime,
) -> Review:
    """Record the buyer's review of a delivered line with its photos, and count it.

    Every photo is checked and re-encoded before anything is stored; a second review of the
    same line (even one racing this) is refused.
    """
    check_line(db, line)
    body = check_review(draft.rating, draft.body, len(uploads))
    encoded = [images.encode_picture(upload) for upload in uploads]
    review = Review(
        order_line_id=line.id,
        product_id=line.product_id,
        venture_id=line.venture_id,
        rating=draft.rating,
        body=body,
        author=masked_name(order.name),
        photo_count=len(encoded),
        created_at=now,
    )
    try:
        with db.begin_nested():
            db.add(review)
            db.flush()
    except IntegrityError:
        raise ReviewRefused("review.already_written") from None
    folder = Path("reviews") / str(review.id)
    for position, (full_bytes, thumb_bytes, (width, height)) in enumerate(encoded):
        name = secrets.token_hex(12)
        full, thumb = folder / f"{name}.jpg", folder / f"{name}-thumb.jpg"
        files.stage_write(db, media_root / full, full_bytes)
        files.stage_write(db, media_root / thumb, thumb_bytes)
        db.add(
            ReviewPhoto(
                review_id=review.id,
                position=position,
                path=full.as_posix(),
                thumb_path=thumb.as_posix(),
                width=width,
                height=height,
            )
        )
    _count(db, review, +1)
    db.flush()
    return review


def reply(db: Session, review: Review, text: str, user_id: int, now: datetime) -> None:
    """The venture's one reply to a review."""
    body = check_reply(text, review.reply is not None)
    done = db.execute(
        update(Review)
        .where(Review.id == review.id, Review.reply.is_(None))
        .values(reply=body, replied_at=now, replied_by=user_id)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ReviewRefused("review.already_replied")


def report(db: Session, review: Review, reason: str, note: str, now: datetime) -> ReviewReport:
    """Someone's report that a review breaks the rules, for the operators to look at."""
    if reason not in REPORT_REASONS:
        raise ReviewRefused("review.report_reason", field="reason")
    row = ReviewReport(review_id=review.id, reason=reason, note=note.strip()[:500], created_at=now)
    db.add(row)
    db.flush()
    return row


def hide(db: Session, review: Review, now: datetime) -> bool:
    """Hide a review from every page and count; its open reports are dealt with. Whether it
    was visible until now."""
    return _set_hidden(db, review, True, now)


def restore(db: Session, review: Review, now: datetime) -> bool:
    """Show a review again (or keep a reported one); its open reports are dealt with.
    Whether it was hidden until now."""
    return _set_hidden(db, review, False, now)


def _set_hidden(db: Session, review: Review, hidden: bool, now: datetime) -> bool:
    changed = db.execute(
        update(Review)
        .where(Review.id == review.id, Review.hidden.is_(not hidden))
        .values(hidden=hidden, hidden_at=now if hidden else None)
    ).rowcount  # type: ignore[attr-defined]
    if changed:
        _count(db, review, -1 if hidden else +1)
    db.execute(
        update(ReviewReport)
        .where(ReviewReport.review_id == review.id, ReviewReport.resolved_at.is_(None))
        .values(resolved_at=now)
    )
    return bool(changed)


# -- the stored counts ------------------------------------------------------------------------


def _upsert(db: Session) -> Any:
    return pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert


def _count(db: Session, review: Review, sign: int) -> None:
    """Add (``sign`` = 1) or take away (-1) one review from its product's and venture's rows."""
    deltas: dict[str, int] = {
        "review_count": sign,
        "rating_sum": sign * review.rating,
        f"stars_{review.rating}": sign,
        "photo_review_count": sign if review.photo_count else 0,
    }
    for scope, subject_id in ((PRODUCT, review.product_id), (VENTURE, review.venture_id)):
        stmt = _upsert(db)(ReviewStats).values(scope=scope, subject_id=subject_id, **deltas)
        db.execute(
            stmt.on_conflict_do_update(
                index_elements=["scope", "subject_id"],
                set_={
                    name: getattr(ReviewStats, name) + getattr(stmt.excluded, name)
                    for name in deltas
                },
            )
        )


def _rating(row: ReviewStats | Row[*tuple[Any, ...]] | None) -> Rating:
    if row is None:
        return NO_RATING
    return Rating(
        count=row.review_count,
        rating_sum=row.rating_sum,
        stars=(row.stars_1, row.stars_2, row.stars_3, row.stars_4, row.stars_5),
        photo_count=row.photo_review_count,
    )


# A product's or venture's page reads its counts as a row: no object to load and track.
_RATING_OF = select(
    ReviewStats.review_count,
    ReviewStats.rating_sum,
    ReviewStats.stars_1,
    ReviewStats.stars_2,
    ReviewStats.stars_3,
    ReviewStats.stars_4,
    ReviewStats.stars_5,
    ReviewStats.photo_review_count,
).where(ReviewStats.scope == bindparam("scope"), ReviewStats.subject_id == bindparam("subject_id"))


def rating_of(db: Session, scope: str, subject_id: int) -> Rating:
    row = db.execute(_RATING_OF, {"scope": scope, "subject_id": subject_id}).first()
    return _rating(row)


def stored(db: Session) -> dict[tuple[str, int], Rating]:
    """Every stored row that is not all zeros."""
    rows = {(row.scope, row.subject_id): _rating(row) for row in db.scalars(select(ReviewStats))}
    return {key: rating for key, rating in rows.items() if rating != NO_RATING}


def recount(db: Session) -> dict[tuple[str, int], Rating]:
    """The counts again, from the visible reviews themselves (for checks, not for pages)."""
    counts: dict[tuple[str, int], list[int]] = {}
    rows = db.execute(
        select(Review.product_id, Review.venture_id, Review.rating, Review.photo_count).where(
            Review.hidden.is_(False)
        )
    )
    for product_id, venture_id, rating, photos in rows:
        for key in ((PRODUCT, product_id), (VENTURE, venture_id)):
            c = counts.setdefault(key, [0] * 8)
            c[0] += 1
            c[1] += rating
            c[1 + rating] += 1
            c[7] += 1 if photos else 0
    return {
        key: Rating(c[0], c[1], (c[2], c[3], c[4], c[5], c[6]), c[7]) for key, c in counts.items()
    }


# -- reading ----------------------------------------------------------------------------------


def photos_of(db: Session, review_ids: list[int]) -> dict[int, list[ReviewPhoto]]:
    """The reviews' photos in order, by review (one query; none for no review)."""
    found: dict[int, list[ReviewPhoto]] = {review_id: [] for review_id in review_ids}
    if not review_ids:
        return found
    for photo in db.scalars(
        select(ReviewPhoto)
        .where(ReviewPhoto.review_id.in_(review_ids))
        .order_by(ReviewPhoto.review_id, ReviewPhoto.position)
    ):
        found[photo.review_id].append(photo)
    return found


def section(
    db: Session, scope: str, subject_id: int, *, photos_only: bool, page: int, per_page: int
) -> Section:
    """A page of the product's (or venture's) visible reviews, newest first; only those with
    photos if asked. Three queries whatever the number of reviews; at most ``MAX_PAGES``."""
    rating = rating_of(db, scope, subject_id)
    total = rating.photo_count if photos_only else rating.count
    pages = min(max(-(-total // per_page), 1), MAX_PAGES)
    page = min(max(page, 1), pages)
    column = Review.product_id if scope == PRODUCT else Review.venture_id
    stmt = select(Review).where(column == subject_id, Review.hidden.is_(False))
    if scope == VENTURE:  # the venture's page names the product of each review
        stmt = stmt.options(joinedload(Review.product))
    if photos_only:
        stmt = stmt.where(Review.photo_count > 0)
    items: list[Review] = []
    if total:  # the stored counts say whether there is any to read (most products: none)
        items = list(
            db.scalars(
                stmt.order_by(Review.id.desc()).offset((page - 1) * per_page).limit(per_page)
            )
        )
    return Section(
        scope=scope,
        rating=rating,
        items=items,
        photos=photos_of(db, [r.id for r in items]),
        page=page,
        pages=pages,
        photos_only=photos_only,
    )


def of_venture(db: Session, venture_id: int, page: int, per_page: int) -> list[Review]:
    """A page of the venture's reviews for its staff, hidden ones included, newest first."""
    return list(
        db.scalars(
            select(Review)
            .options(joinedload(Review.product))
            .where(Review.venture_id == venture_id)
            .order_by(Review.id.desc())
            .offset((max(page, 1) - 1) * per_page)
            .limit(per_page + 1)  # one more tells whether there is a next page
        )
    )


def venture_review(db: Session, venture_id: int, review_id: int) -> Review | None:
    """The venture's own review, or None: never another venture's."""
    return db.scalar(select(Review).where(Review.id == review_id, Review.venture_id == venture_id))


def visible(db: Session, review_id: int) -> Review | None:
    return db.scalar(select(Review).where(Review.id == review_id, Review.hidden.is_(False)))


@dataclass(frozen=True)
class Reported:
    review: Review
    reports: list[ReviewReport]


def reported(db: Session, limit: int = 100) -> list[Reported]:
    """Reviews with open reports, the most reported first, each with its open reports."""
    open_reports = ReviewReport.resolved_at.is_(None)
    counted = (
        select(ReviewReport.review_id, func.count().label("n"))
        .where(open_reports)
        .group_by(ReviewReport.review_id)
        .subquery()
    )
    rows = list(
        db.scalars(
            select(Review)
            .options(joinedload(Review.product))
            .join(counted, counted.c.review_id == Review.id)
            .order_by(counted.c.n.desc(), Review.id.desc())
            .limit(limit)
        )
    )
    reports: dict[int, list[ReviewReport]] = {r.id: [] for r in rows}
    for row in db.scalars(
        select(ReviewReport)
        .where(open_reports, ReviewReport.review_id.in_(list(reports)))
        .order_by(ReviewReport.id)
    ):
        reports[row.review_id].append(row)
    return [Reported(review, reports[review.id]) for review in rows]


def hidden_reviews(db: Session, limit: int = 100) -> list[Review]:
    """The latest hidden reviews, for an operator to restore one hidden by mistake."""
    return list(
        db.scalars(
            select(Review)
            .options(joinedload(Review.product))
            .where(Review.hidden.is_(True))
            .order_by(Review.hidden_at.desc(), Review.id.desc())
            .limit(limit)
        )
    )
