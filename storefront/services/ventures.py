"""Ventures apply to sell; operators approve or reject them; owners bring in their staff."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.domain.accounts import (
    format_business_number,
    normalise_email,
    valid_business_number,
)
from storefront.domain.catalog import MISSIONS
from storefront.domain.errors import ApplicationRefused, NotReviewable, StaffRefused
from storefront.models import Cause, Membership, User, Venture

DEFAULT_GIVING_RATE_BP = 500


@dataclass(frozen=True)
class Application:
    name: str
    registration_number: str
    mission: str
    region: str
    story: str
    contact_email: str
    contact_phone: str


def _slug_for(db: Session, name: str, registration_number: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "venture"
    slug = f"{base}-{registration_number[-5:]}" if base == "venture" else base
    n = 1
    candidate = slug
    while db.scalar(select(Venture.id).where(Venture.slug == candidate)) is not None:
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def apply(db: Session, owner: User, application: Application, now: datetime) -> Venture:
    """Record a venture's application (pending review), with the applicant as its owner."""
    if not valid_business_number(application.registration_number):
        raise ApplicationRefused("application.registration_number", field="registration_number")
    if application.mission not in MISSIONS:
        raise ApplicationRefused("application.mission", field="mission")
    number = format_business_number(application.registration_number)
    if db.scalar(select(Venture.id).where(Venture.registration_number == number)):
        raise ApplicationRefused("application.registration_taken", field="registration_number")
    default_cause = db.scalar(select(Cause.id).where(Cause.active).order_by(Cause.id))
    if default_cause is None:
        raise ApplicationRefused("application.no_cause")
    venture = Venture(
        slug=_slug_for(db, application.name, number),
        name=application.name.strip(),
        registration_number=number,
        mission=application.mission,
        region=application.region.strip(),
        story=application.story.strip(),
        contact_email=application.contact_email.strip(),
        contact_phone=application.contact_phone.strip(),
        giving_rate_bp=DEFAULT_GIVING_RATE_BP,
        default_cause_id=default_cause,
        status="pending",
        created_at=now,
    )
    db.add(venture)
    db.flush()
    db.add(Membership(user_id=owner.id, venture_id=venture.id, role="owner", created_at=now))
    db.flush()
    return venture


def review(db: Session, venture: Venture, approve: bool, note: str, now: datetime) -> Venture:
    """Approve or reject a venture. Only approved ventures' products show in the shop."""
    if approve and venture.status == "approved":
        raise NotReviewable("venture.already_approved", name=venture.name)
    venture.status = "approved" if approve else "rejected"
    venture.review_note = note.strip()[:500]
    venture.reviewed_at = now
    return venture


def memberships_of(db: Session, user: User) -> list[Membership]:
    return list(
        db.scalars(select(Membership).where(Membership.user_id == user.id).order_by(Membership.id))
    )


def pending_first(db: Session) -> list[Venture]:
    """Every venture for the operator, those waiting for review first."""
    order = (Venture.status != "pending", Venture.created_at.desc())
    return list(db.scalars(select(Venture).order_by(*order)))


INVITE_SALT = "sangsaeng-staff-invite"
INVITE_MAX_AGE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Invitations:
    """Staff invitations: a signed link for one email and one venture, good for a week."""

    secret_key: str
    max_age: int = INVITE_MAX_AGE_SECONDS

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret_key, salt=INVITE_SALT)

    def issue(self, venture: Venture, email: str) -> str:
        if venture.status != "approved":
            raise StaffRefused("staff.not_approved")
        data = {"v": venture.id, "e": normalise_email(email), "n": venture.invite_epoch}
        return self._serializer().dumps(data)

    def accept(self, db: Session, token: str, user: User, now: datetime) -> Membership:
        """Make ``user`` staff of the invited venture, if the invitation was for their email."""
        try:
            data = self._serializer().loads(token, max_age=self.max_age)
        except (SignatureExpired, BadSignature) as exc:
            raise StaffRefused("staff.invitation_invalid") from exc
        if not isinstance(data, dict) or data.get("e") != user.email:
            raise StaffRefused("staff.invitation_other_email")
        venture = db.get(Venture, data.get("v"))
        if venture is None or data.get("n") != venture.invite_epoch:
            # unknown, or sent before a staff member was removed
            raise StaffRefused("staff.invitation_invalid")
        existing = db.scalar(
            select(Membership).where(
                Membership.user_id == user.id, Membership.venture_id == venture.id
            )
        )
        if existing is not None:
            return existing
        membership = Membership(
            user_id=user.id, venture_id=venture.id, role="staff", created_at=now
        )
        db.add(membership)
        db.flush()
        return membership


def members_of(db: Session, venture_id: int) -> list[Membership]:
    return list(
        db.scalars(
            select(Membership)
            .where(Membership.venture_id == venture_id)
            .order_by(Membership.role.desc(), Membership.id)
        )
    )


def remove_member(db: Session, membership: Membership) -> None:
    """Take a staff member off the venture; the owner cannot be removed."""
    if membership.role == "owner":
        raise StaffRefused("staff.owner")
    membership.venture.invite_epoch += 1  # links sent before now stop working
    db.delete(membership)
