"""What the shop must tell people, recorded as plain data in the transaction that caused it.

Services ``record`` a ``Notice`` on the session: who is told what, in which language, with
plain parameters (numbers, tokens, amounts; never ORM objects or URLs). Nothing here renders
or sends. Once the outermost transaction commits, each of its notices goes to the outlet the
app installed (``storefront.web.emails`` renders and sends it); a rollback drops them, and so
does rolling back the savepoint they were recorded in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

log = logging.getLogger(__name__)
_KEY = "sangsaeng_notices"
_COMMITTED = "sangsaeng_notices_committed"

Param = str | int | None


@dataclass(frozen=True)
class Notice:
    """One message to one address: ``kind`` names the email, ``params`` what it says.

    JSON-serialisable as it is, so that it can wait in a table for a worker.
    """

    kind: str
    to: str
    locale: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "to": self.to,
            "locale": self.locale,
            "params": dict(self.params),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Notice:
        return cls(data["kind"], data["to"], data["locale"], dict(data["params"]))


Outlet = Callable[[Notice], None]
# At most one, for the whole process: the app's outlet finds its app in the app context.
_outlet: list[Outlet] = []


def deliver_after_commit(outlet: Outlet) -> None:
    """Hand every notice to ``outlet`` once its transaction has committed."""
    _outlet[:] = [outlet]


def record(db: Session, notice: Notice) -> None:
    """Tell someone ``notice`` if, and once, the current transaction commits."""
    session = db() if isinstance(db, scoped_session) else db  # the app's is scoped
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_KEY, []).append((transaction, notice))


def recorded(db: Session) -> list[Notice]:
    """The notices the current transaction will deliver if it commits."""
    return [notice for _transaction, notice in db.info.get(_KEY, [])]


def discard(db: Session) -> None:
    """Forget what the current transaction would tell (the demo's made-up shoppers)."""
    session = db() if isinstance(db, scoped_session) else db
    session.info.pop(_KEY, None)


@event.listens_for(Session, "after_commit")
def _keep_committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the real commit is still to come
    session.info[_COMMITTED] = session.info.pop(_KEY, [])


@event.listens_for(Session, "after_soft_rollback")
def _drop_savepoint(session: Session, previous_transaction: SessionTransaction) -> None:
    if previous_transaction.nested:  # forget what was recorded inside it; the rest may commit
        session.info[_KEY] = [
            (transaction, notice)
            for transaction, notice in session.info.get(_KEY, [])
            if not _within(transaction, previous_transaction)
        ]


@event.listens_for(Session, "after_transaction_end")
def _deliver(session: Session, transaction: SessionTransaction) -> None:
    """Once the outermost transaction is over (and has given its connection back), deliver
    what it committed; drop what a rollback, or a close without a commit, left behind."""
    if transaction.parent is not None:
        return
    session.info.pop(_KEY, None)
    for _transaction, notice in session.info.pop(_COMMITTED, []):
        if not _outlet:
            log.warning("no outlet for notices: %s to %s dropped", notice.kind, notice.to)
            continue
        try:
            _outlet[0](notice)
        except Exception:  # an email that fails must not undo a committed order
            log.exception("delivering a %s notice failed", notice.kind)


def _within(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False
