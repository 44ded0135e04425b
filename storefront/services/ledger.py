"""Record donations in the append-only ledger and read its public totals."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Integer,
    LargeBinary,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased, joinedload

from storefront.domain import audit as ledger_audit
from storefront.domain import chain
from storefront.domain import payouts as payout_rules
from storefront.domain.periods import seoul_month
from storefront.domain.pricing import DonationRule
from storefront.models import (
    Cause,
    FundTopUp,
    LedgerEntry,
    LedgerSum,
    LogCheckpoint,
    LogLeaf,
    LogWitness,
    MatchingFund,
    Order,
    OrderLine,
    Payout,
    Refund,
    Venture,
)
from storefront.models.ledger import PLEDGE_KINDS
from storefront.services import funds, log
from storefront.services.pagination import Page, PageRequest, paginate

CHAIN_LOCK = 727_001  # PostgreSQL advisory lock key: one writer extends the chain at a time


def lock_chain(db: Session) -> None:
    """Wait for the other writers of the chain (and of payouts) until this transaction ends."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(select(func.pg_advisory_xact_lock(CHAIN_LOCK)))


def head_id(db: Session) -> int | None:
    """The id of the chain's last entry (under ``lock_chain``, the last one committed)."""
    return db.scalar(select(func.max(LedgerEntry.id)))


def append(db: Session, entries: list[LedgerEntry]) -> None:
    """Add entries at the end of the hash chain.

    Writers take a lock for the rest of their transaction (an advisory lock on PostgreSQL;
    SQLite transactions already begin IMMEDIATE), read the last hash, and link each entry to
    the one before, so two orders paid at once cannot both claim the same predecessor.
    """
    if not entries:
        return
    lock_chain(db)
    previous = db.scalar(select(LedgerEntry.hash).order_by(LedgerEntry.id.desc()).limit(1))
    previous = previous or chain.GENESIS
    for entry in entries:
        entry.prev_hash = previous
        entry.hash = chain.entry_hash(chain.fields_of(entry))
        previous = entry.hash
        db.add(entry)
        db.flush()  # ids in chain order
    _add_to_sums(db, entries)
    log.append(db, list(entries))


SumKey = ledger_audit.SumKey  # cause, venture, Seoul month, kind


def _sum_key(entry: LedgerEntry) -> SumKey:
    return (entry.cause_id, entry.venture_id, seoul_month(entry.created_at), entry.kind)


def fold_sums(deltas: dict[SumKey, list[int]], rows: Iterable[Mapping[str, Any]]) -> None:
    """Add entries given as mappings of their columns to ``deltas`` (amount, count per key)."""
    for row in rows:
        key = (row["cause_id"], row["venture_id"], seoul_month(row["created_at"]), row["kind"])
        delta = deltas.setdefault(key, [0, 0])
        delta[0] += row["amount"]
        delta[1] += 1


def _add_to_sums(db: Session, entries: list[LedgerEntry]) -> None:
    """Add the entries to the running totals, one upsert per total they touch."""
    deltas: dict[SumKey, list[int]] = {}
    for entry in entries:
        delta = deltas.setdefault(_sum_key(entry), [0, 0])
        delta[0] += entry.amount
        delta[1] += 1
    add_sums(db, deltas)


def add_sums(db: Session, deltas: dict[SumKey, list[int]]) -> None:
    """Add (amount, count) deltas to the running totals, one upsert per key; ``append`` does
    this for the entries it writes, and a bulk loader for the entries it copied in."""
    upsert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    for (cause_id, venture_id, month, kind), (amount, count) in sorted(deltas.items()):
        stmt = upsert(LedgerSum).values(
            cause_id=cause_id, venture_id=venture_id, month=month, kind=kind, amount=amount,
            entries=count,
        )  # fmt: skip
        db.execute(
            stmt.on_conflict_do_update(
                index_elements=["cause_id", "venture_id", "month", "kind"],
                set_={
                    "amount": LedgerSum.amount + stmt.excluded.amount,
                    "entries": LedgerSum.entries + stmt.excluded.entries,
                },
            )
        )


