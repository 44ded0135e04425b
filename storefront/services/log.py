"""The donation log: every ledger entry and payout as a leaf of an RFC 9162 Merkle tree, its
subtree hashes kept as C2SP tlog-tiles, and the proofs served from them (docs/ledger.md,
"The log").

Leaves are numbered in the order they were appended, under the ledger's lock
(``ledger.lock_chain``), so leaf order is commit order. Appending reads the partial tiles of
the current size (one query), rebuilds the tree's frontier from them and writes the leaves
and the tiles they changed: O(log n) work per leaf, never a recompute.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Generator, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    LargeBinary,
    and_,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storefront.domain import chain, merkle, notes
from storefront.domain.errors import ConfigError, LogLeavesOutOfOrder, LogRefused
from storefront.models import (
    Job,
    LedgerEntry,
    LogCheckpoint,
    LogCosignature,
    LogLeaf,
    LogTile,
    LogWitness,
    Payout,
)
from storefront.services import jobs

BATCH = 5_000  # leaves written at a time by a bulk append
CHECKPOINT_JOB = "log.checkpoint"
log = logging.getLogger(__name__)
TileKey = tuple[int, int]  # tile level, tile index


def leaf_data(row: LedgerEntry | Payout) -> bytes:
    """The bytes a row is a leaf of: an entry's canonical encoding (what its chain hash is
    computed over), or a payout's ``chain.payout_canonical``."""
    if isinstance(row, LedgerEntry):
        return chain.canonical(chain.fields_of(row))
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
    want_checkpoint(db)


def want_checkpoint(db: Session) -> None:
    """Ask the job queue for a checkpoint of the log, unless one is already asked for: the
    appends made while a checkpoint job waits are signed together by it."""
    if jobs.added(db, CHECKPOINT_JOB):
        return
    pending = select(Job.id).where(Job.kind == CHECKPOINT_JOB, Job.status == "pending")
    if db.scalar(select(exists(pending))):
        return
    jobs.add(db, CHECKPOINT_JOB, {})


def append_bulk(db: Session, leaves: Iterable[tuple[int | None, int | None, bytes]]) -> int:
    """Add leaves given as (entry id, payout id, leaf hash), one of the ids set, in order; for
    loaders that write rows without ``ledger.append``. Streams: a batch of leaves and one tile
    per level in memory at a time. Return how many were added. Holds the ledger's lock until
    the transaction ends, as the appends through ``ledger.append`` do."""
    _lock(db)
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


def source(db: Session, tree_size: int, near: Iterable[int] = ()) -> merkle.HashSource:
    """The tree of ``tree_size`` leaves, read from the stored tiles, each read once. The tiles
    over the leaves ``near`` (a proof's leaf, the tree's last leaf) are read first in one
    query; any other tile a proof needs, in a query of its own. Asking for a subtree beyond
    what is stored raises ``LogRefused``."""
    cache: dict[TileKey, bytes] = {}
    keys = set()
    for position in near:
        level = 0
        while count := merkle.hashes_at(tree_size, level):
            index = position >> (merkle.TILE_HEIGHT * (level + 1))
            if 0 <= index <= (count - 1) // merkle.TILE_WIDTH:
                keys.add((level, index))
            level += 1
    if keys:
        where = or_(*(and_(LogTile.level == lv, LogTile.idx == ix) for lv, ix in sorted(keys)))
        for lv, ix, hashes in db.execute(
            select(LogTile.level, LogTile.idx, LogTile.hashes).where(where)
        ):
            cache[(lv, ix)] = bytes(hashes)

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
    near = (index, tree_size - 1)
    return merkle.inclusion_proof(source(db, tree_size, near), index, tree_size)


