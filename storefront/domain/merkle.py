"""The donation log's Merkle tree, as RFC 9162 §2.1 defines it (the tree of Certificate
Transparency): proofs that a leaf is in a tree, and that a tree extends an older one.

Hashes are SHA-256. A leaf's hash is ``SHA-256(0x00 || data)``, an interior node's
``SHA-256(0x01 || left || right)``, and the tree over ``n`` leaves splits them at the largest
power of two smaller than ``n``; the empty tree's hash is ``SHA-256()``.

Nothing here needs every leaf in memory. Proofs and roots are built from the hashes of
*perfect aligned subtrees*: the ``2**h`` leaves from ``i * 2**h`` on, for some height ``h``.
Once the log holds them, these hashes never change (the log only grows), so they can be kept
in a table or as C2SP tlog-tiles (https://c2sp.org/tlog-tiles): a tile at tile level ``L``
holds up to 256 consecutive hashes of subtrees of height ``8 * L``. A :class:`HashSource`
answers for one such subtree; :class:`MemoryTree` is the one kept in memory, and
:class:`TileHashSource` reads tiles. :class:`Frontier` appends leaves in O(log n) each and says
which subtree hashes became known, so that the writer can store them.

Generating a proof for a size or an index that the tree does not have raises ``LogRefused``;
checking a proof only answers True or False.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from storefront.domain.errors import LogRefused

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
TILE_HEIGHT = 8  # C2SP tlog-tiles: a tile is a subtree of height 8...
TILE_WIDTH = 1 << TILE_HEIGHT  # ...so a full tile holds 256 hashes


def leaf_hash(data: bytes) -> bytes:
    """The hash of one leaf: ``SHA-256(0x00 || data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n > 1``): where RFC 9162 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


def is_perfect(start: int, end: int) -> bool:
    """Whether ``[start, end)`` is a perfect aligned subtree: ``2**h`` leaves from ``i * 2**h``."""
    width = end - start
    return width > 0 and width & (width - 1) == 0 and start % width == 0


class HashSource(Protocol):
    """Where proofs read the hashes they need from."""

    def subtree_hash(self, start: int, end: int) -> bytes:
        """The hash of the perfect aligned subtree over leaves ``[start, end)`` (see
        :func:`is_perfect`); the leaf's own hash when ``end == start + 1``."""
        ...


def range_hash(source: HashSource, start: int, end: int) -> bytes:
    """MTH of the leaves ``[start, end)``, a node of some tree of the log: ``start`` is a
    multiple of the power of two at least ``end - start``. O(log n) reads of ``source``."""
    if end <= start:
        return EMPTY_ROOT
    if is_perfect(start, end):
        return source.subtree_hash(start, end)
    k = split_point(end - start)
    return node_hash(range_hash(source, start, start + k), range_hash(source, start + k, end))


def root_hash(source: HashSource, size: int) -> bytes:
    """The root hash of the tree of the first ``size`` leaves."""
    if size < 0:
        raise LogRefused("log.bad_size", size=size)
    return range_hash(source, 0, size)


# --- inclusion proofs (RFC 9162 §2.1.3) ------------------------------------------------------


def inclusion_proof(source: HashSource, index: int, size: int) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``size`` leaves, leaf end first
    (RFC 9162 §2.1.3.1, PATH(m, D[n]))."""
    if not 0 <= index < size:
        raise LogRefused("log.leaf_out_of_range", index=index, size=size)
    siblings: list[bytes] = []  # from the root down; reversed at the end
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            siblings.append(range_hash(source, start + k, end))
            end = start + k
        else:
            siblings.append(range_hash(source, start, start + k))
            start = start + k
    siblings.reverse()
    return siblings


def root_from_inclusion_proof(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes]
) -> bytes | None:
    """The root that ``proof`` leads to from the leaf hash ``leaf`` at ``index`` in a tree of
    ``size`` leaves (RFC 9162 §2.1.3.2), or None when the proof cannot be one for that tree."""
    if not 0 <= index < size or len(leaf) != HASH_SIZE:
        return None
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0 or len(p) != HASH_SIZE:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows the leaf hash ``leaf`` at ``index`` in the tree of ``size``
    leaves whose root hash is ``root``."""
    return root_from_inclusion_proof(index, size, leaf, proof) == root