STREAM_BATCH = 5_000  # rows fetched at a time when reading the whole ledger


def _stream(db: Session, stmt: Select[Any]) -> Any:
    """Rows of a select fetched a batch at a time (a server-side cursor on PostgreSQL)."""
    return db.execute(stmt.execution_options(yield_per=STREAM_BATCH))


def payout_facts(db: Session) -> list[payout_rules.PayoutFacts]:
    return [
        payout_rules.PayoutFacts(*row)
        for row in db.execute(
            select(
                Payout.id, Payout.cause_id, Payout.amount, Payout.corrects_id,
                Payout.ledger_head_id, Payout.created_at,
            )
        )
    ]  # fmt: skip


@dataclass(frozen=True)
class Findings:
    """What ``audit`` found: how many entries it read, the first that breaks the chain, the
    running totals that do not match, bad payout corrections and over-payments."""

    checked: int
    first_break: int | None
    sums_that_differ: list[SumKey]
    bad_corrections: list[str]
    overpaid: list[payout_rules.Overpaid]


def audit(db: Session) -> Findings:
    """Check the whole ledger in one streamed pass over the entries in chain order: every hash
    and link, the running totals recomputed, and the payouts against what each cause was owed
    when they were recorded. Memory stays the same whatever the ledger's length.
    (``ledger_verify.audit`` does the same in parallel, in one snapshot.)"""
    payouts = payout_facts(db)
    return findings(db, payouts, ledger_audit.Audit(payouts).add_all(_entry_rows(db)))


def findings(
    db: Session, payouts: list[payout_rules.PayoutFacts], found: ledger_audit.Audit
) -> Findings:
    """What an audit of every entry found, against the running totals and payouts in ``db``."""
    sums = select(
        LedgerSum.cause_id, LedgerSum.venture_id, LedgerSum.month, LedgerSum.kind,
        LedgerSum.amount, LedgerSum.entries,
    )  # fmt: skip
    stored = {(c, v, m, k): (amount, count) for c, v, m, k, amount, count in db.execute(sums)}

    def owed(p: payout_rules.PayoutFacts) -> int:
        if p.ledger_head_id is not None:
            return found.owed_at[(p.ledger_head_id, p.cause_id)]
        return _owed_by_time(db, p.cause_id, p.created_at)  # recorded before heads were kept

    return Findings(
        found.checked,
        found.first_break,
        found.sums_that_differ(stored),
        payout_rules.bad_corrections(payouts),
        payout_rules.overpaid_given(payouts, owed),
    )


# ``created_at`` as the chain writes it (``chain.iso``), formatted by the database: parsing
# and formatting a datetime per entry in Python is a third of the cost of a verify.
CANONICAL_CREATED = {
    "postgresql": "to_char(ledger_entry.created_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'",
    # SQLAlchemy keeps a DateTime as 'YYYY-MM-DD HH:MM:SS.ffffff' text, in UTC here
    "sqlite": "replace(ledger_entry.created_at, ' ', 'T') || '+00:00'",
}
_CANONICAL_LENGTH = len("2026-01-01T00:00:00.000000+00:00")


def _entry_rows(db: Session) -> Iterator[Sequence[Any]]:
    """Every entry's ``audit.COLUMNS`` in id order, straight from the driver (a million rows
    cost a third of what SQLAlchemy's rows and type conversions would), ``created_at`` as
    ``chain.iso`` text (``CANONICAL_CREATED``)."""
    raw: Any = db.connection().connection.driver_connection  # in the session's transaction
    return entry_rows(raw, db.get_bind().dialect)


