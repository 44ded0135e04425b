"""What the log's public pages and endpoints read beside ``services.log``: the list of
checkpoints, a row's leaf, and the inclusion proofs of a page's entries in a constant number
of queries however large the log or the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storefront.domain import merkle
from storefront.models import (
    LedgerEntry,
    LogCheckpoint,
    Payout,
)
from storefront.services import log


def checkpoints(db: Session, before: int | None, limit: int) -> list[LogCheckpoint]:
    """The signed checkpoints, newest first, from the one below ``before`` when given."""
    stmt = select(LogCheckpoint).order_by(LogCheckpoint.size.desc()).limit(limit)
    if before is not None:
        stmt = stmt.where(LogCheckpoint.size < before)
    return list(db.scalars(stmt))


def leaf_of(
    db: Session, entry_id: int | None = None, payout_id: int | None = None
) -> tuple[int | None, bytes | None]:
    """The leaf index and leaf data of a ledger entry or a payout; (None, None) when there
    is no such row or it is not a leaf (yet)."""
    index = log.leaf_index(db, entry_id=entry_id, payout_id=payout_id)
    if index is None:
        return None, None
    row = db.get(LedgerEntry, entry_id) if entry_id is not None else db.get(Payout, payout_id or 0)
    return (index, log.leaf_data(row)) if row is not None else (None, None)


# --- proofs for a page of entries -----------------------------------------------------------


@dataclass(frozen=True)
class EntryProof:
    """Where an entry is in the log and its audit path in a signed checkpoint; ``path`` is
    None when no checkpoint covers the entry yet."""

    entry_id: int
    index: int
    size: int | None
    path: tuple[bytes, ...] | None

    @property
    def proved(self) -> bool:
        return self.path is not None


@dataclass(frozen=True)
class PageProofs:
    """The proofs of a page's entries against the latest checkpoint."""

    checkpoint: LogCheckpoint | None
    by_entry: dict[int, EntryProof]

    def get(self, entry_id: int) -> EntryProof | None:
        return self.by_entry.get(entry_id)

    @property
    def any_proved(self) -> bool:
        return any(proof.proved for proof in self.by_entry.values())


def entry_proofs(db: Session, entry_ids: Sequence[int]) -> PageProofs:
    """The leaf index of each entry and its inclusion proof in the latest checkpoint, in three
    queries: the checkpoint, the leaf indexes, and every tile the proofs need (the tiles over
    the entries' leaves and the tree's last leaf, read together by ``log.source``)."""
    latest = log.latest(db)
    indexes = log.leaf_indexes(db, list(entry_ids)) if entry_ids else {}
    size = latest.size if latest is not None else 0
    covered = {entry_id: index for entry_id, index in indexes.items() if index < size}
    paths: dict[int, list[bytes]] = {}
    if covered:
        source = log.source(db, size, near=[*covered.values(), size - 1])
        paths = {i: merkle.inclusion_proof(source, i, size) for i in covered.values()}
    return PageProofs(
        latest,
        {
            entry_id: EntryProof(
                entry_id,
                index,
                size if entry_id in covered else None,
                tuple(paths[index]) if entry_id in covered else None,
            )
            for entry_id, index in indexes.items()
        },
    )
