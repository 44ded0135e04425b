"""The log's Merkle tree gives the roots and proofs RFC 9162 §2.1 defines, and refuses any
proof that was changed.

The reference below is written straight from the RFC's recursive definitions (MTH, PATH,
PROOF/SUBPROOF) and shares no code with ``storefront.domain.merkle``.
"""

import hashlib
from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storefront.domain import merkle
from storefront.domain.errors import LogRefused

# --- the reference, from RFC 9162 §2.1 -------------------------------------------------------


def sha256(data):
    return hashlib.sha256(data).digest()


def largest_power_of_two_below(n):
    k = 1
    while k * 2 < n:
        k *= 2
    return k


class Reference:
    """MTH(D[n]), PATH(m, D[n]) and PROOF(m, D[n]) over the leaf inputs ``data``."""

    def __init__(self, data):
        self.data = list(data)
        self.mth = lru_cache(maxsize=None)(self._mth)

    def _mth(self, lo, hi):  # MTH(D[lo:hi])
        n = hi - lo
        if n == 0:
            return sha256(b"")
        if n == 1:
            return sha256(b"\x00" + self.data[lo])
        k = largest_power_of_two_below(n)
        return sha256(b"\x01" + self.mth(lo, lo + k) + self.mth(lo + k, hi))

    def path(self, m, lo, hi):  # PATH(m, D[lo:hi]), m relative to lo
        n = hi - lo
        if n == 1:
            return []
        k = largest_power_of_two_below(n)
        if m < k:
            return [*self.path(m, lo, lo + k), self.mth(lo + k, hi)]
        return [*self.path(m - k, lo + k, hi), self.mth(lo, lo + k)]

    def subproof(self, m, lo, hi, b):  # SUBPROOF(m, D[lo:hi], b)
        n = hi - lo
        if m == n:
            return [] if b else [self.mth(lo, hi)]
        k = largest_power_of_two_below(n)
        if m <= k:
            return [*self.subproof(m, lo, lo + k, b), self.mth(lo + k, hi)]
        return [*self.subproof(m - k, lo + k, hi, False), self.mth(lo, lo + k)]

    def root(self, n):
        return self.mth(0, n)

    def inclusion(self, m, n):
        return self.path(m, 0, n)

    def consistency(self, m, n):
        return self.subproof(m, 0, n, True)


def leaves(n, salt=b""):
    """Distinct leaf inputs: with equal leaves, one leaf's proof would rightly prove another."""
    return [salt + i.to_bytes(4, "big") for i in range(n)]


def flipped(proof, i):
    changed = list(proof)
    changed[i] = bytes([changed[i][0] ^ 1]) + changed[i][1:]
    return changed


# --- known answers ---------------------------------------------------------------------------