def consistency(db: Session, old: int, new: int) -> list[bytes]:
    """The proof that the published tree of ``new`` leaves extends the one of ``old``
    (empty when they are equal). Raises ``LogRefused`` as ``inclusion`` does."""
    if not 0 <= old <= new:
        raise LogRefused("log.bad_sizes", old_size=old, new_size=new)
    _published(db, new)
    if old:
        _published(db, old)
    near = (old - 1, old, new - 1) if old else ()
    return merkle.consistency_proof(source(db, new, near), old, new)


def root(db: Session, tree_size: int) -> bytes:
    """The root hash of the published tree of ``tree_size`` leaves, computed from the tiles."""
    if tree_size < 0:
        raise LogRefused("log.bad_size", size=tree_size)
    _published(db, tree_size)
    return merkle.root_hash(source(db, tree_size, (tree_size - 1,)), tree_size)


# --- checkpoints -----------------------------------------------------------------------------


def default_origin(config: Mapping[str, Any]) -> str:
    """The log's origin: ``LOG_ORIGIN``, else the public host and ``/ledger``."""
    return config.get("LOG_ORIGIN") or f"{config.get('SERVER_NAME') or 'localhost'}/ledger"


def signer(config: Mapping[str, Any]) -> notes.Signer:
    """The key that signs the log's checkpoints, from ``LOG_SIGNING_KEY`` (a ``PRIVATE+KEY+...``
    string) or the file ``LOG_SIGNING_KEY_FILE``; its name is the log's origin.

    Outside production a missing file is generated once (0600), named for the origin of the
    time; a development key read from a file keeps its name as the origin when ``LOG_ORIGIN``
    is not set, so the demo's log does not change its origin with ``PUBLIC_URL``.

    :raises ConfigError: no key, an unreadable or malformed one, or (production, or
        ``LOG_ORIGIN`` set) a key whose name is not the origin.
    """
    origin = default_origin(config)
    production = config.get("ENV_MODE") == "production"
    text, from_file = config.get("LOG_SIGNING_KEY") or "", False
    if not text:
        path = config.get("LOG_SIGNING_KEY_FILE") or ""
        if not path:
            raise ConfigError("LOG_SIGNING_KEY or LOG_SIGNING_KEY_FILE must be set")
        text, from_file = _key_file(Path(path), origin, generate=not production), True
    try:
        key = notes.Signer.parse(text)
    except LogRefused:
        raise ConfigError(
            "the log signing key must be a PRIVATE+KEY+<name>+<hash>+<key> string "
            "(flask ledger log-key --generate writes one)"
        ) from None
    if key.algorithm != notes.ED25519:
        raise ConfigError("the log signing key must be an Ed25519 key (type 0x01)")
    if key.name != origin:
        if from_file and not production and not config.get("LOG_ORIGIN"):
            return key  # the demo's generated key: its log keeps the origin it began with
        raise ConfigError(
            f"the log signing key is named {key.name!r} but the log's origin is {origin!r}: "
            "set LOG_ORIGIN to the key's name, or use a key named after the origin"
        )
    return key


def verifier_keys(config: Mapping[str, Any], key: notes.Signer) -> list[notes.VerifierKey]:
    """The keys the log's checkpoints are checked with: the signing key's, then the ones it
    replaced (``LOG_PREVIOUS_VERIFIER_KEYS``), which keep old checkpoints checkable.

    :raises ConfigError: a previous key that is not an Ed25519 verifier key of this origin."""
    keys = [key.verifier_key]
    for text in config.get("LOG_PREVIOUS_VERIFIER_KEYS") or []:
        try:
            previous = notes.VerifierKey.parse(text)
        except LogRefused:
            raise ConfigError(
                f"LOG_PREVIOUS_VERIFIER_KEYS: {text!r} is not a verifier key"
            ) from None
        if previous.algorithm != notes.ED25519 or previous.name != key.name:
            raise ConfigError(
                f"LOG_PREVIOUS_VERIFIER_KEYS: {text!r} is not an Ed25519 key named {key.name!r}"
            )
        if previous not in keys:
            keys.append(previous)
    return keys


