"""The donation log: a Merkle tree over every ledger entry and payout (docs/ledger.md,
"The log"), its stored subtree hashes as tiles, the checkpoints the shop signed and the
witnesses that cosign them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storefront.models.base import Base, utcnow


class LogLeaf(Base):
    """Leaf ``idx`` of the log: one ledger entry or one payout, and its RFC 9162 leaf hash."""

    __tablename__ = "log_leaf"
    __table_args__ = (CheckConstraint("(entry_id IS NULL) <> (payout_id IS NULL)", name="one_row"),)

    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("payout.id"), unique=True)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LogTile(Base):
    """A C2SP tlog-tiles hash tile: ``width`` (1 to 256) hashes of subtrees of height
    ``8 * level``; a partial tile is overwritten as it grows, a full one never changes."""

    __tablename__ = "log_tile"
    __table_args__ = (CheckConstraint("width BETWEEN 1 AND 256", name="width"),)

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    width: Mapped[int] = mapped_column(Integer)
    hashes: Mapped[bytes] = mapped_column(LargeBinary)


class LogCheckpoint(Base):
    """A checkpoint the shop signed: the tree's size and root, and the whole signed note."""

    __tablename__ = "log_checkpoint"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LogWitness(Base):
    """A witness key an operator registered: its cosignatures are accepted and served."""

    __tablename__ = "log_witness"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    verifier_key: Mapped[str] = mapped_column(Text, unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LogCosignature(Base):
    """A registered witness's cosignature line on a checkpoint, with the time it signed."""

    __tablename__ = "log_cosignature"
    __table_args__ = (UniqueConstraint("checkpoint_size", "witness_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_size: Mapped[int] = mapped_column(BigInteger, ForeignKey("log_checkpoint.size"))
    witness_id: Mapped[int] = mapped_column(ForeignKey("log_witness.id"), index=True)
    line: Mapped[str] = mapped_column(Text)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
