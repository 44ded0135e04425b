"""The one-pass ledger check: the fast encoder writes exactly ``chain.canonical``'s bytes, and
the audit finds what the older whole-list functions found."""

import bisect
import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from storefront.domain import audit, chain, payouts
from storefront.domain.audit import COLUMNS, Audit
from storefront.domain.periods import seoul_month

ids = st.none() | st.integers(min_value=-(2**70), max_value=2**70)
texts = st.text()  # quotes, backslashes, controls, Hangul, astral planes
moments = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)
fields = st.fixed_dictionaries(
    {name: texts for name in ("kind", "currency", "rule", "prev_hash")}
    | {
        name: ids
        for name in chain.ROW
        if name not in ("created_at", "kind", "currency", "rule", "prev_hash")
    }
    | {"created_at": moments | texts}
)


@settings(max_examples=500)
@given(fields)
def test_canonical_row_writes_the_bytes_canonical_writes(entry):
    assert chain.canonical_row(*[entry[name] for name in chain.ROW]) == chain.canonical(entry)


@settings(max_examples=500)
@given(fields, st.tuples(*[st.integers()] * 5))
def test_canonical_row_writes_canonicals_bytes_for_rows_of_the_usual_types(entry, numbers):
    names = ("amount", "cause_id", "order_id", "order_line_id", "venture_id")
    entry.update(zip(names, numbers, strict=True))
    assert chain.canonical_row(*[entry[name] for name in chain.ROW]) == chain.canonical(entry)


def test_canonical_row_matches_canonical_on_values_json_writes_its_own_way():
    entry = dict.fromkeys(chain.ROW, None)
    entry.update(created_at="x", amount=True, cause_id=1.5, rule='\u2028"\\\x00', fund_id=False)
    assert chain.canonical_row(*[entry[name] for name in chain.ROW]) == chain.canonical(entry)


START = datetime(2026, 1, 31, 14, 0, tzinfo=UTC)  # an hour before February in Seoul


def ledger_rows(steps, cause_of=lambda n: 1 + n % 2):
    """A valid chain whose entries are ``steps`` hours apart (crossing Seoul months)."""
    rows, previous, moment = [], chain.GENESIS, START
    for n, step in enumerate(steps, 1):
        moment += timedelta(hours=step)
        entry = {
            "id": n, "created_at": moment, "kind": "donation", "amount": 100 * n, "currency": "KRW",
            "order_id": n, "order_line_id": n, "venture_id": 7, "cause_id": cause_of(n),
            "rule": "5%", "reverses_id": None, "refund_id": None, "fund_id": None,
            "prev_hash": previous,
        }  # fmt: skip
        entry["hash"] = previous = chain.entry_hash(entry)
        rows.append(entry)
    return rows


def run(rows, payout_rows=()):
    return Audit(payout_rows).add_all([tuple(row[c] for c in COLUMNS) for row in rows])


@given(st.lists(st.integers(min_value=0, max_value=24 * 40), max_size=40))
def test_the_running_totals_are_those_of_seoul_months(steps):
    rows = ledger_rows(steps)
    expected = {}
    for row in rows:
        key = (row["cause_id"], 7, seoul_month(row["created_at"]), "donation")
        amount, count = expected.get(key, (0, 0))
        expected[key] = (amount + row["amount"], count + 1)
    audit = run(rows)
    assert audit.sums_that_differ(expected) == []
    assert audit.checked == len(rows) and audit.first_break is None


def test_the_audit_names_the_first_edited_or_unlinked_entry_and_a_wrong_total():
    rows = ledger_rows([1] * 5)
    rows[2]["amount"] += 1
    assert run(rows).first_break == 3
    rows = ledger_rows([1] * 5)
    del rows[1]
    assert (run(rows).checked, run(rows).first_break) == (4, 3)
    audit = run(ledger_rows([1] * 3))
    stored = {k: (v[0], v[1]) for k, v in audit.sums.items()}
    key = next(iter(stored))
    stored[key] = (stored[key][0] + 1, stored[key][1])
    assert audit.sums_that_differ(stored) == [key]


@given(
    st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=30),
    st.lists(
        st.tuples(st.integers(1, 2), st.integers(1, 900), st.none() | st.integers(0, 32)),
        max_size=8,
    ),
)
def test_owed_at_each_head_is_what_the_whole_list_rule_finds(steps, paid):
    rows = ledger_rows(steps)
    facts = [
        payouts.PayoutFacts(n, cause, amount, None, head, START)
        for n, (cause, amount, head) in enumerate(paid, 1)
        if head is not None
    ]
    audit = run(rows, facts)
    entries = [
        payouts.EntryFacts(r["id"], r["cause_id"], r["amount"], r["created_at"]) for r in rows
    ]

    def owed(p):
        return audit.owed_at[(p.ledger_head_id, p.cause_id)]

    assert payouts.overpaid_given(facts, owed) == payouts.overpaid(entries, facts)