def _key_file(path: Path, origin: str, generate: bool) -> str:
    """A key file's text; outside production, one generated for ``origin`` if missing."""
    if not path.exists() and generate:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under another name, then linked into place: a process starting at the
        # same time reads the first key made, never half of one.
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(notes.Signer.generate(origin).private_key_string() + "\n")
        try:
            os.link(draft, path)
            log.warning("generated a log signing key for %s in %s", origin, path)
        except FileExistsError:
            pass  # another process made it first
        finally:
            draft.unlink()
    try:
        return path.read_text()
    except OSError as error:
        raise ConfigError(f"LOG_SIGNING_KEY_FILE {path} cannot be read: {error}") from None


def _lock(db: Session) -> None:
    from storefront.services import ledger  # it appends through this module

    ledger.lock_chain(db)


def latest(db: Session) -> LogCheckpoint | None:
    """The newest checkpoint the shop signed."""
    return db.scalar(select(LogCheckpoint).order_by(LogCheckpoint.size.desc()).limit(1))


def next_checkpoint_due(db: Session, every: timedelta) -> datetime | None:
    """When the next checkpoint may be signed: ``every`` after the last one (None: now)."""
    signed = db.scalar(select(func.max(LogCheckpoint.created_at)))
    return None if signed is None else signed + every


def checkpoint_at(db: Session, tree_size: int) -> LogCheckpoint | None:
    """The checkpoint signed at ``tree_size`` leaves, if there is one."""
    return db.get(LogCheckpoint, tree_size)


def checkpoint(db: Session, key: notes.Signer, now: datetime) -> LogCheckpoint | None:
    """Sign a checkpoint of the log as it is now, if it grew since the last one; else None.

    Under the ledger's lock, so the size read is the last one committed and two signers
    never sign the same size."""
    _lock(db)
    tree_size = size(db)
    last = latest(db)
    if tree_size == 0 or (last is not None and last.size >= tree_size):
        return None
    root_hash = merkle.root_hash(source(db, tree_size), tree_size)
    note = notes.Checkpoint(key.name, tree_size, root_hash).sign(key)
    row = LogCheckpoint(size=tree_size, root=root_hash, note=note, created_at=now)
    db.add(row)
    db.flush()
    return row


def cosigned_note(db: Session, row: LogCheckpoint) -> str:
    """A checkpoint's signed note with the cosignature lines of the active registered
    witnesses appended, as the shop serves it."""
    lines = db.scalars(
        select(LogCosignature.line)
        .join(LogWitness, LogWitness.id == LogCosignature.witness_id)
        .where(LogCosignature.checkpoint_size == row.size, LogWitness.active.is_(True))
        .order_by(LogCosignature.witness_id)
    )
    return row.note + "".join(line if line.endswith("\n") else line + "\n" for line in lines)


# --- witnesses -------------------------------------------------------------------------------


def add_witness(db: Session, verifier_key: str, name: str, now: datetime) -> LogWitness:
    """Register (or make active again) a witness's cosignature/v1 verifier key.

    :raises LogRefused: ``log.bad_key`` for anything but a cosignature/v1 verifier key."""
    key = notes.VerifierKey.parse(verifier_key.strip())
    if key.algorithm != notes.COSIGNATURE_V1:
        raise LogRefused("log.bad_key")
    text = str(key)
    witness = db.scalar(select(LogWitness).where(LogWitness.verifier_key == text))
    if witness is None:
        witness = LogWitness(verifier_key=text, name=name or key.name, active=True, created_at=now)
        db.add(witness)
    else:
        witness.active = True
        witness.name = name or witness.name
    db.flush()
    return witness


def remove_witness(db: Session, verifier_key: str) -> LogWitness | None:
    """Stop accepting and serving a witness's cosignatures (its row and lines are kept)."""
    witness = db.scalar(select(LogWitness).where(LogWitness.verifier_key == verifier_key.strip()))
    if witness is not None:
        witness.active = False
        db.flush()
    return witness