# --- consistency proofs (RFC 9162 §2.1.4) ----------------------------------------------------


def consistency_proof(source: HashSource, old_size: int, new_size: int) -> list[bytes]:
    """The proof that the tree of ``new_size`` leaves extends the one of ``old_size``
    (RFC 9162 §2.1.4.1, PROOF(m, D[n])); empty when the sizes are equal or the old one is 0."""
    if not 0 <= old_size <= new_size:
        raise LogRefused("log.bad_sizes", old_size=old_size, new_size=new_size)
    if old_size in (0, new_size):
        return []
    # SUBPROOF(m, D[start:end], b), unrolled: each step goes down one side of the tree.
    hashes: list[bytes] = []  # from the root down; reversed at the end
    m, start, end, whole = old_size, 0, new_size, True
    while m != end - start:
        k = split_point(end - start)
        if m <= k:
            hashes.append(range_hash(source, start + k, end))
            end = start + k
        else:
            hashes.append(range_hash(source, start, start + k))
            m -= k
            start += k
            whole = False
    if not whole:
        hashes.append(range_hash(source, start, end))
    hashes.reverse()
    return hashes


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows that the tree of ``new_size`` leaves with root ``new_root``
    extends the one of ``old_size`` leaves with root ``old_root`` (RFC 9162 §2.1.4.2)."""
    if not 0 <= old_size <= new_size or any(len(h) != HASH_SIZE for h in proof):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT  # every tree extends the empty one
    path = list(proof)
    if not path:
        return False
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# --- appending -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """The hash of the perfect subtree of height ``level`` over leaves
    ``[index * 2**level, (index + 1) * 2**level)``."""

    level: int
    index: int
    hash: bytes

    @property
    def start(self) -> int:
        return self.index << self.level

    @property
    def end(self) -> int:
        return (self.index + 1) << self.level

    @property
    def tile(self) -> tuple[int, int, int] | None:
        """(tile level, tile index, position in the tile) of the tile that holds this hash, or
        None for the levels that tiles leave out (they are recomputed from the tile below)."""
        if self.level % TILE_HEIGHT:
            return None
        return self.level // TILE_HEIGHT, self.index // TILE_WIDTH, self.index % TILE_WIDTH


class Frontier:
    """The hashes of the largest perfect subtrees that make up a tree (its "compact range"),
    enough to append a leaf and to compute the root in O(log n) without reading older leaves.

    ``hashes`` are the subtrees' hashes from the largest (leftmost) to the smallest, one per
    bit set in ``size``. Keep them beside the tree to carry on appending after a restart.
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0 or len(hashes) != size.bit_count():
            raise LogRefused("log.bad_size", size=size)
        self.size = size
        self.hashes = list(hashes)

    @classmethod
    def at(cls, source: HashSource, size: int) -> Frontier:
        """The frontier of the tree of ``size`` leaves, read from ``source``."""
        hashes, start = [], 0
        for level in reversed(range(size.bit_length())):
            if size >> level & 1:
                hashes.append(source.subtree_hash(start, start + (1 << level)))
                start += 1 << level
        return cls(size, hashes)

    def append(self, leaf: bytes) -> list[Node]:
        """Add the leaf hash ``leaf``; return the subtree hashes it completed, the leaf's own
        first, then each larger one it closed (the ones a store of the tree should keep)."""
        index = self.size
        completed = [Node(0, index, leaf)]
        current = leaf
        level = 0
        while index >> level & 1:  # the subtree to the left at this level is full: merge
            current = node_hash(self.hashes.pop(), current)
            level += 1
            completed.append(Node(level, index >> level, current))
        self.hashes.append(current)
        self.size += 1
        return completed

    def root(self) -> bytes:
        """The root hash of the tree so far."""
        if not self.hashes:
            return EMPTY_ROOT
        root = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            root = node_hash(left, root)
        return root


