"""The donation log: every ledger entry and payout as a leaf of an RFC 9162 Merkle tree, its
subtree hashes kept as C2SP tlog-tiles, and the proofs served from them (docs/ledger.md,
"The log").

Leaves are numbered in the order they were appended, under the ledger's lock
(``ledger.lock_chain``), so leaf order is commit order. Appending reads the partial tiles of
the current size (one query), rebuilds the tree's frontier from them and writes the leaves
and the tiles they changed: O(log n) work per leaf, never a recompute.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from storefront.domain import chain, merkle
from storefront.domain.errors import LogRefused
from storefront.models import LedgerEntry, LogCheckpoint, LogLeaf, LogTile, Payout

BATCH = 5_000  # leaves written at a time by a bulk append
TileKey = tuple[int, int]  # tile level, tile index


def leaf_data(row: LedgerEntry | Payout) -> bytes:
    """The bytes a row is a leaf of: an entry's canonical encoding (what its chain hash is
    computed over), or a payout's ``chain.payout_canonical``."""
    if isinstance(row, LedgerEntry):
        return chain.canonical(
            {name: getattr(row, name) for name in (*chain.FIELDS, *chain.OPTIONAL)}
        )
    return chain.payout_canonical({name: getattr(row, name) for name in chain.PAYOUT_FIELDS})


def size(db: Session) -> int:
    """How many leaves the log has."""
    last = db.scalar(select(func.max(LogLeaf.idx)))
    return 0 if last is None else int(last) + 1


def append(db: Session, leaves: list[LedgerEntry | Payout]) -> None:
    """Add flushed entries and payouts as the next leaves, in the order given.

    Called under the ledger's lock by ``ledger.append`` and ``payouts.record``/``correct``.
    """
    if not leaves:
        return
    append_bulk(
        db,
        (
            (row.id, None, merkle.leaf_hash(leaf_data(row)))
            if isinstance(row, LedgerEntry)
            else (None, row.id, merkle.leaf_hash(leaf_data(row)))
            for row in leaves
        ),
    )


def append_bulk(db: Session, leaves: Iterable[tuple[int | None, int | None, bytes]]) -> int:
    """Add leaves given as (entry id, payout id, leaf hash), one of the ids set, in order; for
    loaders that write rows without ``ledger.append``. Streams: a batch of leaves and one tile
    per level in memory at a time. Return how many were added. Take ``ledger.lock_chain``."""
    start = size(db)
    tiles = _PartialTiles.load(db, start)
    frontier = merkle.Frontier.at(merkle.TileHashSource(start, tiles.read), start)
    rows: list[dict[str, Any]] = []
    for entry_id, payout_id, leaf in leaves:
        rows.append(
            {"idx": frontier.size, "entry_id": entry_id, "payout_id": payout_id, "hash": leaf}
        )
        tiles.add(frontier.append(leaf))
        if len(rows) >= BATCH:
            db.execute(insert(LogLeaf), rows)
            rows = []
            tiles.write_full(db)
    if rows:
        db.execute(insert(LogLeaf), rows)
    tiles.write_full(db)
    tiles.write_rest(db)
    return frontier.size - start


