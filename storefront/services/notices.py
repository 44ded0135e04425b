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
_outlet: list[Outlet] = []  # at most one: what the app does with a committed notice


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


@event.listens_for(Session, "after_commit")
def _deliver(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the real commit is still to come
    for _transaction, notice in session.info.pop(_KEY, []):
        if not _outlet:
            log.warning("no outlet for notices: %s to %s dropped", notice.kind, notice.to)
            continue
        try:
            _outlet[0](notice)
        except Exception:  # an email that fails must not undo a committed order
            log.exception("delivering a %s notice failed", notice.kind)


@event.listens_for(Session, "after_soft_rollback")
def _drop(session: Session, previous_transaction: SessionTransaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_KEY, None)
        return
    # A savepoint rolled back: forget what was recorded inside it; the rest may still commit.
    kept = [
        (transaction, notice)
        for transaction, notice in session.info.get(_KEY, [])
        if not _within(transaction, previous_transaction)
    ]
    session.info[_KEY] = kept


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_KEY, None)  # closed without a commit: nothing may leak into the next


def _within(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False
