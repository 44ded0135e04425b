"""What the shop must tell people, recorded as plain data in the transaction that caused it.

Services ``record`` a ``Notice`` on the session: who is told what, in which language, with
plain parameters (numbers, tokens, amounts; never ORM objects or URLs). Nothing here renders
or sends. The notice is written to the outbox (``services.jobs``) in the same transaction:
once it commits, a worker renders and sends it (``storefront.web.emails``), with retries; a
rollback drops it, and so does rolling back the savepoint it was recorded in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from storefront.services import jobs

KIND = "notice"  # the outbox's name for a job that sends one notice

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


def record(db: Session, notice: Notice) -> None:
    """Tell someone ``notice`` if, and once, the current transaction commits."""
    jobs.add(db, KIND, notice.to_json())


def recorded(db: Session) -> list[Notice]:
    """The notices the current transaction will send if it commits."""
    return [Notice.from_json(job.payload) for job in jobs.added(db, KIND)]


def discard(db: Session) -> None:
    """Take back what the current transaction would tell (the demo's made-up shoppers)."""
    jobs.forget(db, KIND)