# The RFC 6962 test tree of transparency-dev/merkle (testonly/constants.go: LeafInputs and
# RootHashes), the same vectors as Certificate Transparency's C++ and Go merkle tests.
KNOWN_LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f"]
]  # fmt: skip
KNOWN_ROOTS = [
    bytes.fromhex(h)
    for h in [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]


def test_the_roots_of_the_rfc_6962_test_tree_are_the_published_ones():
    tree = merkle.MemoryTree()
    assert tree.root() == KNOWN_ROOTS[0] == merkle.EMPTY_ROOT
    for size, data in enumerate(KNOWN_LEAVES, start=1):
        tree.append(data)
        assert tree.root() == KNOWN_ROOTS[size]
    for size in range(len(KNOWN_ROOTS)):
        assert merkle.root_hash(tree, size) == KNOWN_ROOTS[size]
        assert Reference(KNOWN_LEAVES).root(size) == KNOWN_ROOTS[size]  # the reference too


def test_leaf_and_node_hashes_are_domain_separated():
    assert merkle.leaf_hash(b"") == bytes.fromhex(
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    left, right = merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")
    assert merkle.node_hash(left, right) == sha256(b"\x01" + left + right)
    assert merkle.node_hash(left, right) != merkle.leaf_hash(left + right)


# --- proofs against the reference ------------------------------------------------------------


def check_tree(n, salt=b""):
    data = leaves(n, salt)
    reference = Reference(data)
    tree = merkle.MemoryTree(data)
    root = reference.root(n)
    assert tree.root() == root
    for m in range(n):
        proof = merkle.inclusion_proof(tree, m, n)
        assert proof == reference.inclusion(m, n)
        assert merkle.verify_inclusion(m, n, merkle.leaf_hash(data[m]), proof, root)
    for m in range(1, n + 1):
        proof = merkle.consistency_proof(tree, m, n)
        assert proof == reference.consistency(m, n)
        assert merkle.verify_consistency(m, n, reference.root(m), root, proof)


def test_every_proof_of_every_tree_up_to_70_leaves_is_the_rfcs():
    for n in range(1, 71):
        check_tree(n)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(min_value=1, max_value=300), salt=st.binary(max_size=8))
def test_every_proof_of_a_random_tree_is_the_rfcs(n, salt):
    check_tree(n, salt)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_a_changed_inclusion_proof_is_refused(data):
    n = data.draw(st.integers(min_value=1, max_value=300), label="size")
    m = data.draw(st.integers(min_value=0, max_value=n - 1), label="index")
    inputs = leaves(n)
    reference = Reference(inputs)
    tree = merkle.MemoryTree(inputs)
    proof, leaf, root = merkle.inclusion_proof(tree, m, n), merkle.leaf_hash(inputs[m]), tree.root()
    assert merkle.verify_inclusion(m, n, leaf, proof, root)

    for i in range(len(proof)):
        assert not merkle.verify_inclusion(m, n, leaf, flipped(proof, i), root)
    if proof:
        assert not merkle.verify_inclusion(m, n, leaf, proof[:-1], root)
        assert not merkle.verify_inclusion(m, n, leaf, proof[1:], root)
    assert not merkle.verify_inclusion(m, n, leaf, [*proof, root], root)
    assert not merkle.verify_inclusion(m, n, merkle.leaf_hash(b"edited"), proof, root)
    assert not merkle.verify_inclusion(m, n, leaf, proof, merkle.leaf_hash(b"another root"))
    assert not merkle.verify_inclusion(m, n, inputs[m], proof, root)  # data, not its hash
    for other in {m - 1, m + 1} & set(range(n)):
        assert not merkle.verify_inclusion(other, n, leaf, proof, root)
    assert not merkle.verify_inclusion(m + n, n, leaf, proof, root)
    bigger = Reference(leaves(n + 1))
    assert not merkle.verify_inclusion(m, n + 1, leaf, proof, bigger.root(n + 1))
    if m < n - 1:
        assert not merkle.verify_inclusion(m, n - 1, leaf, proof, reference.root(n - 1))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_a_changed_consistency_proof_is_refused(data):
    n = data.draw(st.integers(min_value=2, max_value=300), label="new size")
    m = data.draw(st.integers(min_value=1, max_value=n - 1), label="old size")
    inputs = leaves(n + 1)
    reference = Reference(inputs)
    tree = merkle.MemoryTree(inputs[:n])
    proof = merkle.consistency_proof(tree, m, n)
    old, new = reference.root(m), reference.root(n)
    assert merkle.verify_consistency(m, n, old, new, proof)

    for i in range(len(proof)):
        assert not merkle.verify_consistency(m, n, old, new, flipped(proof, i))
    assert not merkle.verify_consistency(m, n, old, new, proof[:-1])
    assert not merkle.verify_consistency(m, n, old, new, [*proof, new])
    assert not merkle.verify_consistency(m, n, new, new, proof)
    assert not merkle.verify_consistency(m, n, old, old, proof)
    assert not merkle.verify_consistency(n, m, new, old, proof)
    assert not merkle.verify_consistency(m, n + 1, old, reference.root(n + 1), proof)
    assert not merkle.verify_consistency(m + 1, n, reference.root(m + 1), new, proof)
    # a split view: another tree of size n that does not extend the old one
    forked = merkle.MemoryTree([*inputs[: m - 1], b"edited", *inputs[m:n]])
    assert not merkle.verify_consistency(m, n, old, forked.root(), proof)
    assert not merkle.verify_consistency(
        m, n, old, forked.root(), merkle.consistency_proof(forked, m, n)
    )


def test_equal_and_empty_trees_need_an_empty_consistency_proof():
    tree = merkle.MemoryTree(leaves(5))
    root = tree.root()
    assert merkle.consistency_proof(tree, 5, 5) == []
    assert merkle.consistency_proof(tree, 0, 5) == []
    assert merkle.verify_consistency(5, 5, root, root, [])
    assert not merkle.verify_consistency(5, 5, root, merkle.leaf_hash(b"x"), [])
    assert not merkle.verify_consistency(5, 5, root, root, [root])
    assert merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, root, [])
    assert not merkle.verify_consistency(0, 5, root, root, [])
    assert not merkle.verify_consistency(3, 5, tree.root(3), root, [])


def test_proofs_of_leaves_or_sizes_the_tree_does_not_have_are_refused():
    tree = merkle.MemoryTree(leaves(5))
    with pytest.raises(LogRefused) as refused:
        merkle.inclusion_proof(tree, 5, 5)
    assert refused.value.code == "log.leaf_out_of_range"
    assert refused.value.params == {"index": 5, "size": 5}
    with pytest.raises(LogRefused):
        merkle.inclusion_proof(tree, -1, 5)
    with pytest.raises(LogRefused) as refused:
        merkle.consistency_proof(tree, 4, 3)
    assert refused.value.code == "log.bad_sizes"
    with pytest.raises(LogRefused) as refused:
        merkle.inclusion_proof(tree, 0, 6)  # the tree has 5 leaves: no hash for [4, 6)
    assert refused.value.code == "log.bad_range"
    with pytest.raises(LogRefused):
        tree.subtree_hash(1, 3)  # not aligned


