"""``flask ledger verify`` on PostgreSQL has the database write, hash and link every entry and
sum the running totals and the payouts' heads (``ledger_verify.in_database``); the Python
pass stays the reference. PostgreSQL writes the canonical bytes exactly (``to_json`` escapes a
string as ``json.dumps`` does), and both passes find the same things in the same tampered
ledgers (on SQLite both are the Python pass)."""

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, select, text

from storefront.domain import chain
from storefront.models import LedgerEntry, Payout, Refund
from storefront.models.base import UTCDateTime
from storefront.services import ledger, ledger_verify
from tests.factories import Line, make_paid_order
from tests.integration.test_ledger_chain import tamper

TEXTS = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"))  # no NUL in PG
EVERY_ASCII = "".join(chr(c) for c in range(1, 128))
INT4 = st.integers(min_value=-(2**31), max_value=2**31 - 1)
ONCE = settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.postgres
@ONCE
@given(TEXTS)
@example(EVERY_ASCII)
@example('"\\/\b\f\n\r\t\x7f\u2028\u2029 é 한글 😀 \ufeff')
def test_postgresql_escapes_a_string_as_json_dumps_does(session, value):
    written = session.scalar(text("SELECT to_json(CAST(:v AS text))::text"), {"v": value})
    assert written == json.encoder.encode_basestring(value)
    assert written == json.dumps(value, ensure_ascii=False)


ENTRIES = st.fixed_dictionaries(
    {
        "created_at": st.datetimes(
            min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30),
            timezones=st.sampled_from([UTC, timezone(timedelta(hours=9))]),
        ),
        "kind": TEXTS, "currency": TEXTS, "rule": TEXTS, "prev_hash": TEXTS,
        "amount": INT4, "order_id": INT4, "order_line_id": INT4, "venture_id": INT4,
        "cause_id": INT4, "reverses_id": st.none() | INT4, "refund_id": st.none() | INT4,
        "fund_id": st.none() | INT4,
    }
)  # fmt: skip
_ROW = ", ".join(
    f"CAST(:{name} AS {'text' if name in ('kind', 'currency', 'rule', 'prev_hash') else 'integer'})"
    f" AS {name}"
    for name in chain.ROW
    if name != "created_at"
)


@pytest.mark.postgres
@ONCE
@given(ENTRIES)
def test_postgresql_writes_the_canonical_bytes_of_any_entry(session, entry):
    sql = text(
        f"SELECT convert_to({ledger_verify.canonical_sql()}, 'UTF8') FROM "
        f"(SELECT CAST(:created_at AS timestamptz) AS created_at, {_ROW}) AS ledger_entry"
    ).bindparams(bindparam("created_at", type_=UTCDateTime()))
    assert session.scalar(sql, entry) == chain.canonical(entry)


SEOUL = timezone(timedelta(hours=9))


@pytest.fixture
def ids(session, shop):
    """Entries across a Seoul month's turn (one microsecond either side of it), donations and
    matches (``fund_id``), a refund's reversals, rules in Hangul; two payouts with a chain
    head and one from before heads were kept."""
    turn = datetime(2026, 2, 1, tzinfo=SEOUL)
    for n, when in enumerate([turn - timedelta(microseconds=1), turn, turn + timedelta(days=40)]):
        make_paid_order(session, shop.venture, [Line(shop.product, quantity=n + 1)], when=when)
    order = make_paid_order(session, shop.other_venture, [Line(shop.last_one)], when=turn)
    refund = Refund(order_id=order.id, amount=order.total, currency="KRW", reason="operator")
    session.add(refund)
    session.flush()
    ledger.reverse_share(session, order, refund, order.total, turn + timedelta(days=41))
    entries = session.scalars(select(LedgerEntry.id).order_by(LedgerEntry.id)).all()
    add_payouts(session, shop, [entries[3], None, entries[7]], 100)
    session.commit()
    return entries


def add_payouts(session, shop, heads, amount):
    """A payout to the first cause at the first head and by time, to the other at the last."""
    for head, cause in zip(heads, [shop.cause, shop.cause, shop.other_cause], strict=True):
        session.add(
            Payout(
                cause_id=cause.id, amount=amount, currency="KRW", paid_on=date(2026, 3, 20),
                bank_reference=f"KB-{head}-{amount}", ledger_head_id=head,
                created_at=datetime(2026, 3, 20, tzinfo=SEOUL),
            )
        )  # fmt: skip


