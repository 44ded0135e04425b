"""The donation ledger: append-only; a correction is a new entry."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.models.base import Base, utcnow
from storefront.models.ventures import Cause, Venture

LEDGER_KINDS = ("donation", "match", "donation_reversal", "match_reversal", "gift", "gift_reversal")
PLEDGE_KINDS = ("donation", "match", "gift")  # each reversed by its "<kind>_reversal"


class LedgerEntry(Base):
    """One amount pledged to a cause (the venture's share, a sponsor's match, or the shopper's
    own gift at checkout), or the reversal of one when an order is refunded. Entries are only
    ever added. A gift is written against the order's first line (its venture and cause)."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in LEDGER_KINDS) + ")", name="kind"),
        CheckConstraint(
            "(kind IN ('donation', 'match', 'gift') AND amount > 0 AND reverses_id IS NULL)"
            " OR (kind IN ('donation_reversal', 'match_reversal', 'gift_reversal') AND amount < 0"
            " AND reverses_id IS NOT NULL)",
            name="sign_follows_kind",
        ),
        Index("ix_ledger_entry_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id"), index=True)
    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"), index=True)
    cause_id: Mapped[int] = mapped_column(ForeignKey("cause.id"), index=True)
    rule: Mapped[str] = mapped_column(String(200))
    # A reversal names the entry it corrects and carries its amount negated (or a share of it).
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    refund_id: Mapped[int | None] = mapped_column(ForeignKey("refund.id"))
    # The matching fund a match (or its reversal) was drawn from; hashed only when set.
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("matching_fund.id"), index=True)
    # The hash chain: the previous entry's hash, and this entry's (see domain/chain.py).
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="", index=True)

    venture: Mapped[Venture] = relationship(lazy="raise")
    cause: Mapped[Cause] = relationship(lazy="raise")


class Payout(Base):
    """Money paid out to a cause, with the bank's reference and the receipt the cause sent.

    Only ever added: a payout recorded wrongly is corrected by a new entry with a negative
    amount that names it (one correction per payout). ``ledger_head_id`` is the last ledger
    entry when the payout was recorded, so a verifier can tell what the cause was owed then;
    ``idempotency_key`` is the one-time key of the form that recorded it.
    """

    __tablename__ = "payout"
    __table_args__ = (
        CheckConstraint(
            "(amount > 0 AND corrects_id IS NULL) OR (amount < 0 AND corrects_id IS NOT NULL)",
            name="sign_follows_correction",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cause_id: Mapped[int] = mapped_column(ForeignKey("cause.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    paid_on: Mapped[date]
    bank_reference: Mapped[str] = mapped_column(String(80))
    note: Mapped[str] = mapped_column(String(500), default="")
    proof_path: Mapped[str | None] = mapped_column(String(255))
    proof_name: Mapped[str] = mapped_column(String(255), default="")
    proof_sha256: Mapped[str] = mapped_column(String(64), default="")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("payout.id"), unique=True)
    ledger_head_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cause: Mapped[Cause] = relationship(lazy="joined")


class LedgerSum(Base):
    """Running totals of the ledger per cause, venture, Seoul month and kind, kept by
    ``services.ledger.append`` in the same transaction as the entries, so the public pages
    read a few hundred rows instead of summing every entry. Derived data: ``flask ledger
    verify`` recomputes it from the entries and names any row that does not match."""

    __tablename__ = "ledger_sum"
    __table_args__ = (UniqueConstraint("cause_id", "venture_id", "month", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cause_id: Mapped[int] = mapped_column(ForeignKey("cause.id"))
    venture_id: Mapped[int] = mapped_column(ForeignKey("venture.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM in Seoul time
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    entries: Mapped[int]