def witnesses(db: Session, active: bool = True) -> list[LogWitness]:
    stmt = select(LogWitness).order_by(LogWitness.id)
    if active:
        stmt = stmt.where(LogWitness.active.is_(True))
    return list(db.scalars(stmt))


def add_cosignature(db: Session, note: str | bytes, now: datetime) -> list[LogCosignature]:
    """Keep the cosignatures that registered, active witnesses made on a checkpoint the shop
    signed (``note`` is that checkpoint's note with their cosignature lines); a witness's
    newer cosignature of the same checkpoint replaces its older one. Other signature lines
    (the shop's own, unknown witnesses') are ignored.

    :raises LogRefused: ``log.bad_note`` / ``log.bad_checkpoint`` when it is malformed,
        ``log.unknown_checkpoint`` when the shop signed no checkpoint with this text,
        ``log.bad_signature`` when a registered witness's cosignature does not check, and
        ``log.unknown_witness`` when no registered witness cosigned it.
    """
    parsed = notes.parse_note(note)
    checkpoint = notes.Checkpoint.parse(parsed.text)
    signed = db.get(LogCheckpoint, checkpoint.size)
    if signed is None or notes.parse_note(signed.note).text != parsed.text:
        raise LogRefused("log.unknown_checkpoint", size=checkpoint.size)
    known: dict[tuple[str, bytes], tuple[LogWitness, notes.VerifierKey]] = {}
    for witness in witnesses(db):
        key = notes.VerifierKey.parse(witness.verifier_key)
        if key.algorithm == notes.COSIGNATURE_V1:
            known[(key.name, key.key_id)] = (witness, key)
    accepted: dict[int, notes.Signature] = {}  # by witness id
    for signature in parsed.signatures:
        found = known.get((signature.name, signature.key_id))
        if found is None:
            continue
        witness, key = found
        if not key.verify(parsed.text, signature.signature):
            raise LogRefused("log.bad_signature", name=signature.name)
        accepted.setdefault(witness.id, signature)
    if not accepted:
        raise LogRefused("log.unknown_witness")
    existing = {
        row.witness_id: row
        for row in db.scalars(
            select(LogCosignature).where(
                LogCosignature.checkpoint_size == checkpoint.size,
                LogCosignature.witness_id.in_(accepted),
            )
        )
    }
    kept = []
    for witness_id, signature in accepted.items():
        row = existing.get(witness_id)
        line = signature.line.rstrip("\n")
        if row is None:
            row = LogCosignature(
                checkpoint_size=checkpoint.size,
                witness_id=witness_id,
                line=line,
                timestamp=signature.timestamp,
                created_at=now,
            )
            try:
                with db.begin_nested():  # the same witness may post the same checkpoint twice
                    db.add(row)  # at once: the second one keeps the first's row
            except IntegrityError:
                continue
        elif signature.timestamp > row.timestamp:
            row.line, row.timestamp, row.created_at = line, signature.timestamp, now
        kept.append(row)
    db.flush()
    return kept


# --- audit -----------------------------------------------------------------------------------

