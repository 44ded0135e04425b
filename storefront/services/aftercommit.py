"""Run side effects (emails) only once the transaction that caused them has committed."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)
_KEY = "sangsaeng_after_commit"


def after_commit(db: Session, action: Callable[[], None]) -> None:
    """Run ``action`` after ``db`` commits; drop it if the transaction rolls back."""
    db.info.setdefault(_KEY, []).append(action)


@event.listens_for(Session, "after_commit")
def _run(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the real commit is still to come
    for action in session.info.pop(_KEY, []):
        try:
            action()
        except Exception:  # an email that fails must not undo a committed order
            log.exception("after-commit action failed")


@event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.nested:
        return  # a savepoint rolled back; the outer transaction may still commit
    session.info.pop(_KEY, None)