def entry_rows(
    raw: Any, dialect: Any, after: int | None = None, upto: int | None = None
) -> Iterator[Sequence[Any]]:
    """``_entry_rows`` through a driver connection, of the entries after ``after`` up to
    ``upto`` (ids) when given."""
    columns: list[Any] = [getattr(LedgerEntry, name) for name in ledger_audit.COLUMNS]
    columns[1] = literal_column(CANONICAL_CREATED[dialect.name])
    stmt = select(*columns).order_by(LedgerEntry.id)
    if after is not None:
        stmt = stmt.where(LedgerEntry.id > after)
    if upto is not None:
        stmt = stmt.where(LedgerEntry.id <= upto)
    sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    if dialect.name == "postgresql":
        cursor = raw.cursor(name="ledger_audit")  # server-side: a batch in memory at a time
        cursor.itersize = STREAM_BATCH
    else:
        cursor = raw.cursor()  # SQLite steps through the rows as they are read
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(STREAM_BATCH):
            for row in batch:
                if len(row[1]) == _CANONICAL_LENGTH:
                    yield row
                else:  # text written without microseconds (not by SQLAlchemy), or odd years
                    yield (row[0], _reformat(row[1]), *row[2:])
    finally:
        cursor.close()


def _reformat(created: str) -> str:
    moment = datetime.fromisoformat(created)
    return chain.iso(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _owed_by_time(db: Session, cause_id: int, moment: datetime) -> int:
    """A cause's net pledges in the entries made up to a moment."""
    net = select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.cause_id == cause_id, LedgerEntry.created_at <= moment
    )
    return int(db.scalar(net) or 0)


def sums_that_differ(db: Session) -> list[SumKey]:
    """The running totals that do not match the entries (recomputed here), in key order."""
    return audit(db).sums_that_differ


def verify(db: Session) -> tuple[int, int | None]:
    """Recompute the chain; return how many entries were checked and the first broken id."""
    found = audit(db)
    return found.checked, found.first_break


def payout_problems(db: Session) -> tuple[list[str], list[payout_rules.Overpaid]]:
    """Corrections that do not cancel exactly one payout, and payouts that paid a cause more
    than it was owed when they were recorded (``domain.payouts``)."""
    found = audit(db)
    return found.bad_corrections, found.overpaid


def record_order(db: Session, order: Order, now: datetime) -> list[LedgerEntry]:
    """Add the donation and match entries a paid order pledges, and the shopper's gift.
    Never edits an entry.

    The match is what the line's fund gave when the order was paid (``funds.draw``); when
    the fund gave less than the line was promised, the entry's rule says so. The gift is one
    entry of kind ``gift`` on the order's first line (its venture and cause); no fund
    matches it.
    """
    entries = []
    for line in order.lines:
        rule = DonationRule(line.giving_rate_bp, line.match_rate_bp).describe()
        if line.donation_amount > 0:
            entries.append(_entry(order, line, "donation", line.donation_amount, rule, now))
        if line.match_amount > 0:
            match_rule = rule
            if line.match_amount < line.match_wanted:
                match_rule += f"; fund gave {line.match_amount} of {line.match_wanted}"
            entry = _entry(order, line, "match", line.match_amount, match_rule, now)
            entry.fund_id = line.fund_id
            entries.append(entry)
    if order.gift_amount > 0 and order.lines:
        gift = _entry(order, order.lines[0], "gift", order.gift_amount, GIFT_RULE, now)
        entries.append(gift)
    append(db, entries)
    return entries


GIFT_RULE = "shopper's gift at checkout"


def _entry(
    order: Order, line: OrderLine, kind: str, amount: int, rule: str, now: datetime
) -> LedgerEntry:
    return LedgerEntry(
        created_at=now,
        kind=kind,
        amount=amount,
        currency=order.currency,
        order_id=order.id,
        order_line_id=line.id,
        venture_id=line.venture_id,
        cause_id=line.cause_id,
        rule=rule,
    )


def _open_pledges(
    db: Session, where: Any, kinds: Sequence[str] = PLEDGE_KINDS
) -> list[tuple[LedgerEntry, int]]:
    """Pledges (donation, match and gift entries, or ``kinds``) with what is left of each
    after its reversals."""
    originals = db.scalars(
        select(LedgerEntry).where(where, LedgerEntry.kind.in_(kinds)).order_by(LedgerEntry.id)
    ).all()
    reversed_ = dict(
        db.execute(
            select(LedgerEntry.reverses_id, func.sum(LedgerEntry.amount))
            .where(LedgerEntry.reverses_id.in_([e.id for e in originals]))
            .group_by(LedgerEntry.reverses_id)
        ).all()
    )
    return [(e, e.amount + int(reversed_.get(e.id, 0))) for e in originals]