MAX_FINDINGS = 50  # a log broken everywhere is reported by its first problems
_ENTRY_ROW = [getattr(LedgerEntry, name) for name in chain.ROW]
_PAYOUT_ROW = [getattr(Payout, name) for name in chain.PAYOUT_FIELDS]
_CANONICAL_LENGTH = len("2026-01-01T00:00:00.000000+00:00")


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def audit(db: Session, keys: Iterable[notes.VerifierKey], in_python: bool = False) -> list[str]:
    """Check the log against the rows, in one streamed pass over the leaves in order.

    Every leaf's hash is recomputed from its entry's or payout's columns and compared with
    the stored one; entries and payouts must come in id order, with no index missing, and
    every entry and payout must be a leaf. The tree is rebuilt from the recomputed hashes
    (a frontier, as ``merkle.Frontier`` keeps it, inlined here for speed): its root at each
    checkpoint's size must be the checkpoint's root, and the checkpoint's note must be signed
    by one of ``keys`` (the current verifier key and the ones it replaced) and say that root;
    the stored tiles must be the rebuilt tree's. Memory holds a batch of rows, the frontier
    and one digest per stored tile. Returns the problems found, as sentences; none when the
    log checks.

    On PostgreSQL (unless told ``in_python``) the database checks the leaves against the rows
    first (``in_database``): when they match, the recomputed hashes are the stored ones and
    only those are read to rebuild the tree. When they do not, the Python pass above (the
    reference, and SQLite's) names the problems, in leaf order, so both report the same.
    """
    key_list = list(keys)
    dialect = db.get_bind().dialect
    if not in_python and dialect.name == "postgresql":
        found = in_database(db, key_list)
        if found is not None:
            return found
    raw: Any = db.connection().connection.driver_connection  # in the session's transaction
    found = []
    with closing(_leaf_rows(raw, dialect)) as rows:
        return _audit_tree(db, key_list, rows, found, _recomputed(found))


def in_database(db: Session, keys: list[notes.VerifierKey]) -> list[str] | None:
    """``audit`` on PostgreSQL, the per-leaf work done by the database, or None when a leaf
    is not its row's (a hash, the order, a gap, a row left out: the Python pass names them).

    The database writes each entry's canonical encoding (``ledger_verify.canonical_sql``,
    the bytes ``chain.canonical_row`` writes), hashes it as a leaf and compares it with the
    stored hash, in parallel workers of its own; the few payouts are hashed here; counts say
    that every entry and payout is a leaf (a leaf's entry and payout are unique). Then only
    the stored hashes are read, in index order with a flag for an entry or payout that comes
    after a greater or equal id (a running maximum), into the tree, checkpoints and tiles.

    When this transaction has written nothing, both run at once in a snapshot of their own:
    the hashes on a second connection that imports it (``pg_export_snapshot``), beside the
    tree; otherwise one after the other in this transaction, which alone sees its writes.
    """
    if db.scalar(sql_text("SELECT pg_current_xact_id_if_assigned()")) is not None:
        if not _leaves_hash_their_rows(db):
            return None
        return _tree_of_stored(db, keys)
    engine = db.get_bind()
    assert isinstance(engine, Engine)
    with engine.connect() as connection:
        repeatable = connection.execution_options(isolation_level="REPEATABLE READ")
        with Session(bind=repeatable) as session:
            snapshot = session.scalar(sql_text("SELECT pg_export_snapshot()"))
            with ThreadPoolExecutor(1) as beside:
                hashed = beside.submit(_leaves_hash_their_rows_beside, engine, snapshot)
                found = _tree_of_stored(session, keys)
                return found if hashed.result() else None


def _tree_of_stored(db: Session, keys: list[notes.VerifierKey]) -> list[str] | None:
    """``_audit_tree`` over the stored hashes; None when a leaf is missing or out of order."""
    raw: Any = db.connection().connection.driver_connection  # in the session's transaction
    try:
        with closing(_stored_leaves(raw)) as stored:  # closed if left early
            return _audit_tree(db, keys, stored, [], _stored_hash)
    except LogLeavesOutOfOrder:
        return None


def _leaves_hash_their_rows_beside(engine: Engine, snapshot: str) -> bool:
    """``_leaves_hash_their_rows`` on a connection of its own, in the snapshot ``snapshot``."""
    assert re.fullmatch(r"[0-9A-Fa-f-]+", snapshot)
    with engine.connect() as connection:
        repeatable = connection.execution_options(isolation_level="REPEATABLE READ")
        with Session(bind=repeatable) as session:
            session.execute(sql_text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))  # the first
            session.execute(sql_text("SET TRANSACTION READ ONLY"))
            return _leaves_hash_their_rows(session)


def _stored_hash(row: Any) -> bytes:
    return row[1]