class MemoryTree:
    """A log kept in memory: every subtree hash the frontier completed, by level. Fine for
    tests and for rebuilding a tree from an export; the shop keeps its hashes in the database."""

    def __init__(self, leaves: Sequence[bytes] = ()) -> None:
        self.frontier = Frontier()
        self.levels: list[list[bytes]] = []
        for data in leaves:
            self.append(data)

    @property
    def size(self) -> int:
        return self.frontier.size

    def append(self, data: bytes) -> list[Node]:
        """Add a leaf by its data; return the subtree hashes it completed."""
        return self.append_hash(leaf_hash(data))

    def append_hash(self, leaf: bytes) -> list[Node]:
        completed = self.frontier.append(leaf)
        for node in completed:
            if node.level == len(self.levels):
                self.levels.append([])
            self.levels[node.level].append(node.hash)
        return completed

    def subtree_hash(self, start: int, end: int) -> bytes:
        if not is_perfect(start, end) or end > self.size:
            raise LogRefused("log.bad_range", start=start, end=end)
        level = (end - start).bit_length() - 1
        return self.levels[level][start >> level]

    def root(self, size: int | None = None) -> bytes:
        return self.frontier.root() if size is None else root_hash(self, size)


# --- tiles (C2SP tlog-tiles) -----------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    """One tile of a tree: ``width`` hashes (256 when full) at tile level ``level``."""

    level: int
    index: int
    width: int

    @property
    def full(self) -> bool:
        return self.width == TILE_WIDTH

    @property
    def path(self) -> str:
        """Its path under the log's prefix: ``tile/<L>/<N>[.p/<W>]``."""
        return f"tile/{self.level}/{tile_index_path(self.index)}" + (
            "" if self.full else f".p/{self.width}"
        )


def tile_index_path(index: int) -> str:
    """A tile index as tlog-tiles spells it: 3-digit elements, all but the last with an ``x``
    (1234067 is ``x001/x234/067``)."""
    parts = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        parts.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(parts))


def hashes_at(size: int, tile_level: int) -> int:
    """How many hashes the tree of ``size`` leaves has at a tile level."""
    return size >> (TILE_HEIGHT * tile_level)


def tiles_changed(old_size: int, new_size: int) -> Iterator[Tile]:
    """The tiles of the tree of ``new_size`` leaves that the tree of ``old_size`` leaves did not
    have as they are now: the ones to write after appending, full or partial, lowest first."""
    if not 0 <= old_size <= new_size:
        raise LogRefused("log.bad_sizes", old_size=old_size, new_size=new_size)
    level = 0
    while hashes_at(new_size, level):
        old_count, new_count = hashes_at(old_size, level), hashes_at(new_size, level)
        for index in range(old_count // TILE_WIDTH, -(-new_count // TILE_WIDTH)):
            width = min(TILE_WIDTH, new_count - index * TILE_WIDTH)
            if width > old_count - index * TILE_WIDTH:
                yield Tile(level, index, width)
        level += 1


def tile_hashes(source: HashSource, tile: Tile) -> bytes:
    """The content of ``tile``: its hashes, concatenated."""
    height = TILE_HEIGHT * tile.level
    first = tile.index * TILE_WIDTH
    return b"".join(
        source.subtree_hash((first + i) << height, (first + i + 1) << height)
        for i in range(tile.width)
    )


class TileHashSource:
    """A :class:`HashSource` over the tiles of a tree of ``size`` leaves; ``read_tile`` gives
    a tile's content (a full tile when it exists, else the partial one of this size)."""

    def __init__(self, size: int, read_tile: Callable[[Tile], bytes]) -> None:
        self.size = size
        self.read_tile = read_tile

    def subtree_hash(self, start: int, end: int) -> bytes:
        if not is_perfect(start, end) or end > self.size:
            raise LogRefused("log.bad_range", start=start, end=end)
        height = (end - start).bit_length() - 1
        level, above = divmod(height, TILE_HEIGHT)  # tile level, height above its hashes
        first = start >> (TILE_HEIGHT * level)  # the first hash of the tile level it covers
        count = 1 << above
        index = first // TILE_WIDTH
        width = min(TILE_WIDTH, hashes_at(self.size, level) - index * TILE_WIDTH)
        content = self.read_tile(Tile(level, index, width))
        offset = first % TILE_WIDTH
        if len(content) < (offset + count) * HASH_SIZE:
            raise LogRefused("log.bad_range", start=start, end=end)
        hashes = [
            content[(offset + i) * HASH_SIZE : (offset + i + 1) * HASH_SIZE] for i in range(count)
        ]
        while len(hashes) > 1:
            hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
        return hashes[0]
