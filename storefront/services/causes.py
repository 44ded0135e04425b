"""Causes (the recipients of donations): operators add and edit them; ventures pick one."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.domain.errors import CauseRefused
from storefront.models import Cause, Venture
from storefront.services import files
from storefront.services.images import Upload, picture_bytes


@dataclass(frozen=True)
class CauseInput:
    name: str
    description: str
    registration: str
    active: bool = True


def _slug(db: Session, name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "cause"
    slug = base[:60]
    while db.scalar(select(Cause.id).where(Cause.slug == slug)) is not None:
        slug = f"{base[:60]}-{secrets.token_hex(2)}"
    return slug


def all_causes(db: Session) -> list[Cause]:
    return list(db.scalars(select(Cause).order_by(Cause.active.desc(), Cause.name)))


def active_causes(db: Session) -> list[Cause]:
    return list(db.scalars(select(Cause).where(Cause.active).order_by(Cause.name)))


def create(db: Session, data: CauseInput) -> Cause:
    cause = Cause(slug=_slug(db, data.name), **_values(data))
    db.add(cause)
    db.flush()
    return cause


def update(db: Session, cause: Cause, data: CauseInput) -> None:
    """Change a cause; one that is some venture's default cannot be retired."""
    if not data.active and cause.active:
        used = db.scalar(select(Venture.id).where(Venture.default_cause_id == cause.id).limit(1))
        if used is not None:
            raise CauseRefused("cause.in_use", field="active")
    for key, value in _values(data).items():
        setattr(cause, key, value)


def _values(data: CauseInput) -> dict[str, object]:
    return {
        "name": data.name.strip(),
        "description": data.description.strip(),
        "registration": data.registration.strip(),
        "active": data.active,
    }


def set_logo(db: Session, cause: Cause, upload: Upload, media_root: Path) -> None:
    """Check and re-encode a logo (as product pictures are) and store it under media/causes.

    The new file goes again if the transaction rolls back; the logo it replaces is deleted
    once the transaction commits (the demo's logos, outside media/causes, are left alone).
    """
    data = picture_bytes(upload, side=400)
    path = Path("causes") / f"{cause.id}-{secrets.token_hex(6)}.jpg"
    files.stage_write(db, media_root / path, data)
    if cause.logo and cause.logo.startswith("causes/"):
        files.delete_after_commit(db, media_root / cause.logo)
    cause.logo = path.as_posix()


def set_default(db: Session, venture: Venture, cause_id: int) -> None:
    """Make an active cause the venture's default (the one its products give to)."""
    cause = db.get(Cause, cause_id)
    if cause is None or not cause.active:
        raise CauseRefused("cause.unknown", field="cause")
    venture.default_cause_id = cause.id
    venture.default_cause = cause