def damaged(steps, heads, damage, where):
    """The ledger's rows with one entry edited or deleted (or none), and payouts at ``heads``."""
    rows = ledger_rows(steps)
    if damage == "edit":
        rows[where % len(rows)]["amount"] += 1
    elif damage == "delete":
        del rows[where % len(rows)]
    facts = [
        payouts.PayoutFacts(n, cause, 1, None, head, START)
        for n, (cause, head) in enumerate(heads, 1)
    ]
    return rows, facts


@given(
    st.lists(st.integers(min_value=0, max_value=24 * 20), min_size=1, max_size=30),
    st.lists(st.integers(0, 31), max_size=3),  # where the ranges are cut (ids)
    st.lists(st.tuples(st.integers(1, 2), st.integers(0, 32)), max_size=6),  # payout heads
    st.sampled_from([None, "edit", "delete"]),
    st.integers(0, 29),
)
def test_audits_of_consecutive_ranges_join_into_the_audit_of_the_whole(
    steps, cuts, heads, damage, where
):
    rows, facts = damaged(steps, heads, damage, where)
    whole = run(rows, facts)
    bounds = [-1, *sorted(set(cuts)), None]
    parts = []
    for k, (after, upto) in enumerate(itertools.pairwise(bounds)):
        mine = [
            p for p in facts
            if (k == 0 or p.ledger_head_id > after)
            and (upto is None or p.ledger_head_id <= upto)
        ]  # fmt: skip
        part = Audit(mine, previous=chain.GENESIS if k == 0 else None)
        span = [r for r in rows if r["id"] > after and (upto is None or r["id"] <= upto)]
        parts.append(part.add_all([tuple(row[c] for c in COLUMNS) for row in span]))
    joined = audit.joined(parts)
    assert (joined.checked, joined.first_break) == (whole.checked, whole.first_break)
    assert joined.sums == whole.sums
    assert joined.owed_at == whole.owed_at


@given(
    st.lists(st.integers(min_value=0, max_value=24 * 40), min_size=2, max_size=30),
    st.lists(st.tuples(st.integers(1, 2), st.integers(0, 32)), max_size=6),  # payout heads
    st.sampled_from([None, "edit", "delete"]),
    st.integers(0, 29),
)
def test_sums_grouped_by_month_and_head_buckets_make_the_audit_of_the_whole(
    steps, heads, damage, where
):
    """What PostgreSQL's grouped pass returns (``width_bucket``: how many bounds are at or
    before a value) makes the same audit as the pass over every entry."""
    rows, facts = damaged(steps, heads, damage, where)
    whole = run(rows, facts)
    starts = audit.month_starts(rows[0]["created_at"], rows[-1]["created_at"])
    after = [head + 1 for head in audit.head_bounds(facts)]
    sums, net = {}, {}
    for row in rows:
        month = bisect.bisect_right(starts, row["created_at"])
        assert 0 < month < len(starts)
        key = (row["cause_id"], 7, seoul_month(starts[month - 1]), "donation")
        total = sums.setdefault(key, [0, 0])
        total[0] += row["amount"]
        total[1] += 1
        bucket = (row["cause_id"], bisect.bisect_right(after, row["id"]))
        net[bucket] = net.get(bucket, 0) + row["amount"]
    grouped = audit.grouped(facts, len(rows), whole.first_break, sums, net)
    assert grouped.sums == whole.sums
    assert grouped.owed_at == whole.owed_at
    assert (grouped.checked, grouped.first_break) == (whole.checked, whole.first_break)


def test_month_starts_are_seoul_midnights_on_the_first():
    first = datetime(2026, 1, 31, 15, 0, tzinfo=UTC)  # 1 February, midnight in Seoul
    starts = audit.month_starts(first, datetime(2026, 3, 31, 14, 59, 59, 999_999, tzinfo=UTC))
    assert [s.astimezone(UTC) for s in starts] == [
        datetime(2026, 1, 31, 15, tzinfo=UTC),
        datetime(2026, 2, 28, 15, tzinfo=UTC),
        datetime(2026, 3, 31, 15, tzinfo=UTC),
    ]
    assert [seoul_month(s) for s in starts] == ["2026-02", "2026-03", "2026-04"]