class _PartialTiles:
    """The tiles an append extends: the partial ones of the size it starts from (as stored),
    and the hashes the appended leaves completed."""

    def __init__(self, stored: dict[TileKey, bytes]) -> None:
        self.stored = set(stored)  # rows to update rather than insert
        self.content = {key: bytearray(hashes) for key, hashes in stored.items()}
        self.touched: set[TileKey] = set()

    @classmethod
    def load(cls, db: Session, tree_size: int) -> _PartialTiles:
        keys = []
        level = 0
        while count := merkle.hashes_at(tree_size, level):
            if count % merkle.TILE_WIDTH:
                keys.append((level, count // merkle.TILE_WIDTH))
            level += 1
        stored: dict[TileKey, bytes] = {}
        if keys:
            where = or_(*(and_(LogTile.level == lv, LogTile.idx == ix) for lv, ix in keys))
            for lv, ix, width, hashes in db.execute(
                select(LogTile.level, LogTile.idx, LogTile.width, LogTile.hashes).where(where)
            ):
                stored[(lv, ix)] = bytes(hashes)[: width * merkle.HASH_SIZE]
        return cls(stored)

    def read(self, tile: merkle.Tile) -> bytes:
        return bytes(self.content.get((tile.level, tile.index), b""))[
            : tile.width * merkle.HASH_SIZE
        ]

    def add(self, nodes: list[merkle.Node]) -> None:
        for node in nodes:
            if node.tile is None:
                continue
            level, index, _position = node.tile
            self.content.setdefault((level, index), bytearray()).extend(node.hash)
            self.touched.add((level, index))

    def _row(self, key: TileKey) -> dict[str, Any]:
        hashes = bytes(self.content[key])
        return {
            "level": key[0], "idx": key[1], "width": len(hashes) // merkle.HASH_SIZE,
            "hashes": hashes,
        }  # fmt: skip

    def write_full(self, db: Session) -> None:
        """Write the tiles that became full, and forget them (they never change again)."""
        full = [
            key
            for key in self.touched
            if len(self.content[key]) == merkle.TILE_WIDTH * merkle.HASH_SIZE
        ]
        self._write(db, sorted(full))
        for key in full:
            del self.content[key]
            self.touched.discard(key)
            self.stored.discard(key)

    def write_rest(self, db: Session) -> None:
        self._write(db, sorted(self.touched))
        self.touched.clear()

    def _write(self, db: Session, keys: list[TileKey]) -> None:
        new = [self._row(key) for key in keys if key not in self.stored]
        for key in keys:
            if key in self.stored:
                row = self._row(key)
                db.execute(
                    update(LogTile)
                    .where(LogTile.level == key[0], LogTile.idx == key[1])
                    .values(width=row["width"], hashes=row["hashes"])
                )
        if new:
            db.execute(insert(LogTile), new)
        self.stored.update(keys)


# --- reading ---------------------------------------------------------------------------------


def leaf_index(
    db: Session, entry_id: int | None = None, payout_id: int | None = None
) -> int | None:
    """The leaf index of an entry or of a payout, or None if it is not in the log."""
    if entry_id is not None:
        return db.scalar(select(LogLeaf.idx).where(LogLeaf.entry_id == entry_id))
    if payout_id is not None:
        return db.scalar(select(LogLeaf.idx).where(LogLeaf.payout_id == payout_id))
    return None


def leaf_indexes(db: Session, entry_ids: Iterable[int]) -> dict[int, int]:
    """Entry id -> leaf index for the entries among ``entry_ids`` in the log (one query)."""
    ids = list(entry_ids)
    if not ids:
        return {}
    rows = db.execute(select(LogLeaf.entry_id, LogLeaf.idx).where(LogLeaf.entry_id.in_(ids)))
    return {int(entry_id): int(idx) for entry_id, idx in rows if entry_id is not None}


def payout_leaf_indexes(db: Session, payout_ids: Iterable[int]) -> dict[int, int]:
    """Payout id -> leaf index, as ``leaf_indexes`` for entries (one query)."""
    ids = list(payout_ids)
    if not ids:
        return {}
    rows = db.execute(select(LogLeaf.payout_id, LogLeaf.idx).where(LogLeaf.payout_id.in_(ids)))
    return {int(payout_id): int(idx) for payout_id, idx in rows if payout_id is not None}


def leaf_hash(db: Session, index: int) -> bytes | None:
    """The stored hash of leaf ``index``."""
    found = db.scalar(select(LogLeaf.hash).where(LogLeaf.idx == index))
    return None if found is None else bytes(found)


def source(db: Session, tree_size: int) -> merkle.HashSource:
    """The tree of ``tree_size`` leaves, read from the stored tiles (one query per tile it
    needs, each read once). Asking for a subtree beyond what is stored raises ``LogRefused``."""
    cache: dict[TileKey, bytes] = {}

    def read_tile(tile: merkle.Tile) -> bytes:
        key = (tile.level, tile.index)
        if key not in cache:
            found = db.scalar(
                select(LogTile.hashes).where(LogTile.level == tile.level, LogTile.idx == tile.index)
            )
            cache[key] = b"" if found is None else bytes(found)
        return cache[key][: tile.width * merkle.HASH_SIZE]

    return merkle.TileHashSource(tree_size, read_tile)


def tile(db: Session, level: int, index: int, width: int) -> bytes | None:
    """The content of a tile as tlog-tiles serves it (``width`` hashes, 256 for a full one),
    or None when the log does not have that many hashes there yet."""
    found = db.scalar(select(LogTile.hashes).where(LogTile.level == level, LogTile.idx == index))
    if found is None or len(found) < width * merkle.HASH_SIZE:
        return None
    return bytes(found)[: width * merkle.HASH_SIZE]


def _published(db: Session, tree_size: int) -> None:
    if db.get(LogCheckpoint, tree_size) is None:
        raise LogRefused("log.unknown_size", size=tree_size)


def inclusion(db: Session, index: int, tree_size: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the published tree of ``tree_size`` leaves.

    Raises ``LogRefused`` for an index out of range or a size no checkpoint was signed at."""
    if not 0 <= index < tree_size:
        raise LogRefused("log.leaf_out_of_range", index=index, size=tree_size)
    _published(db, tree_size)
    return merkle.inclusion_proof(source(db, tree_size), index, tree_size)


def consistency(db: Session, old: int, new: int) -> list[bytes]:
    """The proof that the published tree of ``new`` leaves extends the one of ``old``
    (empty when they are equal). Raises ``LogRefused`` as ``inclusion`` does."""
    if not 0 <= old <= new:
        raise LogRefused("log.bad_sizes", old_size=old, new_size=new)
    _published(db, new)
    if old:
        _published(db, old)
    return merkle.consistency_proof(source(db, new), old, new)


def root(db: Session, tree_size: int) -> bytes:
    """The root hash of the published tree of ``tree_size`` leaves, computed from the tiles."""
    if tree_size < 0:
        raise LogRefused("log.bad_size", size=tree_size)
    _published(db, tree_size)
    return merkle.root_hash(source(db, tree_size), tree_size)