def _recomputed(found: list[str]) -> Any:
    """The leaf hash of a row of ``_leaf_rows``, recomputed from its entry's or payout's
    columns; what does not match (the hash, the id order) goes into ``found``."""
    last_entry = last_payout = 0
    sha256 = hashlib.sha256

    def leaf_of(row: Any) -> bytes:
        nonlocal last_entry, last_payout
        idx, entry_id, payout_id, stored = row[0], row[1], row[2], row[3]
        if entry_id is not None:
            created = row[4]
            if len(created) != _CANONICAL_LENGTH:  # text written without microseconds
                created = chain.iso(_aware(created))
            data = chain.canonical_row(created, *row[5:_PAYOUT_AT])
            if entry_id <= last_entry:
                found.append(f"Log leaf {idx} (entry {entry_id}) comes after entry {last_entry}.")
            last_entry = entry_id if entry_id > last_entry else last_entry
        else:
            data = _payout_data(row[_PAYOUT_AT:])
            if payout_id <= last_payout:
                found.append(
                    f"Log leaf {idx} (payout {payout_id}) comes after payout {last_payout}."
                )
            last_payout = payout_id if payout_id > last_payout else last_payout
        leaf = sha256(b"\x00" + data).digest()
        if leaf != bytes(stored):
            what = f"entry {entry_id}" if entry_id is not None else f"payout {payout_id}"
            found.append(f"Log leaf {idx} does not match {what}.")
        return leaf

    return leaf_of


def _audit_tree(
    db: Session,
    keys: list[notes.VerifierKey],
    rows: Iterable[Any],
    found: list[str],
    leaf_of: Any,
) -> list[str]:
    """``audit``'s pass over ``rows`` (each starting with its leaf index) in index order:
    ``leaf_of(row)`` gives a row's leaf hash, the tree is rebuilt from them and checked
    against the checkpoints and tiles; ``found`` collects the problems."""
    tiles = _TileDigests()
    checkpoints = _stream_checkpoints(db)
    upcoming = next(checkpoints, None)
    stack: list[bytes] = []  # the frontier: the perfect subtrees' hashes, largest first
    size = 0
    sha256 = hashlib.sha256
    level0 = tiles.level0
    for row in rows:
        idx = row[0]
        if idx != size:
            found.append(f"Log leaves {size} to {idx - 1} are missing.")
            break
        leaf = leaf_of(row)
        # append to the frontier; every hash at a multiple of 8 levels goes into a tile
        level0.update(leaf)
        if idx & 255 == 255:
            level0 = tiles.close(0, idx >> 8)
        node, index, level = leaf, idx, 0
        while index & 1:
            node = sha256(b"\x01" + stack.pop() + node).digest()
            index >>= 1
            level += 1
            if not level & 7:
                tiles.add(level >> 3, index, node)
        stack.append(node)
        size = idx + 1
        while upcoming is not None and upcoming.size == size:
            found.extend(_check_checkpoint(upcoming, merkle.Frontier(size, stack).root(), keys))
            upcoming = next(checkpoints, None)
        if len(found) >= MAX_FINDINGS:
            break
    else:
        if upcoming is not None:
            found.append(
                f"The checkpoint of {upcoming.size} leaves is beyond the log's {size} leaves."
            )
        found.extend(tiles.compare(db, size))
        found.extend(_not_in_log(db))
    return found[:MAX_FINDINGS]


_PAYOUT_AT = 4 + len(chain.ROW)  # where a leaf row's payout columns start


def _payout_data(columns: Any) -> bytes:
    """A payout's leaf data from its columns as the driver gives them (text on SQLite)."""
    payout = dict(zip(chain.PAYOUT_FIELDS, columns, strict=True))
    created, paid_on = payout["created_at"], payout["paid_on"]
    payout["created_at"] = _aware(created) if isinstance(created, str) else created
    payout["paid_on"] = paid_on if isinstance(paid_on, str) else paid_on.isoformat()
    return chain.payout_canonical(payout)