def _reversal(
    entry: LedgerEntry, amount: int, refund: Refund, why: str, now: datetime
) -> LedgerEntry:
    return LedgerEntry(
        created_at=now,
        kind=f"{entry.kind}_reversal",
        amount=-amount,
        currency=entry.currency,
        order_id=entry.order_id,
        order_line_id=entry.order_line_id,
        venture_id=entry.venture_id,
        cause_id=entry.cause_id,
        rule=f"reverses entry {entry.id}: {why}",
        reverses_id=entry.id,
        refund_id=refund.id,
        fund_id=entry.fund_id,
    )


def reverse_line(db: Session, line: OrderLine, refund: Refund, now: datetime) -> list[LedgerEntry]:
    """Add entries that cancel what is left of a refunded line's donation and match.

    Each reversal names the entry it corrects and carries what is left of its amount (after
    any earlier partial refund) negated, so the line's net pledge falls to exactly zero.
    Matches go back to their funds. The shopper's gift, written on the order's first line,
    stays: a cancelled line refunds its goods, not the gift (unless it was the order's last
    line: see ``reverse_gift``). Never edits an entry.
    """
    open_ = _open_pledges(db, LedgerEntry.order_line_id == line.id, ("donation", "match"))
    reversals = [
        _reversal(entry, left, refund, "line cancelled and refunded", now)
        for entry, left in open_
        if left > 0
    ]
    append(db, reversals)
    funds.give_back(db, reversals)
    return reversals


def reverse_line_share(
    db: Session, line: OrderLine, refund: Refund, line_value: int, now: datetime
) -> list[LedgerEntry]:
    """Reverse the share of one line's pledges that a refund of part of its value gives back.

    Like ``reverse_share`` but for one line: a refund of ``r`` of the line's ``line_value``
    reverses ``left x r / line_value`` of what is left of each of its donations and matches,
    rounded down (the rounding keeps the cause's pledge); a refund of the whole value
    reverses all of it. A return whose refund keeps back the return shipping keeps that
    share of the donation. Matches go back to their funds. Never edits an entry.
    """
    if refund.amount <= 0 or line_value <= 0:
        return []
    full = refund.amount >= line_value
    why = "line returned" if full else f"line returned, {refund.amount} of {line_value} refunded"
    reversals = []
    # The line's donations and matches only: a shopper's gift rides on the order's first line
    # but is not part of any line's value, and a return gives none of it back.
    pledges = _open_pledges(db, LedgerEntry.order_line_id == line.id, ("donation", "match"))
    for entry, left in pledges:
        amount = left if full else left * refund.amount // line_value
        if amount > 0:
            reversals.append(_reversal(entry, amount, refund, why, now))
    append(db, reversals)
    funds.give_back(db, reversals)
    return reversals


def reverse_gift(db: Session, order: Order, refund: Refund, now: datetime) -> list[LedgerEntry]:
    """Add entries that cancel what is left of the order's gift, when a line cancellation
    gives back the last of the order (``fulfilment.cancel_line``).

    Like ``reverse_line``: each reversal names the gift entry and carries what is left of it
    (after any earlier partial refund) negated, so the gift's net falls to exactly zero; a
    second call finds nothing left and adds nothing. No fund matched a gift, so none gets
    money back. Never edits an entry.
    """
    open_ = _open_pledges(db, LedgerEntry.order_id == order.id, ("gift",))
    reversals = [
        _reversal(entry, left, refund, "every line cancelled and refunded", now)
        for entry, left in open_
        if left > 0
    ]
    append(db, reversals)
    return reversals


