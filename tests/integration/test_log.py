"""The donation log on SQLite and PostgreSQL: every ledger entry and payout is a leaf, in the
order it was appended; the tiles give the same tree as one built in memory from the leaves'
canonical bytes, every proof checks, and the migration builds the same log from the rows."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select

from storefront.domain import chain, merkle
from storefront.domain.errors import LogRefused
from storefront.models import LedgerEntry, LogCheckpoint, LogLeaf, LogTile, Payout, utcnow
from storefront.services import log, payouts
from tests.factories import Line, make_paid_order, refund_line

START = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)


def entry_data(entry):
    return chain.canonical(
        {name: getattr(entry, name) for name in (*chain.FIELDS, *chain.OPTIONAL)}
    )


def payout_data(payout):
    return chain.payout_canonical({name: getattr(payout, name) for name in chain.PAYOUT_FIELDS})


def history(session, shop, tmp_path, orders=6):
    """Orders of two lines, a refunded line, a payout and its correction, another payout."""
    made = []
    for n in range(orders):
        made.append(
            make_paid_order(
                session,
                shop.venture,
                [Line(shop.product), Line(shop.cheap, quantity=2)],
                when=START + timedelta(hours=n),
            )
        )
        session.commit()
        if n == 2:
            paid = payouts.record(
                session, shop.cause.id, 500, date(2026, 11, 1), "KB-1", "", None, tmp_path,
                None, "KRW", START + timedelta(hours=n, minutes=5),
            )  # fmt: skip
            session.commit()
            payouts.correct(
                session, paid, "두 번 입력", None, START + timedelta(hours=n, minutes=9)
            )
            session.commit()
    refund_line(session, made[1], made[1].lines[0], START + timedelta(days=1))
    session.commit()
    payouts.record(
        session, shop.cause.id, 700, date(2026, 11, 2), "KB-2", "", None, tmp_path, None,
        "KRW", START + timedelta(days=1, hours=1),
    )  # fmt: skip
    session.commit()


def expected_leaves(session):
    """Every row's leaf data, in the order the rows were appended (their creation order)."""
    rows = [(e.created_at, 0, e.id, entry_data(e)) for e in session.scalars(select(LedgerEntry))]
    rows += [(p.created_at, 1, p.id, payout_data(p)) for p in session.scalars(select(Payout))]
    return [data for *_key, data in sorted(rows)]


def stored(session):
    return [
        (row.idx, row.entry_id, row.payout_id, bytes(row.hash))
        for row in session.scalars(select(LogLeaf).order_by(LogLeaf.idx))
    ]


def tiles(session):
    return {
        (t.level, t.idx): (t.width, bytes(t.hashes))
        for t in session.scalars(select(LogTile).order_by(LogTile.level, LogTile.idx))
    }


def test_every_entry_and_payout_is_a_leaf_in_append_order(session, shop, tmp_path):
    history(session, shop, tmp_path)
    data = expected_leaves(session)
    leaves = stored(session)
    assert [idx for idx, *_ in leaves] == list(range(len(data)))
    assert [leaf for *_, leaf in leaves] == [merkle.leaf_hash(d) for d in data]
    assert sum(1 for _i, _e, p, _h in leaves if p is not None) == 3
    assert log.size(session) == len(data) == session.query(LedgerEntry).count() + 3


def test_every_proof_at_every_size_checks_against_an_independent_tree(session, shop, tmp_path):
    history(session, shop, tmp_path)
    data = expected_leaves(session)
    memory = merkle.MemoryTree(data)
    n = len(data)
    for size in range(1, n + 1):
        source = log.source(session, size)
        root = merkle.root_hash(source, size)
        assert root == merkle.root_hash(memory, size)
        for index in range(size):
            proof = merkle.inclusion_proof(source, index, size)
            assert merkle.verify_inclusion(index, size, merkle.leaf_hash(data[index]), proof, root)
        for old in range(1, size + 1):
            proof = merkle.consistency_proof(source, old, size)
            old_root = merkle.root_hash(memory, old)
            assert merkle.verify_consistency(old, size, old_root, root, proof)