def both_passes(session):
    """The findings of the reference pass, after checking that every pass finds the same."""
    reference = ledger.audit(session)
    session.commit()  # (on SQLite, a session in a transaction holds the write lock)
    for jobs in (1, 2):
        assert ledger_verify.audit(session, jobs, in_python=True) == reference
        assert ledger_verify.audit(session, jobs) == reference
    return reference


def test_an_untouched_ledger_checks_on_both_passes(session, ids):
    assert len(ids) == 10
    found = both_passes(session)
    assert (found.checked, found.first_break, found.sums_that_differ) == (10, None, [])
    assert found.overpaid == [] and found.bad_corrections == []


ONE_MICROSECOND_LATER = {  # (the entry's microseconds are 0)
    "postgresql": "created_at + interval '1 microsecond'",
    "sqlite": "replace(created_at, '.000000', '.000001')",
}
NEW_HASH = "'" + "ab" * 32 + "'"


@pytest.mark.parametrize(
    ("change", "broken"),
    [
        ("amount = amount + 1 WHERE id = {3}", 3),
        ("rule = '줄\n\"바꿈\"\\ \u2028\x01' WHERE id = {2}", 2),  # escaped in JSON
        ("kind = 'match' WHERE id = {1}", 1),
        ("currency = 'USD' WHERE id = {4}", 4),
        ("created_at = {later} WHERE id = {5}", 5),
        ("fund_id = NULL WHERE fund_id IS NOT NULL AND id = {2}", 2),
        ("fund_id = (SELECT min(id) FROM matching_fund) WHERE id = {1}", 1),
        ("refund_id = NULL WHERE id = {10}", 10),
        (f"prev_hash = {NEW_HASH} WHERE id = {{6}}", 6),
        (f"hash = {NEW_HASH} WHERE id = {{6}}", 6),  # and the next entry's link
        ("hash = prev_hash WHERE id = {1}", 1),
        ("prev_hash = hash WHERE id = {7}", 7),
    ],
)
def test_both_passes_name_the_entry_changed(session, ids, change, broken):
    dialect = session.get_bind().dialect.name
    where = change.format(*[None, *ids], later=ONE_MICROSECOND_LATER[dialect])
    tamper(session, f"UPDATE ledger_entry SET {where}")
    found = both_passes(session)
    assert (found.checked, found.first_break) == (10, ids[broken - 1])


@pytest.mark.parametrize(("deleted", "broken"), [(1, 2), (3, 4), (10, None)])
def test_both_passes_notice_a_deleted_entry(session, ids, deleted, broken):
    tamper(session, f"DELETE FROM ledger_entry WHERE id = {ids[deleted - 1]}")
    found = both_passes(session)
    assert (found.checked, found.first_break) == (9, broken and ids[broken - 1])
    assert found.sums_that_differ  # the totals still count it


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE ledger_sum SET amount = amount + 1 WHERE id = (SELECT max(id) FROM ledger_sum)",
        "UPDATE ledger_sum SET entries = entries - 1 WHERE id = (SELECT min(id) FROM ledger_sum)",
        "UPDATE ledger_sum SET month = '2026-04' WHERE month = '2026-02'",
        "DELETE FROM ledger_sum WHERE month = '2026-01'",
        "INSERT INTO ledger_sum (cause_id, venture_id, month, kind, amount, entries)"
        " SELECT cause_id, venture_id, '1999-12', kind, 0, 0 FROM ledger_sum LIMIT 1",
    ],
)
def test_both_passes_name_the_same_wrong_running_totals(session, ids, change):
    session.execute(text(change))
    session.commit()
    found = both_passes(session)
    assert found.first_break is None and found.sums_that_differ


def test_both_passes_hold_payouts_to_what_was_owed_at_their_heads(session, shop, ids):
    add_payouts(session, shop, [ids[1], None, ids[9]], 10_000)
    session.commit()
    found = both_passes(session)
    paid = session.scalars(select(Payout.id).order_by(Payout.id)).all()
    assert [p.payout_id for p in found.overpaid] == paid[3:]  # at a head, by time, after refund