def reverse_share(
    db: Session, order: Order, refund: Refund, refundable_before: int, now: datetime
) -> list[LedgerEntry]:
    """Reverse the share of an order's pledges that a refund gives back.

    A refund of ``r`` when ``b`` of the order's payment was still unrefunded reverses, from
    what is left of each donation, match and gift, ``left x r / b`` rounded down (the rounding
    keeps the cause's pledge); a refund of everything left reverses all of it, so a series
    of partial refunds that ends in a full one always ends at zero. Matches go back to
    their funds. Never edits an entry.
    """
    if refund.amount <= 0 or refundable_before <= 0:
        return []
    full = refund.amount >= refundable_before
    reversals = []
    for entry, left in _open_pledges(db, LedgerEntry.order_id == order.id):
        amount = left if full else left * refund.amount // refundable_before
        if amount > 0:
            why = "order refunded" if full else f"{refund.amount} of {refundable_before} refunded"
            reversals.append(_reversal(entry, amount, refund, why, now))
    append(db, reversals)
    funds.give_back(db, reversals)
    return reversals


def total_pledged(db: Session) -> int:
    return int(db.scalar(select(func.coalesce(func.sum(LedgerSum.amount), 0))) or 0)


@dataclass(frozen=True)
class Total:
    label: str
    key: str
    donation: int
    match: int
    gift: int = 0  # shoppers' own gifts at checkout

    @property
    def amount(self) -> int:
        return self.donation + self.match + self.gift

    @property
    def through_sales(self) -> int:
        """What the ventures' sales gave: their donations and the matches, not the gifts."""
        return self.donation + self.match


def _sum_of(kind: str) -> Any:
    """Net sum of a kind: its entries plus their reversals (which are negative)."""
    return _sum_of_kinds((kind, f"{kind}_reversal"))


def _sum_of_kinds(kinds: Sequence[str]) -> Any:
    # The kinds are written into the SQL, not bound: a statement of many sums then has no
    # parameters for the driver to convert and splice in on every execution.
    written: list[Any] = [literal_column(f"'{kind}'") for kind in kinds]
    return func.coalesce(func.sum(LedgerSum.amount).filter(LedgerSum.kind.in_(written)), 0)


def totals_by_cause(db: Session, limit: int = 100) -> list[Total]:
    return summary(db, causes=limit).by_cause


def totals_by_venture(db: Session, limit: int = 50) -> list[Total]:
    return summary(db, ventures=limit).by_venture


def totals_by_month(db: Session, limit: int = 24) -> list[Total]:
    """Totals per calendar month in Seoul time, newest first."""
    return summary(db, months=limit).by_month


@dataclass(frozen=True)
class Summary:
    """The ledger page's totals: the whole ledger's, by cause, venture and Seoul month, and
    what each cause is owed (``payouts.Balance``, by cause name)."""

    pledged: Total  # the whole ledger's net donations, matches and gifts
    paid_out: int  # every payout to a cause, corrections included
    by_cause: list[Total]
    by_venture: list[Total]
    by_month: list[Total]
    balances: list[Any]

    @property
    def total(self) -> int:
        return self.pledged.amount


def _no_text() -> Any:
    return cast(null(), String)


_ZERO = literal_column("0", BigInteger)
_NO_ID = cast(null(), Integer)


def _part(
    part: str, key_id: Any, label: Any, key: Any, sums: Sequence[Any], extra: Any
) -> Select[*tuple[Any, ...]]:
    """One grouping of ``summary``'s union, its columns named alike in every member."""
    names = ("donation", "match", "gift", "pledged", "reversed")
    return select(
        literal_column(f"'{part}'").label("part"), key_id.label("key_id"), label.label("label"),
        key.label("key"), *(s.label(n) for s, n in zip(sums, names, strict=True)),
        extra.label("extra"),
    )  # fmt: skip


