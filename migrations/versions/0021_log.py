"""Add the donation log: a Merkle tree over every ledger entry and payout, its tiles, signed
checkpoints and witnesses; existing entries and payouts become its first leaves

Leaf order (docs/ledger.md, "The log"): entries in id order, each payout right after the
entry its ``ledger_head_id`` names (payouts with none before every entry), ties by payout id.
Leaf data: an entry's canonical encoding (``chain.canonical``), a payout's
``chain.payout_canonical``. The rows are read a batch at a time and the tiles written as they
fill, so a large ledger is migrated in constant memory. The tile writing is copied here on
purpose, so this migration does not change when the service does.

Revision ID: 0021_log
Revises: 0020_sales_sums
Create Date: 2026-12-02 03:30:00

"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

from storefront.domain import chain, merkle

revision = "0021_log"
down_revision = "0020_sales_sums"
branch_labels = None
depends_on = None

BATCH = 5_000
ENTRY_COLUMNS = ("id", *chain.FIELDS, *chain.OPTIONAL)
PAYOUT_COLUMNS = ("id", *chain.PAYOUT_FIELDS)


def _aware(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _day(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def _payouts_by_head(bind):
    """Payout leaves (payout id, leaf hash) by the entry they follow (None: before all)."""
    rows = bind.execute(
        sa.text(
            f"SELECT {', '.join(PAYOUT_COLUMNS)} FROM payout"  # noqa: S608 (fixed names)
            " ORDER BY ledger_head_id, id"
        )
    )
    by_head = {}
    for row in rows:
        fields = dict(zip(PAYOUT_COLUMNS, row, strict=True))
        fields["created_at"] = _aware(fields["created_at"])
        fields["paid_on"] = _day(fields["paid_on"])
        leaf = merkle.leaf_hash(chain.payout_canonical(fields))
        by_head.setdefault(fields["ledger_head_id"], []).append((fields["id"], leaf))
    return by_head


def _entries(bind):
    """(entry id, leaf hash) of every entry in id order, read a batch at a time."""
    after = 0
    select = (
        f"SELECT {', '.join(ENTRY_COLUMNS)} FROM ledger_entry"  # noqa: S608 (fixed names)
        " WHERE id > :after ORDER BY id LIMIT :batch"
    )
    while True:
        rows = bind.execute(sa.text(select), {"after": after, "batch": BATCH}).all()
        if not rows:
            return
        for row in rows:
            fields = dict(zip(ENTRY_COLUMNS, row, strict=True))
            fields["created_at"] = _aware(fields["created_at"])
            yield fields["id"], merkle.leaf_hash(chain.canonical(fields))
        after = rows[-1][0]


def _leaves(bind):
    """(entry id, payout id, leaf hash) in the log's order."""
    by_head = _payouts_by_head(bind)
    for payout_id, leaf in by_head.pop(None, []):
        yield None, payout_id, leaf
    for entry_id, leaf in _entries(bind):
        yield entry_id, None, leaf
        for payout_id, payout_leaf in by_head.pop(entry_id, []):
            yield None, payout_id, payout_leaf


def _backfill(leaf_table, tile_table):
    bind = op.get_bind()
    frontier = merkle.Frontier()
    tiles = {}  # (level, index) -> the hashes of a tile not yet full
    rows, full = [], []
    for entry_id, payout_id, leaf in _leaves(bind):
        rows.append(
            {"idx": frontier.size, "entry_id": entry_id, "payout_id": payout_id, "hash": leaf}
        )
        for node in frontier.append(leaf):
            if node.tile is None:
                continue
            level, index, _position = node.tile
            content = tiles.setdefault((level, index), bytearray())
            content.extend(node.hash)
            if len(content) == merkle.TILE_WIDTH * merkle.HASH_SIZE:
                full.append({"level": level, "idx": index, "width": merkle.TILE_WIDTH,
                             "hashes": bytes(tiles.pop((level, index)))})  # fmt: skip
        if len(rows) >= BATCH:
            bind.execute(leaf_table.insert(), rows)
            rows = []
        if len(full) >= BATCH // 50:
            bind.execute(tile_table.insert(), full)
            full = []
    partial = [
        {"level": level, "idx": index, "width": len(content) // merkle.HASH_SIZE,
         "hashes": bytes(content)}
        for (level, index), content in sorted(tiles.items())
    ]  # fmt: skip
    for batch in (rows, full, partial):
        if batch:
            bind.execute((leaf_table if batch is rows else tile_table).insert(), batch)


def upgrade():
    leaves = op.create_table(
        "log_leaf",
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("payout_id", sa.Integer(), nullable=True),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.CheckConstraint(
            "(entry_id IS NULL) <> (payout_id IS NULL)", name=op.f("ck_log_leaf_one_row")
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["ledger_entry.id"], name=op.f("fk_log_leaf_entry_id_ledger_entry")
        ),
        sa.ForeignKeyConstraint(
            ["payout_id"], ["payout.id"], name=op.f("fk_log_leaf_payout_id_payout")
        ),
        sa.PrimaryKeyConstraint("idx", name=op.f("pk_log_leaf")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_log_leaf_entry_id")),
        sa.UniqueConstraint("payout_id", name=op.f("uq_log_leaf_payout_id")),
    )
    tiles = op.create_table(
        "log_tile",
        sa.Column("level", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("hashes", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint("width BETWEEN 1 AND 256", name=op.f("ck_log_tile_width")),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_log_tile")),
    )
    op.create_table(
        "log_checkpoint",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_log_checkpoint")),
    )
    op.create_table(
        "log_witness",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("verifier_key", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_witness")),
        sa.UniqueConstraint("verifier_key", name=op.f("uq_log_witness_verifier_key")),
    )
    op.create_table(
        "log_cosignature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checkpoint_size", sa.BigInteger(), nullable=False),
        sa.Column("witness_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkpoint_size"],
            ["log_checkpoint.size"],
            name=op.f("fk_log_cosignature_checkpoint_size_log_checkpoint"),
        ),
        sa.ForeignKeyConstraint(
            ["witness_id"],
            ["log_witness.id"],
            name=op.f("fk_log_cosignature_witness_id_log_witness"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_cosignature")),
        sa.UniqueConstraint(
            "checkpoint_size",
            "witness_id",
            name=op.f("uq_log_cosignature_checkpoint_size_witness_id"),
        ),
    )
    op.create_index(
        op.f("ix_log_cosignature_witness_id"), "log_cosignature", ["witness_id"], unique=False
    )
    _backfill(leaves, tiles)


def downgrade():
    op.drop_index(op.f("ix_log_cosignature_witness_id"), table_name="log_cosignature")
    op.drop_table("log_cosignature")
    op.drop_table("log_witness")
    op.drop_table("log_checkpoint")
    op.drop_table("log_tile")
    op.drop_table("log_leaf")
