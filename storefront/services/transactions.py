"""What the side effects that follow a transaction (jobs, files) share."""

from __future__ import annotations

from sqlalchemy.orm import SessionTransaction


def within(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    """Whether ``transaction`` is ``outer`` or a savepoint nested inside it."""
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False