@cache
def _summary_query() -> Select[*tuple[Any, ...]]:
    """Four groupings in one UNION ALL, each row tagged with its part: every cause (all of
    them: the balances list any cause that was pledged or paid), the payouts per cause, and
    the most giving ventures and the latest months (limits ``:ventures`` and ``:months``).

    Built once per process: building a statement this size costs more CPU than running it.
    """
    sums = (
        _sum_of("donation"),
        _sum_of("match"),
        _sum_of("gift"),
        _sum_of_kinds(PLEDGE_KINDS),
        _sum_of_kinds(REVERSAL_KINDS),
    )
    no_sums = [_ZERO for _ in sums]
    by_cause = (
        _part("cause", Cause.id, Cause.name, Cause.slug, sums, func.count(LedgerSum.id))
        .outerjoin(LedgerSum, LedgerSum.cause_id == Cause.id)
        .group_by(Cause.id, Cause.name, Cause.slug)
    )
    paid = _part(
        "paid", Payout.cause_id, _no_text(), _no_text(), no_sums, func.sum(Payout.amount)
    ).group_by(Payout.cause_id)
    by_venture = (
        _part("venture", Venture.id, Venture.name, Venture.slug, sums, _ZERO)
        .join(LedgerSum, LedgerSum.venture_id == Venture.id)
        .group_by(Venture.id, Venture.name, Venture.slug)
        .order_by(func.sum(LedgerSum.amount).desc(), Venture.name)
        .limit(bindparam("ventures", type_=Integer))
    )
    month = LedgerSum.month
    by_month = (
        _part("month", _NO_ID, month, month, sums, _ZERO)
        .group_by(month)
        .order_by(month.desc())
        .limit(bindparam("months", type_=Integer))
    )
    # SQLite takes no ORDER BY or LIMIT in a member of a UNION: those two are subqueries.
    parts = union_all(
        by_cause, paid, select(by_venture.subquery()), select(by_month.subquery())
    ).subquery()
    return select(parts).order_by(parts.c.part, parts.c.label)


def summary(db: Session, causes: int = 100, ventures: int = 50, months: int = 24) -> Summary:
    """Every total the ledger page shows, from the running totals and the payouts in one
    statement (``_summary_query``); the ``ventures`` ventures and the ``months`` Seoul months
    that gave most and last, and the ``causes`` causes that gave most.

    Causes come by name, as the balances list them; the totals by cause and venture are then
    ranked by amount (ties by name), the months newest first. The whole ledger's total is the
    causes' sum: every entry names a cause.
    """
    from storefront.services import payouts  # it reads the ledger through this module

    rows = db.execute(_summary_query(), {"ventures": ventures, "months": months}).all()
    totals: dict[str, list[Total]] = {"cause": [], "venture": [], "month": []}
    paid_out: dict[int, int] = {}
    owed = []
    for part, key_id, label, key, donation, match, gift, pledged, reversed_, extra in rows:
        if part == "paid":
            paid_out[key_id] = int(extra)
            continue
        if part == "cause":
            owed.append((key_id, label, int(pledged), -int(reversed_)))
            if not extra:  # no running total names this cause
                continue
        totals[part].append(Total(label, key, int(donation), int(match), int(gift)))
    balances = [
        payouts.Balance(cause_id, name, pledged, reversed_, paid_out.get(cause_id, 0))
        for cause_id, name, pledged, reversed_ in owed
        if pledged or paid_out.get(cause_id, 0)
    ]
    every_cause = totals["cause"]
    return Summary(
        pledged=Total(
            "",
            "",
            sum(t.donation for t in every_cause),
            sum(t.match for t in every_cause),
            sum(t.gift for t in every_cause),
        ),
        paid_out=sum(paid_out.values()),
        by_cause=sorted(every_cause, key=lambda t: -t.amount)[:causes],
        by_venture=sorted(totals["venture"], key=lambda t: -t.amount),
        by_month=sorted(totals["month"], key=lambda t: t.key, reverse=True),
        balances=balances,
    )


REVERSAL_KINDS = tuple(f"{kind}_reversal" for kind in PLEDGE_KINDS)

# The kinds that are giving through the ventures' sales (a shopper's own gift is not).
THROUGH_SALES = ("donation", "donation_reversal", "match", "match_reversal")


def pledged_totals(db: Session) -> Total:
    """The whole ledger's net donations, matches and shoppers' gifts (one query)."""
    row = db.execute(_pledged_totals_query()).one()
    return Total("", "", int(row[0]), int(row[1]), int(row[2]))