def test_proofs_are_served_only_for_published_sizes(session, shop, tmp_path):
    history(session, shop, tmp_path, orders=2)
    n = log.size(session)
    memory = merkle.MemoryTree(expected_leaves(session))
    with pytest.raises(LogRefused):
        log.inclusion(session, 0, n)
    for size in (3, n):
        session.add(LogCheckpoint(size=size, root=memory.root(size), note="n", created_at=utcnow()))
    session.flush()
    assert log.root(session, n) == memory.root()
    proof = log.inclusion(session, n - 1, n)
    assert merkle.verify_inclusion(n - 1, n, log.leaf_hash(session, n - 1), proof, memory.root())
    consistency = log.consistency(session, 3, n)
    assert merkle.verify_consistency(3, n, memory.root(3), memory.root(), consistency)
    for refused in (
        lambda: log.inclusion(session, n, n),
        lambda: log.inclusion(session, -1, n),
        lambda: log.inclusion(session, 0, n - 1),
        lambda: log.consistency(session, n, 3),
        lambda: log.consistency(session, 2, n),
        lambda: log.root(session, n + 1),
    ):
        with pytest.raises(LogRefused):
            refused()


def test_leaf_indexes_of_entries_and_payouts(session, shop, tmp_path):
    history(session, shop, tmp_path, orders=3)
    leaves = stored(session)
    by_entry = {e: i for i, e, _p, _h in leaves if e is not None}
    assert log.leaf_indexes(session, list(by_entry)) == by_entry
    assert log.leaf_indexes(session, []) == {}
    idx, _e, payout_id, _h = next(leaf for leaf in leaves if leaf[2] is not None)
    assert log.leaf_index(session, payout_id=payout_id) == idx
    first_entry = min(by_entry)
    assert log.leaf_index(session, entry_id=first_entry) == by_entry[first_entry]
    assert log.leaf_index(session, entry_id=10**9) is None


def test_many_leaves_fill_tiles_at_two_levels(session, shop):
    """Past 256 leaves a tile is full and the level above starts; appends in small and large
    batches give the tree that a memory tree gives, tile by tile."""
    make_paid_order(session, shop.venture, [Line(shop.product)], when=START)
    session.commit()
    memory = merkle.MemoryTree()
    for *_ids, leaf in stored(session):
        memory.append_hash(leaf)
    ids = [
        session.execute(
            insert(Payout).returning(Payout.id),
            {"cause_id": shop.cause.id, "amount": 1, "currency": "KRW",
             "paid_on": date(2026, 11, 1), "bank_reference": "B", "created_at": START},
        ).scalar_one()
        for _ in range(700)
    ]  # fmt: skip
    hashes = [merkle.leaf_hash(b"leaf %d" % i) for i in range(700)]
    for first, last in ((0, 1), (1, 300), (300, 301), (301, 700)):
        added = log.append_bulk(session, ((None, ids[i], hashes[i]) for i in range(first, last)))
        assert added == last - first
        for leaf in hashes[first:last]:
            memory.append_hash(leaf)
        size = log.size(session)
        assert merkle.root_hash(log.source(session, size), size) == memory.root()
    n = log.size(session)
    stored_tiles = tiles(session)
    assert stored_tiles[(0, 0)][0] == stored_tiles[(0, 1)][0] == 256
    assert stored_tiles[(0, 2)][0] == n - 512 and stored_tiles[(1, 0)][0] == n // 256
    for (level, index), (width, content) in stored_tiles.items():
        assert content == merkle.tile_hashes(memory, merkle.Tile(level, index, width))


def test_the_migration_builds_the_same_log_as_appending(app, db, shop, tmp_path):
    from flask_migrate import downgrade, upgrade

    history(db.session, shop, tmp_path)
    before_leaves, before_tiles = stored(db.session), tiles(db.session)
    db.session.commit()
    db.session.remove()
    downgrade(revision="0020_sales_sums")
    upgrade()
    assert stored(db.session) == before_leaves
    assert tiles(db.session) == before_tiles
