"""The outbox: side effects recorded as rows in the transaction that asks for them.

``add`` writes a ``Job`` row on the session, so it commits or rolls back with everything else
(a rolled-back savepoint takes its jobs with it). Once the outermost transaction has
committed, the id of each job it added goes to the dispatcher the app installed
(``storefront.jobs`` hands it to the task queue). A job whose hand-off never happened (the
process died after the commit, the queue was down) is still a ``pending`` row: ``lost``
finds it again for the relay.

A worker ``claim``s a due row (locked with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
two workers never do the same job; SQLite transactions take the write lock up front), does
the work, and marks it ``done`` or records the failed attempt in that same transaction.
After ``RetryPolicy.max_attempts`` the row is ``failed`` until an operator retries it.
Nothing here commits.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

from storefront.models import Job, utcnow
from storefront.services.transactions import within

log = logging.getLogger(__name__)
_KEY = "sangsaeng_jobs"
_COMMITTED = "sangsaeng_jobs_committed"
ERROR_LENGTH = 1000

Dispatcher = Callable[[uuid.UUID, datetime | None], None]  # the job, and when it is due
# At most one, for the whole process: the app's dispatcher finds its app in the app context.
_dispatcher: list[Dispatcher] = []


@dataclass(frozen=True)
class RetryPolicy:
    """How often a failing job is tried again: ``first_delay``, then doubling, up to a cap."""

    max_attempts: int = 8
    first_delay: timedelta = timedelta(seconds=30)
    longest_delay: timedelta = timedelta(hours=1)

    def delay_after(self, attempts: int) -> timedelta:
        """The wait before the next try, once ``attempts`` tries have failed."""
        return min(self.first_delay * 2 ** max(attempts - 1, 0), self.longest_delay)


def dispatch_after_commit(dispatcher: Dispatcher) -> None:
    """Hand the id of every job to ``dispatcher`` once its transaction has committed."""
    _dispatcher[:] = [dispatcher]


def _plain(db: Session) -> Session:
    return db() if isinstance(db, scoped_session) else db  # the app's session is scoped


def _remember(session: Session, job: Job) -> None:
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_KEY, []).append((transaction, job.id, job, job.run_after))


def add(
    db: Session, kind: str, payload: Mapping[str, Any], run_after: datetime | None = None
) -> Job:
    """Record a job of ``kind``; it is handed to the queue if, and once, this commits, to run
    at once or, given ``run_after``, not before then."""
    session = _plain(db)
    now = utcnow()
    job = Job(
        id=uuid.uuid4(),
        kind=kind,
        payload=dict(payload),
        status="pending",
        attempts=0,
        run_after=run_after if run_after is not None and run_after > now else now,
        created_at=now,
    )
    session.add(job)  # begins the transaction if none is under way
    _remember(session, job)
    return job


def added(db: Session, kind: str) -> list[Job]:
    """The jobs of ``kind`` that the current transaction will hand over if it commits."""
    return [entry[2] for entry in _plain(db).info.get(_KEY, []) if entry[2].kind == kind]


def forget(db: Session, kind: str) -> None:
    """Take back the jobs of ``kind`` added in the current transaction (made-up shoppers)."""
    session = _plain(db)
    kept = []
    for entry in session.info.get(_KEY, []):
        job = entry[2]
        if job.kind != kind:
            kept.append(entry)
        elif job in session.new:
            session.expunge(job)
        else:
            session.delete(job)  # already flushed
    session.info[_KEY] = kept


def claim(db: Session, job_id: uuid.UUID, now: datetime) -> Job | None:
    """Lock the job if it is pending and due, and nobody else holds it; else ``None``."""
    return db.scalar(
        select(Job)
        .where(Job.id == job_id, Job.status == "pending", Job.run_after <= now)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )


def done(job: Job, now: datetime) -> None:
    """Mark a claimed job done; the claiming transaction's commit makes it final."""
    job.status = "done"
    job.attempts += 1
    job.finished_at = now
    job.last_error = None


def attempt_failed(job: Job, error: str, now: datetime, policy: RetryPolicy) -> datetime | None:
    """Record a failed attempt of a claimed job. Returns when to try again, or ``None`` once
    the job has used its attempts and is ``failed``."""
    job.attempts += 1
    job.last_error = error[:ERROR_LENGTH]
    if job.attempts >= policy.max_attempts:
        job.status = "failed"
        job.finished_at = now
        return None
    job.run_after = now + policy.delay_after(job.attempts)
    return job.run_after


def retry(db: Session, job: Job, now: datetime) -> bool:
    """Give a failed job a fresh set of attempts, handed over again after the commit."""
    if job.status != "failed":
        return False
    job.status = "pending"
    job.attempts = 0
    job.run_after = now
    job.finished_at = None
    _remember(_plain(db), job)
    return True


def lost(db: Session, now: datetime, settle: timedelta, limit: int = 500) -> list[uuid.UUID]:
    """Pending jobs due for longer than ``settle``: their hand-off or retry went missing."""
    return list(
        db.scalars(
            select(Job.id)
            .where(Job.status == "pending", Job.run_after <= now - settle)
            .order_by(Job.run_after)
            .limit(limit)
        )
    )


def failed(db: Session, limit: int = 200) -> list[Job]:
    """The jobs that used all their attempts, the latest first."""
    return list(
        db.scalars(
            select(Job)
            .where(Job.status == "failed")
            .order_by(Job.finished_at.desc(), Job.id)
            .limit(limit)
        )
    )


def stats(db: Session, now: datetime | None = None) -> dict[str, int | float]:
    """Counts for monitoring: jobs ``pending`` (queue depth), ``retrying`` (pending after a
    failed attempt), ``failed`` and ``done``, and the age in seconds of the oldest due job."""
    now = now or utcnow()
    grouped = db.execute(select(Job.status, func.count()).group_by(Job.status))
    counts: dict[str, int] = {status: count for status, count in grouped}
    retrying = db.scalar(select(func.count()).where(Job.status == "pending", Job.attempts > 0))
    oldest = db.scalar(
        select(func.min(Job.run_after)).where(Job.status == "pending", Job.run_after <= now)
    )
    return {
        "pending": counts.get("pending", 0),
        "retrying": retrying or 0,
        "failed": counts.get("failed", 0),
        "done": counts.get("done", 0),
        "oldest_due_seconds": (now - oldest).total_seconds() if oldest else 0.0,
    }


@event.listens_for(Session, "after_commit")
def _keep_committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the real commit is still to come
    session.info[_COMMITTED] = session.info.pop(_KEY, [])


@event.listens_for(Session, "after_soft_rollback")
def _drop_savepoint(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.nested:  # forget what was added inside it; the rest may commit
        session.info[_KEY] = [
            entry
            for entry in session.info.get(_KEY, [])
            if not within(entry[0], previous_transaction)
        ]


@event.listens_for(Session, "after_transaction_end")
def _hand_over(session: Session, transaction: SessionTransaction) -> None:
    """Once the outermost transaction is over (and has given its connection back), hand over
    the jobs it committed; forget what a rollback, or a close without a commit, left."""
    if transaction.parent is not None:
        return
    session.info.pop(_KEY, None)
    committed = session.info.pop(_COMMITTED, [])
    if not _dispatcher:
        return  # the rows wait in the table for the relay
    now = utcnow()
    for _transaction, job_id, _job, due in committed:
        try:
            _dispatcher[0](job_id, due if due is not None and due > now else None)
        except Exception:  # a queue that is down must not undo a commit; the relay retries
            log.exception("handing job %s to the queue failed", job_id)
