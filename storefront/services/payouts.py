"""Payouts to causes, and what each cause, venture and fund has pledged, given and is owed.

Balances (docs/ledger.md, "Balances"):

* pledged: the donation and match entries; reversed: their reversals (as a positive sum);
  net = pledged - reversed;
* a cause's paid out is the sum of its payouts (corrections are negative);
  outstanding = net - paid out, never shown below zero: when a refund comes after the
  money was paid out, the excess is shown as "paid ahead" and the next pledges absorb it;
* a payout to a cause settles the pledges of the ventures (and of the funds) that gave
  to it in proportion to their net pledges to that cause, shared in whole won by
  ``domain.matching.allocate`` (largest remainder), up to the cause's net.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storefront.domain.errors import PayoutRefused
from storefront.domain.matching import allocate
from storefront.domain.periods import local_today
from storefront.models import Cause, LedgerEntry, LedgerSum, MatchingFund, Payout, Venture
from storefront.models.ledger import PLEDGE_KINDS
from storefront.services import files, ledger, log
from storefront.services.images import ImageRefused, Upload, picture_bytes

MAX_PROOF_BYTES = 5 * 1024 * 1024
PLEDGES = PLEDGE_KINDS  # a cause is owed its donations, matches and shoppers' gifts
REVERSALS = tuple(f"{kind}_reversal" for kind in PLEDGE_KINDS)
VENTURE_KINDS = ("donation", "match", "donation_reversal", "match_reversal")


@dataclass(frozen=True)
class Balance:
    key: int
    label: str
    pledged: int
    reversed: int
    paid_out: int

    @property
    def net(self) -> int:
        return self.pledged - self.reversed

    @property
    def outstanding(self) -> int:
        return max(self.net - self.paid_out, 0)

    @property
    def paid_ahead(self) -> int:
        return max(self.paid_out - self.net, 0)


def _pledge_sums(
    db: Session, *group: Any, source: Any = LedgerSum, kinds: tuple[str, ...] | None = None
) -> dict[tuple[Any, ...], tuple[int, int]]:
    """(pledged, reversed) per group of columns, from the running totals (``LedgerSum``) or,
    for columns they do not keep (a match's fund), from the entries themselves."""
    pledged = func.coalesce(func.sum(source.amount).filter(source.kind.in_(PLEDGES)), 0)
    reversed_ = func.coalesce(func.sum(source.amount).filter(source.kind.in_(REVERSALS)), 0)
    stmt = select(*group, pledged, reversed_).group_by(*group)
    if kinds is not None:
        stmt = stmt.where(source.kind.in_(kinds))
    return {tuple(r[:-2]): (int(r[-2]), -int(r[-1])) for r in db.execute(stmt)}


def paid_out_by_cause(db: Session) -> dict[int, int]:
    rows = db.execute(select(Payout.cause_id, func.sum(Payout.amount)).group_by(Payout.cause_id))
    return {cause_id: int(total) for cause_id, total in rows}


@dataclass(frozen=True)
class _CauseTotals:
    """What every cause was pledged, had reversed and was paid: read once, shared by the
    cause, venture and fund balances."""

    sums: dict[tuple[Any, ...], tuple[int, int]]
    paid: dict[int, int]

    @classmethod
    def read(cls, db: Session) -> _CauseTotals:
        return cls(_pledge_sums(db, LedgerSum.cause_id), paid_out_by_cause(db))


def cause_balances(db: Session, totals: _CauseTotals | None = None) -> list[Balance]:
    totals = totals or _CauseTotals.read(db)
    causes = db.execute(select(Cause.id, Cause.name).order_by(Cause.name))
    out = []
    for cause_id, name in causes:
        pledged, reversed_ = totals.sums.get((cause_id,), (0, 0))
        paid = totals.paid.get(cause_id, 0)
        if pledged or paid:
            out.append(Balance(cause_id, name, pledged, reversed_, paid))
    return out


def _shares(
    totals: _CauseTotals, sums: dict[tuple[Any, ...], tuple[int, int]]
) -> dict[int, tuple[int, int, int]]:
    """Per key of ``sums`` (keyed by (key, cause)): pledged, reversed and its share of what
    causes were paid."""
    shares: dict[int, list[int]] = {}
    by_cause: dict[int, list[tuple[int, int]]] = {}
    for (key, cause_id), (p, r) in sums.items():
        if key is None:
            continue
        entry = shares.setdefault(key, [0, 0, 0])
        entry[0] += p
        entry[1] += r
        by_cause.setdefault(cause_id, []).append((key, max(p - r, 0)))
    for cause_id, parts in by_cause.items():
        cause_pledged, cause_reversed = totals.sums.get((cause_id,), (0, 0))
        whole = cause_pledged - cause_reversed
        settled = max(min(totals.paid.get(cause_id, 0), whole), 0)
        # Everything given to the cause (venture shares and matches) shares the payout; the
        # caller's column sees its own part of it.
        mine = sum(net for _k, net in parts)
        portion = settled * mine // whole if whole > 0 else 0  # rounded down
        for (key, _net), share in zip(
            parts, allocate(portion, [net for _k, net in parts]), strict=True
        ):
            shares[key][2] += share
    return {k: (v[0], v[1], v[2]) for k, v in shares.items()}


def _named(shares: dict[int, tuple[int, int, int]], names: dict[int, str]) -> list[Balance]:
    balances = (Balance(k, names.get(k, str(k)), *v) for k, v in shares.items())
    return sorted(balances, key=lambda b: b.label)


def venture_balances(db: Session, totals: _CauseTotals | None = None) -> list[Balance]:
    totals = totals or _CauseTotals.read(db)
    # A shopper's gift is not the venture's giving: its entry names the order's first line's
    # venture only because every entry names one (docs/ledger.md).
    sums = _pledge_sums(db, LedgerSum.venture_id, LedgerSum.cause_id, kinds=VENTURE_KINDS)
    names = dict(db.execute(select(Venture.id, Venture.name)).all())
    return _named(_shares(totals, sums), names)


def fund_balances(db: Session, totals: _CauseTotals | None = None) -> list[Balance]:
    totals = totals or _CauseTotals.read(db)
    sums = _pledge_sums(
        db, LedgerEntry.fund_id, LedgerEntry.cause_id, source=LedgerEntry,
        kinds=("match", "match_reversal"),
    )  # fmt: skip
    names = dict(db.execute(select(MatchingFund.id, MatchingFund.name)).all())
    return _named(_shares(totals, sums), names)


def balances(db: Session) -> tuple[list[Balance], list[Balance], list[Balance]]:
    """Balances per cause, venture and fund, reading the causes' totals and payouts once."""
    totals = _CauseTotals.read(db)
    return (
        cause_balances(db, totals),
        venture_balances(db, totals),
        fund_balances(db, totals),
    )


def outstanding_for(db: Session, cause_id: int) -> int:
    for balance in cause_balances(db):
        if balance.key == cause_id:
            return balance.outstanding
    return 0


@dataclass(frozen=True)
class ProofFile:
    filename: str
    stream: IO[bytes]


def _store_proof(db: Session, proof: ProofFile, root: Path) -> tuple[str, str, str]:
    """Keep a PDF as sent (checked to be one) or a picture re-encoded; return path, name, hash.

    The file goes again if the transaction rolls back (``services.files``).
    """
    head = proof.stream.read(5)
    proof.stream.seek(0)
    if head == b"%PDF-":
        data = proof.stream.read(MAX_PROOF_BYTES + 1)
        if len(data) > MAX_PROOF_BYTES:
            raise PayoutRefused("payout.proof_too_large", field="proof")
        suffix = "pdf"
    else:
        try:
            data = picture_bytes(Upload(proof.filename, proof.stream), side=2000)
        except ImageRefused:
            raise PayoutRefused("payout.proof_type", field="proof") from None
        suffix = "jpg"
    path = Path("payouts") / f"{secrets.token_hex(12)}.{suffix}"
    files.stage_write(db, root / path, data)
    name = Path(proof.filename or f"proof.{suffix}").name[:200]
    return path.as_posix(), name, hashlib.sha256(data).hexdigest()


def _recorded(db: Session, key: str | None) -> Payout | None:
    """The payout (or correction) a form with this one-time key already recorded."""
    if not key:
        return None
    return db.scalar(select(Payout).where(Payout.idempotency_key == key))


def record(
    db: Session,
    cause_id: int,
    amount: int,
    paid_on: date,
    bank_reference: str,
    note: str,
    proof: ProofFile | None,
    root: Path,
    recorded_by_id: int | None,
    currency: str,
    now: datetime,
    *,
    key: str | None = None,
) -> Payout:
    """Record a payout to a cause; never more than the cause is owed, never dated after
    today in Seoul (``paid_on`` is the Seoul day the bank paid).

    The check and the insert happen under the ledger's lock (``ledger.lock_chain``, held
    until the caller's transaction ends), so payouts recorded at once are checked one after
    the other and the row names the chain's head the check saw. A second call with the same
    one-time ``key`` returns the first payout and records nothing.
    """
    ledger.lock_chain(db)
    done = _recorded(db, key)
    if done is not None:
        return done
    cause = db.get(Cause, cause_id)
    if cause is None:
        raise PayoutRefused("payout.unknown_cause", field="cause")
    if amount <= 0:
        raise PayoutRefused("payout.amount", field="amount")
    if paid_on > local_today(now):
        raise PayoutRefused("payout.future", field="paid_on")
    head = ledger.head_id(db)
    owed = outstanding_for(db, cause_id)
    if amount > owed:
        raise PayoutRefused("payout.too_much", field="amount", owed=owed)
    path, name, digest = (None, "", "")
    if proof is not None:
        path, name, digest = _store_proof(db, proof, root)
    row = Payout(
        cause_id=cause_id,
        amount=amount,
        currency=currency,
        paid_on=paid_on,
        bank_reference=bank_reference.strip(),
        note=note.strip(),
        proof_path=path,
        proof_name=name,
        proof_sha256=digest,
        ledger_head_id=head,
        idempotency_key=key or None,
        recorded_by_id=recorded_by_id,
        created_at=now,
    )
    db.add(row)
    db.flush()
    log.append(db, [row])
    return row


def correct(
    db: Session,
    original: Payout,
    note: str,
    recorded_by_id: int | None,
    now: datetime,
    *,
    key: str | None = None,
) -> Payout:
    """Cancel a payout recorded by mistake with a new, negative entry that names it.

    Once per payout: the check runs under the ledger's lock and ``payout.corrects_id`` is
    unique. A second call with the same one-time ``key`` returns the first correction.
    """
    ledger.lock_chain(db)
    done = _recorded(db, key)
    if done is not None:
        return done
    if original.amount <= 0:
        raise PayoutRefused("payout.not_correctable")
    if not note.strip():
        raise PayoutRefused("payout.why", field="note")
    already = db.scalar(select(Payout.id).where(Payout.corrects_id == original.id))
    if already is not None:
        raise PayoutRefused("payout.already_corrected")
    row = Payout(
        cause_id=original.cause_id,
        amount=-original.amount,
        currency=original.currency,
        paid_on=local_today(now),
        bank_reference=original.bank_reference,
        note=note.strip(),
        corrects_id=original.id,
        ledger_head_id=ledger.head_id(db),
        idempotency_key=key or None,
        recorded_by_id=recorded_by_id,
        created_at=now,
    )
    db.add(row)
    db.flush()
    log.append(db, [row])
    return row


def listing(db: Session, limit: int = 200) -> list[Payout]:
    return list(db.scalars(select(Payout).order_by(Payout.id.desc()).limit(limit)))


def total_paid_out(db: Session) -> int:
    return int(db.scalar(select(func.coalesce(func.sum(Payout.amount), 0))) or 0)


def corrected_ids(db: Session, ids: list[int]) -> dict[int, int]:
    """For payouts among ``ids`` that a correction cancelled: payout id -> correction id."""
    rows = db.execute(
        select(Payout.corrects_id, Payout.id).where(Payout.corrects_id.in_(ids))
    ).all()
    return {int(original): int(correction) for original, correction in rows if original}