def _leaf_rows(raw: Any, dialect: Any) -> Generator[Any]:
    """Each leaf (index, entry id, payout id, hash) with its entry's ``chain.ROW`` columns
    (``created_at`` as the chain writes it, formatted by the database) and its payout's
    ``PAYOUT_FIELDS``, in index order, straight from the driver (as ``ledger.entry_rows``)."""
    from storefront.services.ledger import CANONICAL_CREATED  # it appends through this module

    entry_columns: list[Any] = list(_ENTRY_ROW)
    entry_columns[0] = literal_column(CANONICAL_CREATED[dialect.name])
    stmt = (
        select(LogLeaf.idx, LogLeaf.entry_id, LogLeaf.payout_id, LogLeaf.hash, *entry_columns,
               *_PAYOUT_ROW)
        .outerjoin(LedgerEntry, LedgerEntry.id == LogLeaf.entry_id)
        .outerjoin(Payout, Payout.id == LogLeaf.payout_id)
        .order_by(LogLeaf.idx)
    )  # fmt: skip
    sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if dialect.name == "postgresql":
        cursor = raw.cursor(name="log_audit")  # server-side: a batch in memory at a time
        cursor.itersize = BATCH
    else:
        cursor = raw.cursor()
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(BATCH):
            yield from batch
    finally:
        cursor.close()


def _leaves_hash_their_rows(db: Session) -> bool:
    """Whether every entry and payout is a leaf whose stored hash is its row's (PostgreSQL)."""
    from storefront.services.ledger_verify import canonical_sql  # it imports this module

    if db.scalar(sql_text("SHOW server_encoding")) != "UTF8":
        return False
    leaf_hash = literal_column(
        f"sha256('\\x00'::bytea || convert_to({canonical_sql()}, 'UTF8'))", LargeBinary
    )
    work_mem = db.scalar(sql_text("SELECT set_config('work_mem', '64MB', true)"))
    entry_leaves, unmatched = db.execute(  # a parallel hash join, its table in memory
        select(func.count(), func.count().filter(LogLeaf.hash.is_distinct_from(leaf_hash)))
        .select_from(LogLeaf)
        .join(LedgerEntry, LedgerEntry.id == LogLeaf.entry_id)
    ).one()
    db.execute(sql_text("SELECT set_config('work_mem', :was, true)"), {"was": work_mem})
    if unmatched or entry_leaves != db.scalar(select(func.count()).select_from(LedgerEntry)):
        return False
    payout_leaves = db.execute(
        select(LogLeaf.hash, *_PAYOUT_ROW).join(Payout, Payout.id == LogLeaf.payout_id)
    ).all()
    if len(payout_leaves) != db.scalar(select(func.count()).select_from(Payout)):
        return False
    return all(bytes(row[0]) == merkle.leaf_hash(_payout_data(row[1:])) for row in payout_leaves)


def _stored_leaves(raw: Any) -> Generator[Any]:
    """Each leaf's (index, stored hash) in index order, read in binary from a server-side
    cursor; raises ``LogLeavesOutOfOrder`` at a gap or at a leaf out of id order."""
    cursor = raw.cursor(name="log_hashes", binary=True)
    cursor.itersize = HASH_BATCH
    expected = 0
    try:
        cursor.execute(_STORED_SQL)
        while batch := cursor.fetchmany(HASH_BATCH):
            for row in batch:
                if row[0] != expected or row[2]:
                    raise LogLeavesOutOfOrder
                expected += 1
                yield row
    finally:
        cursor.close()


# a leaf's entry (payout) after one of a greater or equal id: the greatest before it, in order
_STORED_SQL = """
SELECT idx, hash,
       entry_id <= max(entry_id) OVER before OR payout_id <= max(payout_id) OVER before
FROM log_leaf
WINDOW before AS (ORDER BY idx ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
ORDER BY idx
"""
HASH_BATCH = 50_000  # (index, hash) rows fetched at a time: 2 MB