# --- appending and tiles ---------------------------------------------------------------------


def test_the_frontier_emits_each_perfect_subtree_once_and_can_restart():
    inputs = leaves(300)
    reference = Reference(inputs)
    frontier = merkle.Frontier()
    emitted = {}
    for i, data in enumerate(inputs):
        for node in frontier.append(merkle.leaf_hash(data)):
            assert (node.level, node.index) not in emitted
            assert node.hash == reference.mth(node.start, node.end)
            assert node.end == i + 1  # a node is emitted when its last leaf arrives
            emitted[node.level, node.index] = node.hash
        assert frontier.root() == reference.root(i + 1)
        assert len(frontier.hashes) == (i + 1).bit_count()
    # every perfect aligned subtree of the 300 leaves, and nothing else
    expected = {(h, i) for h in range(9) for i in range(300 >> h)}
    assert set(emitted) == expected

    tree = merkle.MemoryTree(inputs[:123])
    restarted = merkle.Frontier.at(tree, 123)
    assert restarted.hashes == merkle.Frontier.at(merkle.MemoryTree(inputs), 123).hashes
    for data in inputs[123:]:
        restarted.append(merkle.leaf_hash(data))
    assert restarted.root() == reference.root(300)


def test_a_frontier_whose_hashes_do_not_match_its_size_is_refused():
    with pytest.raises(LogRefused):
        merkle.Frontier(3, [merkle.EMPTY_ROOT])


def test_tile_paths_are_spelled_as_tlog_tiles_says():
    assert merkle.tile_index_path(0) == "000"
    assert merkle.tile_index_path(1234067) == "x001/x234/067"
    assert merkle.tile_index_path(1000) == "x001/000"
    assert merkle.Tile(0, 5, 256).path == "tile/0/005"
    assert merkle.Tile(2, 1234067, 17).path == "tile/2/x001/x234/067.p/17"


def test_the_tiles_of_a_tree_of_70000_leaves_are_the_specs_example():
    tiles = list(merkle.tiles_changed(0, 70_000))
    full = [t for t in tiles if t.full]
    partial = [(t.level, t.width) for t in tiles if not t.full]
    assert sorted((t.level, t.index) for t in full) == [(0, i) for i in range(273)] + [(1, 0)]
    assert partial == [(0, 112), (1, 17), (2, 1)]
    assert [(t.level, t.width) for t in merkle.tiles_changed(0, 256)] == [(0, 256), (1, 1)]


def test_the_tiles_changed_by_appending_are_the_ones_that_differ():
    def tiles_of(size):
        return {(t.level, t.index): t.width for t in merkle.tiles_changed(0, size)}

    for old, new in [(0, 1), (1, 2), (255, 256), (256, 300), (300, 70_000), (5, 5)]:
        before, after = tiles_of(old), tiles_of(new)
        changed = {(t.level, t.index): t.width for t in merkle.tiles_changed(old, new)}
        assert changed == {key: w for key, w in after.items() if before.get(key) != w}


@settings(max_examples=15, deadline=None)
@given(size=st.integers(min_value=1, max_value=1200))
def test_proofs_read_from_tiles_are_the_same(size):
    tree = merkle.MemoryTree(leaves(size))
    stored = {}
    for tile in merkle.tiles_changed(0, size):
        stored[tile] = merkle.tile_hashes(tree, tile)
        assert len(stored[tile]) == tile.width * merkle.HASH_SIZE
    tiles = merkle.TileHashSource(size, stored.__getitem__)
    assert merkle.root_hash(tiles, size) == tree.root()
    for m in {0, size // 3, size - 1}:
        assert merkle.inclusion_proof(tiles, m, size) == merkle.inclusion_proof(tree, m, size)
        assert merkle.consistency_proof(tiles, m + 1, size) == merkle.consistency_proof(
            tree, m + 1, size
        )


def test_a_proof_of_another_size_is_refused_even_against_its_own_root():
    """RFC 9162's checks that the path ends exactly at the root of the size claimed."""
    tree = merkle.MemoryTree(leaves(3))
    first, second = merkle.leaf_hash(leaves(3)[0]), merkle.leaf_hash(leaves(3)[1])
    # the proof of leaf 0 in the tree of 2, passed off as one in a tree of 3
    proof = merkle.inclusion_proof(tree, 0, 2)
    assert merkle.verify_inclusion(0, 2, first, proof, tree.root(2))
    assert not merkle.verify_inclusion(0, 3, first, proof, tree.root(2))
    # a leaf passed off as the only leaf of a tree whose root has it as a child
    assert not merkle.verify_inclusion(0, 1, second, [first], merkle.node_hash(first, second))
    # the tree of 2 passed off as a tree of 3 that extends the tree of 1
    proof = merkle.consistency_proof(tree, 1, 2)
    assert merkle.verify_consistency(1, 2, tree.root(1), tree.root(2), proof)
    assert not merkle.verify_consistency(1, 3, tree.root(1), tree.root(2), proof)