@cache
def _pledged_totals_query() -> Select[tuple[Any, Any, Any]]:
    # Built once per process, as the other sums are: building it cost more CPU than running it.
    return select(_sum_of("donation"), _sum_of("match"), _sum_of("gift"))


def given_by_venture(db: Session, venture_id: int) -> tuple[int, int]:
    """Return what a venture's sales have pledged: its own donations, and the match on them."""
    row = db.execute(_given_by_venture_query(), {"venture_id": venture_id}).one()
    return int(row[0]), int(row[1])


@cache
def _given_by_venture_query() -> Select[tuple[Any, Any]]:
    return select(_sum_of("donation"), _sum_of("match")).where(
        LedgerSum.venture_id == bindparam("venture_id")
    )


def entries(db: Session, start: PageRequest, per_page: int = 50) -> Page[Any]:
    """Every entry, newest first, with its order number, venture and cause names, a page at a time.

    Items are tuples ``(id, created_at, kind, amount, currency, order number, venture name,
    cause name)``: the columns the page shows, not whole entries (their hashes and rules).
    """
    return paginate(db, _entries_query(), _NEWEST_FIRST, start, per_page, params={})


_NEWEST_FIRST = (LedgerEntry.id.desc(),)


@cache
def _entries_query() -> Select[*tuple[Any, ...]]:
    return (
        select(
            LedgerEntry.id,
            LedgerEntry.created_at,
            LedgerEntry.kind,
            LedgerEntry.amount,
            LedgerEntry.currency,
            Order.number,
            Venture.name,
            Cause.name,
        )
        .join(Order, Order.id == LedgerEntry.order_id)
        .join(Venture, Venture.id == LedgerEntry.venture_id)
        .join(Cause, Cause.id == LedgerEntry.cause_id)
    )


def latest_payouts(db: Session, limit: int = 20) -> list[Any]:
    """The latest payouts, newest first, as the ledger page lists them: rows with the payout's
    shown columns, ``cause_name``, and ``corrected_by``, the id of the correction that
    cancelled it (or None). One query: a payout has at most one correction."""
    return list(db.execute(_latest_payouts_query(), {"limit": limit}))


@cache
def _latest_payouts_query() -> Select[*tuple[Any, ...]]:
    correction = aliased(Payout)
    return (
        select(
            Payout.id,
            Payout.paid_on,
            Cause.name.label("cause_name"),
            Payout.amount,
            Payout.currency,
            Payout.bank_reference,
            Payout.corrects_id,
            correction.id.label("corrected_by"),
            Payout.proof_path,
            Payout.proof_sha256,
        )
        .join(Cause, Cause.id == Payout.cause_id)
        .outerjoin(correction, correction.corrects_id == Payout.id)
        .order_by(Payout.id.desc())
        .limit(bindparam("limit", type_=Integer))
    )


@dataclass(frozen=True)
class LogHead:
    """What the ledger page shows of the signed log: its latest checkpoint (``size``,
    ``root``, ``created_at``; None before the first) and the active witnesses (``name``,
    ``verifier_key``)."""

    checkpoint: Any
    witnesses: list[Any]


def log_head(db: Session) -> LogHead:
    """The signed log's latest checkpoint and active witnesses, without the checkpoint's note
    (one query: the checkpoint's row has no witness name, the witnesses' rows no size)."""
    checkpoint, witnesses = None, []
    for row in db.execute(_log_head_query()):
        if row.name is None:
            checkpoint = row
        else:
            witnesses.append(row)
    return LogHead(checkpoint, witnesses)


