"""Files that follow the transaction: uploaded pictures, cause logos, payout proofs.

A row and the file it names must not part ways. ``stage_write`` writes a file at once (to a
temporary name, then renamed, so that no reader ever sees half of it) and removes it again if
the transaction, or the savepoint it was written in, rolls back: a failed commit leaves no
orphan file. ``delete_after_commit`` deletes a file only once the outermost transaction has
committed: a rollback keeps the row *and* its file, and a delete that fails after the commit
leaves an orphan file (logged), never a row that points at nothing.

Like ``services.notices`` this hangs on the session's events; services call it with the
session they were given and never commit.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

from storefront.services.transactions import within

log = logging.getLogger(__name__)
_KEY = "sangsaeng_files"
_COMMITTED = "sangsaeng_files_committed"


@dataclass(frozen=True)
class _Change:
    transaction: SessionTransaction
    action: Literal["written", "deleted"]
    path: Path


def stage_write(db: Session, path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` now; remove it if the current transaction rolls back."""
    session = db() if isinstance(db, scoped_session) else db  # the app's is scoped
    transaction = _current(session)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    session.info.setdefault(_KEY, []).append(_Change(transaction, "written", path))


def delete_after_commit(db: Session, path: Path) -> None:
    """Delete ``path`` once, and only if, the current transaction commits."""
    session = db() if isinstance(db, scoped_session) else db
    change = _Change(_current(session), "deleted", path)
    session.info.setdefault(_KEY, []).append(change)


def _current(session: Session) -> SessionTransaction:
    """The innermost transaction, begun if none is: a file must always belong to one."""
    if not session.in_transaction():
        session.begin()
    transaction = session.get_nested_transaction() or session.get_transaction()
    assert transaction is not None
    return transaction


@event.listens_for(Session, "after_commit")
def _keep_committed(session: Session) -> None:
    if session.in_nested_transaction() or _KEY not in session.info:
        return  # a savepoint was released; the real commit is still to come
    session.info[_COMMITTED] = session.info.pop(_KEY)


@event.listens_for(Session, "after_soft_rollback")
def _undo_savepoint(session: Session, previous_transaction: SessionTransaction) -> None:
    if not previous_transaction.nested or _KEY not in session.info:
        return
    inside: list[_Change] = []
    outside: list[_Change] = []
    for change in session.info[_KEY]:
        (inside if within(change.transaction, previous_transaction) else outside).append(change)
    session.info[_KEY] = outside
    _undo(inside)


@event.listens_for(Session, "after_transaction_end")
def _settle(session: Session, transaction: SessionTransaction) -> None:
    """Once the outermost transaction is over: delete what it committed to delete; remove
    what a rollback, or a close without a commit, wrote for nothing."""
    if transaction.parent is not None:
        return
    _undo(session.info.pop(_KEY, []))
    for change in session.info.pop(_COMMITTED, []):
        if change.action == "deleted":
            _remove(change.path, "after the commit; it is left as an orphan")


def _undo(changes: list[_Change]) -> None:
    for change in reversed(changes):
        if change.action == "written":
            _remove(change.path, "after the rollback; it is left as an orphan")


def _remove(path: Path, why: str) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # the database is right either way; a stray file only takes space
        log.warning("could not delete %s %s", path, why, exc_info=True)
