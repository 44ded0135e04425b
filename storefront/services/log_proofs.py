"""What the log's public pages and endpoints read beside ``services.log``: the list of
checkpoints, a row's leaf, and the inclusion proofs of a page's entries in a constant number
of queries however large the log or the page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from storefront.domain import merkle
from storefront.domain.errors import LogRefused
from storefront.models import (
    LedgerEntry,
    LogCheckpoint,
    LogTile,
    Payout,
)
from storefront.services import log


def checkpoints(db: Session, before: int | None, limit: int) -> list[LogCheckpoint]:
    """The signed checkpoints, newest first, from the one below ``before`` when given."""
    stmt = select(LogCheckpoint).order_by(LogCheckpoint.size.desc()).limit(limit)
    if before is not None:
        stmt = stmt.where(LogCheckpoint.size < before)
    return list(db.scalars(stmt))


def _stored_tiles(db: Session, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored content of tiles by (level, index), in one query."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    rows = db.execute(
        select(LogTile.level, LogTile.idx, LogTile.hashes).where(
            tuple_(LogTile.level, LogTile.idx).in_(wanted)
        )
    )
    return {(level, idx): bytes(hashes) for level, idx, hashes in rows}


def _prefix(stored: bytes | None, tile: merkle.Tile) -> bytes | None:
    """``tile``'s content out of the stored tile at its place, which may have grown since:
    hashes are only ever added at the end of a tile, so its first ``width`` never change."""
    length = tile.width * merkle.HASH_SIZE
    if stored is None or len(stored) < length:
        return None
    return stored[:length]


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


class _Recorder:
    """A hash source that notes which tiles each subtree hash would be read from (as
    ``merkle.TileHashSource`` addresses them) and answers zeros without hashing: a proof's
    shape does not depend on the hashes, so a dry run finds every tile to fetch at once."""

    ZERO = bytes(merkle.HASH_SIZE)

    def __init__(self) -> None:
        self.tiles: set[tuple[int, int]] = set()

    def subtree_hash(self, start: int, end: int) -> bytes:
        level = ((end - start).bit_length() - 1) // merkle.TILE_HEIGHT
        first = start >> (merkle.TILE_HEIGHT * level)  # its first hash at that tile level
        self.tiles.add((level, first // merkle.TILE_WIDTH))
        return self.ZERO


def prefetched(
    db: Session, size: int, proofs: Callable[[merkle.HashSource], object]
) -> merkle.HashSource:
    """The tree of ``size`` leaves with every tile that ``proofs`` reads fetched in one query:
    ``proofs`` is run once against zeros to learn which tiles it needs (a proof's shape does
    not depend on the hashes), then the returned source answers it from those tiles."""
    recorder = _Recorder()
    proofs(recorder)
    stored = _stored_tiles(db, recorder.tiles)

    def read(tile: merkle.Tile) -> bytes:
        content = _prefix(stored.get((tile.level, tile.index)), tile)
        if content is None:
            raise LogRefused("log.bad_range", start=tile.index, end=tile.width)
        return content

    return merkle.TileHashSource(size, read)


def _published(db: Session, size: int) -> None:
    if log.checkpoint_at(db, size) is None:
        raise LogRefused("log.unknown_size", size=size)


def inclusion(db: Session, index: int, size: int) -> list[bytes]:
    """``log.inclusion``, with the tiles read in one query rather than one per tile."""
    if not 0 <= index < size:
        raise LogRefused("log.leaf_out_of_range", index=index, size=size)
    _published(db, size)
    source = prefetched(db, size, lambda dry: merkle.inclusion_proof(dry, index, size))
    return merkle.inclusion_proof(source, index, size)


def consistency(db: Session, old: int, new: int) -> list[bytes]:
    """``log.consistency``, with the tiles read in one query rather than one per tile."""
    if not 0 <= old <= new:
        raise LogRefused("log.bad_sizes", old_size=old, new_size=new)
    _published(db, new)
    if old:
        _published(db, old)
    source = prefetched(db, new, lambda dry: merkle.consistency_proof(dry, old, new))
    return merkle.consistency_proof(source, old, new)


def entry_proofs(db: Session, entry_ids: Sequence[int]) -> PageProofs:
    """The leaf index of each entry and its inclusion proof in the latest checkpoint, in three
    queries: the checkpoint, the leaf indexes, and every tile the proofs need."""
    latest = log.latest(db)
    indexes = log.leaf_indexes(db, list(entry_ids)) if entry_ids else {}
    size = latest.size if latest is not None else 0
    covered = {entry_id: index for entry_id, index in indexes.items() if index < size}
    paths: dict[int, list[bytes]] = {}
    if covered:

        def every_proof(source: merkle.HashSource) -> dict[int, list[bytes]]:
            return {i: merkle.inclusion_proof(source, i, size) for i in covered.values()}

        paths = every_proof(prefetched(db, size, every_proof))
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