@cache
def _log_head_query() -> Select[*tuple[Any, ...]]:
    checkpoint = (
        select(
            LogCheckpoint.size,
            LogCheckpoint.root,
            LogCheckpoint.created_at,
            _no_text().label("name"),
            _no_text().label("verifier_key"),
            _NO_ID.label("witness_id"),
        )
        .order_by(LogCheckpoint.size.desc())
        .limit(1)
    )
    witnesses = select(
        cast(null(), BigInteger),
        cast(null(), LargeBinary),
        cast(null(), DateTime(timezone=True)),
        LogWitness.name,
        LogWitness.verifier_key,
        LogWitness.id,
    ).where(LogWitness.active.is_(True))
    # SQLite takes no ORDER BY or LIMIT in a member of a UNION: the checkpoint's is a subquery.
    both = union_all(select(checkpoint.subquery()), witnesses).subquery()
    return select(both).order_by(both.c.witness_id)


def order_entries(db: Session, order_id: int) -> list[LedgerEntry]:
    """An order's entries in chain order, with their venture and cause loaded (one query)."""
    return list(
        db.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.order_id == order_id)
            .order_by(LedgerEntry.id)
            .options(joinedload(LedgerEntry.venture), joinedload(LedgerEntry.cause))
        )
    )


EXPORT_FORMAT = "sangsaeng-ledger-5"  # -4 had no leaf indexes and no log


def export_extras(db: Session) -> dict[str, Any]:
    """What the export carries beside the entries, so a reader can check balances too:
    causes, refunds, matching funds with their top-ups, and payouts."""
    causes = [
        {"id": c.id, "name": c.name, "registration": c.registration}
        for c in db.scalars(select(Cause).order_by(Cause.id))
    ]
    refunds = [
        {
            "id": r.id, "order_id": r.order_id, "order_total": total, "amount": r.amount,
            "currency": r.currency, "reason": r.reason, "created_at": chain.iso(r.created_at),
        }
        for r, total in db.execute(
            select(Refund, Order.total).join(Order, Order.id == Refund.order_id).order_by(Refund.id)
        )
    ]  # fmt: skip
    top_ups: dict[int, list[dict[str, Any]]] = {}
    for t in db.scalars(select(FundTopUp).order_by(FundTopUp.id)):
        top_ups.setdefault(t.fund_id, []).append(
            {"id": t.id, "amount": t.amount, "created_at": chain.iso(t.created_at)}
        )
    funds_out = [
        {
            "id": f.id, "name": f.name, "sponsor": f.sponsor, "currency": f.currency,
            "rate_bp": f.rate_bp, "cap_per_order": f.cap_per_order, "remaining": f.remaining,
            "top_ups": top_ups.get(f.id, []),
        }
        for f in db.scalars(select(MatchingFund).order_by(MatchingFund.id))
    ]  # fmt: skip
    payouts = [
        {
            "id": d.id, "cause_id": d.cause_id, "amount": d.amount, "currency": d.currency,
            "paid_on": d.paid_on.isoformat(), "bank_reference": d.bank_reference,
            "proof_sha256": d.proof_sha256, "corrects_id": d.corrects_id,
            "ledger_head_id": d.ledger_head_id, "created_at": chain.iso(d.created_at),
            "leaf_index": leaf_index,
        }
        for d, leaf_index in db.execute(
            select(Payout, LogLeaf.idx)
            .outerjoin(LogLeaf, LogLeaf.payout_id == Payout.id)
            .order_by(Payout.id)
        )
    ]  # fmt: skip
    return {"causes": causes, "refunds": refunds, "funds": funds_out, "payouts": payouts}


def export_rows(db: Session) -> Iterator[dict[str, Any]]:
    """Every entry as the public export shows it: id, the hashed fields, the hash, and its
    leaf index in the log.

    A generator over a streamed select: a batch of rows in memory at a time, however long
    the ledger."""
    shown = ("id", *chain.FIELDS, *chain.OPTIONAL, "hash")
    columns = [*(getattr(LedgerEntry, name) for name in shown), LogLeaf.idx]
    stmt = (
        select(*columns)
        .outerjoin(LogLeaf, LogLeaf.entry_id == LedgerEntry.id)
        .order_by(LedgerEntry.id)
    )
    names = (*shown, "leaf_index")
    for row in _stream(db, stmt):
        out = dict(zip(names, row, strict=True))
        out["created_at"] = chain.iso(out["created_at"])
        yield out
