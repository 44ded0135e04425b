"""The donation log on SQLite and PostgreSQL: every ledger entry and payout is a leaf, in the
order it was appended; the tiles give the same tree as one built in memory from the leaves'
canonical bytes, every proof checks, and the migration builds the same log from the rows."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select, text

from storefront.domain import chain, merkle, notes
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


@pytest.fixture(autouse=True)
def triggers_back_on(session):
    """Put back the append-only triggers a tampering test turned off: on PostgreSQL that is
    committed DDL, which later tests in the same database would otherwise run without."""
    yield
    if session.get_bind().dialect.name == "postgresql":
        session.rollback()
        for table in ("ledger_entry", "payout", "log_leaf"):
            session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER ALL"))
        session.commit()


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
    published = session.scalars(select(LogCheckpoint.size).order_by(LogCheckpoint.size)).all()
    assert published == [4, 8, 10, 11] and n == 11  # one checkpoint after each commit
    assert log.root(session, n) == memory.root()
    for size in published:
        for index in range(size):
            proof = log.inclusion(session, index, size)
            leaf = log.leaf_hash(session, index)
            assert merkle.verify_inclusion(index, size, leaf, proof, memory.root(size))
        for old in published:
            if old <= size:
                proof = log.consistency(session, old, size)
                assert merkle.verify_consistency(
                    old, size, memory.root(old), memory.root(size), proof
                )
    for refused in (
        lambda: log.inclusion(session, n, n),
        lambda: log.inclusion(session, -1, n),
        lambda: log.inclusion(session, 0, n - 2),  # no checkpoint at 9
        lambda: log.consistency(session, n, 4),
        lambda: log.consistency(session, 2, n),
        lambda: log.consistency(session, -1, n),
        lambda: log.root(session, n + 1),
        lambda: log.root(session, 3),
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


def test_many_leaves_fill_tiles_at_two_levels(session, shop, count_queries):
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
    for size in (n, 600, 513, 512, 300, 257):
        for index in (0, 255, 256, 300, 511, 512, size - 1):
            if index >= size:
                continue
            with count_queries() as queries:  # the tiles near the leaf and the edge: one query
                proof = merkle.inclusion_proof(
                    log.source(session, size, (index, size - 1)), index, size
                )
            assert queries.count == 1
            leaf = memory.subtree_hash(index, index + 1)
            assert merkle.verify_inclusion(index, size, leaf, proof, memory.root(size))
        for old in (1, 255, 256, 257, 400, size):
            if old <= size:
                with count_queries() as queries:
                    proof = merkle.consistency_proof(
                        log.source(session, size, (old - 1, old, size - 1)), old, size
                    )
                assert queries.count == 1
                assert merkle.verify_consistency(
                    old, size, memory.root(old), memory.root(size), proof
                )


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


# --- checkpoints -----------------------------------------------------------------------------


def log_key():
    from tests.conftest import LOG_SIGNER

    return LOG_SIGNER.verifier_key


def test_a_checkpoint_is_signed_after_an_order_and_opens_with_the_verifier_key(session, shop):
    make_paid_order(session, shop.venture, [Line(shop.product)], when=START)
    session.commit()  # the checkpoint job runs after the commit (JOBS_EAGER)
    signed = log.latest(session)
    assert signed is not None and signed.size == log.size(session) == 2
    opened = notes.open_checkpoint(signed.note, [log_key()])
    assert opened.checkpoint.origin == "shop.test/ledger"
    assert opened.checkpoint.size == 2
    memory = merkle.MemoryTree(expected_leaves(session))
    assert opened.checkpoint.root_hash == bytes(signed.root) == memory.root()
    assert log.checkpoint_at(session, 2) is signed and log.checkpoint_at(session, 1) is None
    assert log.cosigned_note(session, signed) == signed.note


def test_a_checkpoint_is_not_signed_again_when_the_log_did_not_grow(app, session, shop):
    signer = app.extensions["log_signer"]
    assert log.checkpoint(session, signer, utcnow()) is None  # an empty log
    make_paid_order(session, shop.venture, [Line(shop.product)], when=START)
    session.commit()
    assert log.checkpoint(session, signer, utcnow()) is None
    result = app.test_cli_runner().invoke(args=["ledger", "checkpoint"])
    assert result.exit_code == 0 and "has not grown since the checkpoint of 2" in result.output
    assert session.scalars(select(LogCheckpoint.size)).all() == [2]


def test_appends_ask_for_one_checkpoint_job_at_a_time_and_the_minute_job_signs(make_app):
    from storefront.extensions import db
    from storefront.jobs import queue
    from storefront.models import Job
    from tests.factories import small_shop

    with make_app(JOBS_EAGER=False).app_context():  # jobs wait in the queue until drained
        session = db.session
        shop = small_shop(session)
        make_paid_order(session, shop.venture, [Line(shop.product)], when=START)
        make_paid_order(session, shop.venture, [Line(shop.cheap)], when=START)
        session.commit()
        pending = select(Job).where(Job.kind == log.CHECKPOINT_JOB, Job.status == "pending")
        job = session.scalars(pending).one()  # two appends, one job
        make_paid_order(session, shop.venture, [Line(shop.product)], when=START)
        session.commit()
        assert session.scalars(pending).all() == [job]  # one waits already: no second
        assert log.latest(session) is None
        assert queue().checkpoint() == 6  # the every-minute job signs what grew
        assert queue().checkpoint() is None
        queue().drain()
        session.expire_all()
        assert session.get(Job, job.id).status == "done"
        assert session.scalars(select(LogCheckpoint.size)).all() == [6]


def test_checkpoints_are_signed_at_most_every_log_checkpoint_seconds(make_app):
    from datetime import timedelta

    from storefront.extensions import db
    from storefront.jobs import queue
    from storefront.models import Job
    from tests.factories import small_shop

    with make_app(JOBS_EAGER=False, LOG_CHECKPOINT_SECONDS=60).app_context():
        session = db.session
        shop = small_shop(session)
        pending = select(Job).where(Job.kind == log.CHECKPOINT_JOB, Job.status == "pending")
        make_paid_order(session, shop.venture, [Line(shop.product)], when=START)
        session.commit()
        queue().drain()  # the first checkpoint is signed at once
        assert session.scalars(select(LogCheckpoint.size)).all() == [2]
        first = log.latest(session)
        make_paid_order(session, shop.venture, [Line(shop.cheap)], when=START)
        session.commit()
        queue().drain()  # too soon after the first: put off, not signed
        session.expire_all()
        assert session.scalars(select(LogCheckpoint.size)).all() == [2]
        later = session.scalars(pending).one()
        assert later.run_after == first.created_at + timedelta(seconds=60)
        due, later_id = later.run_after, later.id
        session.rollback()  # the worker needs the database (SQLite: one writer)
        clock = queue().clock
        queue().clock = lambda: due + timedelta(seconds=1)
        try:
            assert queue().drain(now=due + timedelta(seconds=1)) == 1
        finally:
            queue().clock = clock
        session.expire_all()
        assert session.scalars(select(LogCheckpoint.size)).all() == [2, 4]
        assert session.get(Job, later_id).status == "done"


def test_the_cli_prints_the_verifier_key_and_registers_witnesses(app, session):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ledger", "log-key"]).output.strip() == str(log_key())
    generated = runner.invoke(args=["ledger", "log-key", "--generate", "new.example/ledger"])
    assert notes.Signer.parse(generated.output).name == "new.example/ledger"
    witness = notes.Signer.generate("witness.example", notes.COSIGNATURE_V1)
    key = str(witness.verifier_key)
    assert runner.invoke(args=["ledger", "witness-add", key, "--name", "W"]).exit_code == 0
    assert [(w.name, w.verifier_key) for w in log.witnesses(session)] == [("W", key)]
    refused = runner.invoke(args=["ledger", "witness-add", str(log_key())])  # not a cosigner's
    assert refused.exit_code == 1 and "cosignature/v1" in refused.output
    assert runner.invoke(args=["ledger", "witness-remove", key]).exit_code == 0
    session.expire_all()
    assert log.witnesses(session) == [] and len(log.witnesses(session, active=False)) == 1
    assert runner.invoke(args=["ledger", "witness-remove", key + "x"]).exit_code == 1


def test_active_witnesses_cosignatures_are_served_with_the_checkpoint(app, session, shop):
    from storefront.models import LogCosignature

    make_paid_order(session, shop.venture, [Line(shop.product)], when=START)
    session.commit()
    signed = log.latest(session)
    witness = notes.Signer.generate("witness.example", notes.COSIGNATURE_V1)
    row = log.add_witness(session, str(witness.verifier_key), "", utcnow())
    line = notes.cosign(signed.note, witness, 1_790_000_000).line
    session.add(LogCosignature(checkpoint_size=signed.size, witness_id=row.id, line=line,
                               timestamp=1_790_000_000, created_at=utcnow()))  # fmt: skip
    session.flush()
    served = log.cosigned_note(session, signed)
    opened = notes.open_checkpoint(served, [log_key()], [witness.verifier_key])
    assert [c.key for c in opened.cosignatures] == [witness.verifier_key]
    log.remove_witness(session, str(witness.verifier_key))
    assert log.cosigned_note(session, signed) == signed.note


def test_a_key_whose_name_is_not_the_origin_is_refused(make_app, tmp_path):
    from storefront.config import ConfigError

    other = notes.Signer.generate("other.example/ledger").private_key_string()
    with pytest.raises(ConfigError, match="origin"):
        make_app(LOG_SIGNING_KEY=other)  # the origin is shop.test/ledger
    with pytest.raises(ConfigError, match="origin"):
        make_app(LOG_ORIGIN="shop.example.org/ledger")
    with pytest.raises(ConfigError, match="PRIVATE"):
        make_app(LOG_SIGNING_KEY="PRIVATE+KEY+shop.test/ledger+00+AAAA")
    key_file = tmp_path / "key"
    key_file.write_text(other + "\n")
    production = {"ENV_MODE": "production", "SERVER_NAME": "shop.example.org"}
    with pytest.raises(ConfigError, match="origin"):
        log.signer({**production, "LOG_SIGNING_KEY_FILE": str(key_file)})
    with pytest.raises(ConfigError, match="cannot be read"):
        log.signer({**production, "LOG_SIGNING_KEY_FILE": str(tmp_path / "missing")})
    named = {
        **production,
        "LOG_ORIGIN": "other.example/ledger",
        "LOG_SIGNING_KEY_FILE": str(key_file),
    }
    assert log.signer(named).name == "other.example/ledger"


def test_the_demo_generates_its_key_once_and_keeps_its_origin(tmp_path):
    key_file = tmp_path / "instance" / "log-signing.key"
    config = {
        "ENV_MODE": "development",
        "SERVER_NAME": "localhost:5000",
        "LOG_SIGNING_KEY_FILE": str(key_file),
    }
    first = log.signer(config)
    assert first.name == "localhost:5000/ledger"
    assert key_file.stat().st_mode & 0o777 == 0o600
    again = log.signer({**config, "SERVER_NAME": "127.0.0.1:8000"})  # PUBLIC_URL changed
    assert again.verifier_key == first.verifier_key
    assert key_file.read_text().strip() == first.private_key_string()


# --- the audit (flask ledger verify) ---------------------------------------------------------


def audit(session, *keys):
    """``log.audit``, held to the Python pass's findings (the same pass on SQLite; on
    PostgreSQL the database checks the leaves first)."""
    keys = list(keys) or [log_key()]
    found = log.audit(session, keys)
    assert log.audit(session, keys, in_python=True) == found
    return found


def leaf_of(session, payout=False):
    column = LogLeaf.payout_id if payout else LogLeaf.entry_id
    return session.scalars(select(LogLeaf).where(column.is_not(None)).order_by(LogLeaf.idx)).all()


def test_an_untouched_log_checks_and_the_cli_says_so(app, session, shop, tmp_path):
    history(session, shop, tmp_path, orders=3)
    assert audit(session) == []
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    assert "The log checks: 17 leaves; checkpoints up to 17 leaves are signed." in result.output


def test_an_edited_payout_is_found_by_its_leaf(app, session, shop, tmp_path):
    history(session, shop, tmp_path, orders=3)
    payout_leaf = leaf_of(session, payout=True)[0]
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE payout DISABLE TRIGGER payout_append_only"))
    else:
        session.execute(text("DROP TRIGGER payout_no_update"))
    session.execute(
        text("UPDATE payout SET bank_reference = 'KB-9' WHERE id = :id"),
        {"id": payout_leaf.payout_id},
    )
    session.commit()
    found = audit(session)
    assert f"Log leaf {payout_leaf.idx} does not match payout {payout_leaf.payout_id}." in found
    assert any("does not match the log's tree" in f for f in found)  # the checkpoints after it
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 1 and f"Log leaf {payout_leaf.idx} does not match" in result.output


def test_an_edited_leaf_hash_is_found(session, shop, tmp_path):
    history(session, shop, tmp_path, orders=3)
    leaf = leaf_of(session)[5]
    leaf.hash = merkle.leaf_hash(b"something else")
    session.commit()
    assert audit(session) == [f"Log leaf {leaf.idx} does not match entry {leaf.entry_id}."]


def test_a_dropped_leaf_is_found(session, shop, tmp_path):
    history(session, shop, tmp_path, orders=3)
    leaf = leaf_of(session)[5]
    idx, entry_id = leaf.idx, leaf.entry_id
    session.delete(leaf)
    session.commit()
    assert audit(session) == [f"Log leaves {idx} to {idx} are missing."]
    last = session.scalars(select(LogLeaf.payout_id).order_by(LogLeaf.idx.desc())).first()
    session.execute(text(f"DELETE FROM log_leaf WHERE idx >= {idx - 1}"))
    session.commit()
    found = audit(session)
    assert f"Ledger entry {entry_id} is not in the log." in found
    assert f"Payout {last} is not in the log." in found
    assert any(f.startswith("The checkpoint of") and "beyond the log" in f for f in found)
    assert any(f.startswith("Log tile 0/0 does not match") for f in found)


def test_reordered_leaves_are_found(session, shop, tmp_path):
    history(session, shop, tmp_path, orders=3)
    (a, first), (b, second) = [(leaf.idx, leaf.entry_id) for leaf in leaf_of(session)[2:4]]
    session.execute(text(f"UPDATE log_leaf SET idx = -1 WHERE idx = {a}"))
    session.execute(text(f"UPDATE log_leaf SET idx = {a} WHERE idx = {b}"))
    session.execute(text(f"UPDATE log_leaf SET idx = {b} WHERE idx = -1"))
    session.commit()
    found = audit(session)
    assert found[0] == f"Log leaf {b} (entry {first}) comes after entry {second}."
    assert any("does not match the log's tree" in f for f in found)


def test_an_extra_leaf_or_a_row_left_out_is_found(session, shop, tmp_path):
    history(session, shop, tmp_path, orders=2)
    n = log.size(session)
    forged = Payout(
        cause_id=shop.cause.id, amount=1, currency="KRW", paid_on=date(2026, 11, 1),
        bank_reference="FORGED", created_at=utcnow(),
    )  # fmt: skip
    session.add(forged)
    session.flush()
    assert audit(session) == [f"Payout {forged.id} is not in the log."]
    session.add(LogLeaf(idx=n + 1, payout_id=forged.id, hash=merkle.leaf_hash(payout_data(forged))))
    session.commit()
    assert audit(session) == [f"Log leaves {n} to {n} are missing."]


def test_a_forged_checkpoint_is_found(session, shop, tmp_path):
    from tests.conftest import LOG_SIGNER

    history(session, shop, tmp_path, orders=2)
    latest = log.latest(session)
    real_root = bytes(latest.root)
    impostor = notes.Signer.generate("shop.test/ledger")
    fake_root = merkle.leaf_hash(b"another tree")
    latest.note = notes.Checkpoint("shop.test/ledger", latest.size, bytes(latest.root)).sign(
        impostor
    )
    session.commit()
    assert audit(session) == [
        f"The checkpoint of {latest.size} leaves is not signed by the log's key (log.unverified)."
    ]
    latest.note = notes.Checkpoint("shop.test/ledger", latest.size, fake_root).sign(LOG_SIGNER)
    latest.root = fake_root
    session.commit()
    assert audit(session) == [
        f"The checkpoint of {latest.size} leaves does not match the log's tree."
    ]
    latest.root = real_root  # the row says the right tree, the signed note another
    session.commit()
    assert audit(session) == [
        f"The note of the checkpoint of {latest.size} leaves says another tree."
    ]


def test_a_tampered_tile_is_found(session, shop, tmp_path):
    history(session, shop, tmp_path, orders=2)
    tile = session.get(LogTile, (0, 0))
    tile.hashes = bytes(32) + bytes(tile.hashes)[32:]
    session.commit()
    assert audit(session) == ["Log tile 0/0 does not match the log's leaves."]


def test_checkpoints_of_a_rotated_key_check_with_its_verifier_key(session, shop, tmp_path):
    history(session, shop, tmp_path, orders=2)
    old = notes.Signer.generate("shop.test/ledger")
    first = log.latest(session)
    first.note = notes.Checkpoint("shop.test/ledger", first.size, bytes(first.root)).sign(old)
    session.commit()
    assert audit(session, log_key(), old.verifier_key) == []
    assert audit(session) != []
    config = {"LOG_PREVIOUS_VERIFIER_KEYS": [str(old.verifier_key)]}
    from tests.conftest import LOG_SIGNER

    assert log.verifier_keys(config, LOG_SIGNER) == [log_key(), old.verifier_key]


def forge_checkpoint_root(session):
    latest = log.latest(session)
    latest.root = merkle.leaf_hash(b"another tree")


def forge_tile(session):
    tile = session.get(LogTile, (0, 0))
    tile.hashes = bytes(32) + bytes(tile.hashes)[32:]


def forge_leaf_hash(session):
    leaf_of(session)[5].hash = merkle.leaf_hash(b"something else")


def drop_leaf(session):
    session.delete(leaf_of(session)[5])


def swap_leaves(session):
    a, b = (leaf.idx for leaf in leaf_of(session)[2:4])
    session.execute(text(f"UPDATE log_leaf SET idx = -1 WHERE idx = {a}"))
    session.execute(text(f"UPDATE log_leaf SET idx = {a} WHERE idx = {b}"))
    session.execute(text(f"UPDATE log_leaf SET idx = {b} WHERE idx = -1"))


def edit_entry(session):
    session.execute(text("ALTER TABLE ledger_entry DISABLE TRIGGER USER"))
    entry_id = leaf_of(session)[4].entry_id
    session.execute(text(f"UPDATE ledger_entry SET amount = amount + 1 WHERE id = {entry_id}"))


def edit_payout(session):
    session.execute(text("ALTER TABLE payout DISABLE TRIGGER payout_append_only"))
    payout_id = leaf_of(session, payout=True)[0].payout_id
    session.execute(text(f"UPDATE payout SET bank_reference = 'KB-9' WHERE id = {payout_id}"))


def drop_last_leaf(session):
    session.execute(text("ALTER TABLE log_leaf DISABLE TRIGGER ALL"))
    last = session.scalars(select(LogLeaf).order_by(LogLeaf.idx.desc())).first()
    session.delete(last)


def leave_out_a_payout(session, shop):
    forged = Payout(
        cause_id=shop.cause.id, amount=1, currency="KRW", paid_on=date(2026, 11, 1),
        bank_reference="FORGED", created_at=utcnow(),
    )  # fmt: skip
    session.add(forged)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("tamper", "leaves_match"),
    [
        (None, True),
        (forge_checkpoint_root, True),
        (forge_tile, True),
        (forge_leaf_hash, False),
        (drop_leaf, False),
        (swap_leaves, False),
        (edit_entry, False),
        (edit_payout, False),
        (drop_last_leaf, False),
        (leave_out_a_payout, False),
    ],
)
@pytest.mark.parametrize("committed", [True, False])  # beside the tree, or in the session
def test_the_database_and_the_python_pass_find_the_same(session, shop, tmp_path, tamper,
                                                        leaves_match, committed):  # fmt: skip
    history(session, shop, tmp_path, orders=3)
    if tamper is leave_out_a_payout:
        tamper(session, shop)
    elif tamper is not None:
        tamper(session)
    session.commit() if committed else session.flush()
    reference = log.audit(session, [log_key()], in_python=True)
    assert (reference == []) is (tamper is None)
    in_database = log.in_database(session, [log_key()])  # None: the leaves are not the rows'
    assert in_database == (reference if leaves_match else None)
    assert log.audit(session, [log_key()]) == reference


@pytest.mark.postgres
def test_one_witness_posting_one_cosignature_eight_times_at_once_keeps_one(app, session, shop):
    from storefront.extensions import db
    from storefront.models import LogCosignature
    from tests.helpers import run_together

    make_paid_order(session, shop.venture, [Line(shop.product)], when=START)
    session.commit()
    signed = log.latest(session)
    witness = notes.Signer.generate("witness.example", notes.COSIGNATURE_V1)
    log.add_witness(session, str(witness.verifier_key), "", utcnow())
    session.commit()
    note = signed.note + notes.cosign(signed.note, witness, 1_790_000_000).line

    def post(_i):
        log.add_cosignature(db.session(), note, utcnow())
        db.session.commit()  # an IntegrityError here or above would be a 500 for the witness
        return "kept"

    assert run_together(app, 8, post) == ["kept"] * 8
    rows = session.scalars(select(LogCosignature)).all()
    assert [(r.checkpoint_size, r.timestamp) for r in rows] == [(signed.size, 1_790_000_000)]
