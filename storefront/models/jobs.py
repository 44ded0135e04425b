"""The outbox: what committed transactions asked the shop to do afterwards."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models.base import Base, utcnow

JOB_STATUSES = ("pending", "done", "failed")


class Job(Base):
    """One side effect (today: one email) recorded in the transaction that caused it.

    A worker claims a ``pending`` row that is due, does it and marks it ``done`` in one
    transaction; a failed attempt waits until ``run_after``; after the last attempt the row
    is ``failed`` until an operator retries it. Rows are kept as the record of what was sent.
    """

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'done', 'failed')", name="status_is_known"),
        Index("ix_job_status_run_after", "status", "run_after"),
    )

    # Chosen in Python, so that the id is known before the flush and after the commit.
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