def _stream_checkpoints(db: Session) -> Iterator[Any]:
    """Every checkpoint's size, root and note in size order, a thousand at a time."""
    after = -1
    while True:
        batch = db.execute(
            select(LogCheckpoint.size, LogCheckpoint.root, LogCheckpoint.note)
            .where(LogCheckpoint.size > after)
            .order_by(LogCheckpoint.size)
            .limit(1000)
        ).all()
        if not batch:
            return
        yield from batch
        after = batch[-1].size


def _check_checkpoint(row: Any, root_hash: bytes, keys: list[notes.VerifierKey]) -> list[str]:
    problems = []
    if bytes(row.root) != root_hash:
        problems.append(f"The checkpoint of {row.size} leaves does not match the log's tree.")
    try:
        opened = notes.open_checkpoint(row.note, keys)
    except LogRefused as refused:
        problems.append(
            f"The checkpoint of {row.size} leaves is not signed by the log's key ({refused.code})."
        )
        return problems
    said = opened.checkpoint
    if said.size != row.size or said.root_hash != bytes(row.root):
        problems.append(f"The note of the checkpoint of {row.size} leaves says another tree.")
    return problems


class _TileDigests:
    """The tiles of the rebuilt tree, as one digest each, to compare with the stored ones:
    a running SHA-256 of the tile being filled at each tile level."""

    def __init__(self) -> None:
        self.level0 = hashlib.sha256()
        self.open: dict[int, tuple[int, Any, int]] = {}  # level: tile index, hasher, width
        self.digests: dict[TileKey, tuple[int, bytes]] = {}

    def close(self, level: int, index: int) -> Any:
        """Level 0's tile ``index`` is full: keep its digest; return the next one's hasher."""
        self.digests[(level, index)] = (merkle.TILE_WIDTH, self.level0.digest())
        self.level0 = hashlib.sha256()
        return self.level0

    def add(self, level: int, node_index: int, node: bytes) -> None:
        index, position = node_index >> merkle.TILE_HEIGHT, node_index & (merkle.TILE_WIDTH - 1)
        if position == 0:
            self.open[level] = (index, hashlib.sha256(), 0)
        _index, running, _width = self.open[level]
        running.update(node)
        self.open[level] = (index, running, position + 1)
        if position == merkle.TILE_WIDTH - 1:
            self.digests[(level, index)] = (merkle.TILE_WIDTH, running.digest())
            del self.open[level]

    def compare(self, db: Session, size: int) -> list[str]:
        partial = size % merkle.TILE_WIDTH
        if partial:
            self.digests[(0, size >> merkle.TILE_HEIGHT)] = (partial, self.level0.digest())
        for level, (index, running, width) in self.open.items():
            self.digests[(level, index)] = (width, running.digest())
        problems = []
        stored = select(LogTile.level, LogTile.idx, LogTile.width, LogTile.hashes)
        for level, index, width, hashes in db.execute(stored.execution_options(yield_per=500)):
            expected = self.digests.pop((level, index), None)
            if expected != (width, hashlib.sha256(bytes(hashes)).digest()):
                problems.append(f"Log tile {level}/{index} does not match the log's leaves.")
        problems += [f"Log tile {lv}/{ix} is missing." for lv, ix in sorted(self.digests)]
        return problems


def _not_in_log(db: Session) -> list[str]:
    """Entries and payouts that are no leaf of the log (the first few of each)."""
    problems = []
    for model, column, what in (
        (LedgerEntry, LogLeaf.entry_id, "Ledger entry"),
        (Payout, LogLeaf.payout_id, "Payout"),
    ):
        missing = db.scalars(
            select(model.id)
            .where(~exists(select(LogLeaf.idx).where(column == model.id)))
            .order_by(model.id)
            .limit(10)
        )
        problems += [f"{what} {row_id} is not in the log." for row_id in missing]
    return problems
