"""The ledger's integrity in the database itself, on SQLite and PostgreSQL."""

import itertools
import json
import re

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from storefront.domain.chain import GENESIS, entry_hash
from storefront.models import LedgerEntry
from storefront.services import ledger
from tests.factories import Line, make_paid_order
from tests.helpers import run_third_party_script


@pytest.fixture
def history(session, shop):
    for n in range(3):
        make_paid_order(session, shop.venture, [Line(shop.product, quantity=n + 1)])
    session.commit()
    return session.scalars(text("SELECT id FROM ledger_entry ORDER BY id")).all()


def test_every_entry_links_to_the_one_before(session, shop, history):
    entries = session.query(LedgerEntry).order_by(LedgerEntry.id).all()
    assert len(entries) == 6
    assert entries[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.hash
    fields = {name: getattr(entries[2], name) for name in ("created_at", "kind", "amount",
              "currency", "order_id", "order_line_id", "venture_id", "cause_id", "rule",
              "reverses_id", "refund_id", "prev_hash")}  # fmt: skip
    assert entries[2].hash == entry_hash(fields)
    assert ledger.verify(session) == (6, None)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE ledger_entry SET amount = 1", "DELETE FROM ledger_entry"],
)
def test_the_database_refuses_to_change_or_delete_entries(session, shop, history, statement):
    with pytest.raises(DatabaseError, match="append-only"):
        session.execute(text(statement))
    session.rollback()
    assert session.query(LedgerEntry).count() == 6


def tamper(session, sql):
    """Change a row behind the app's back, with the triggers out of the way; an entry deleted
    takes its log leaf with it (the leaf's foreign key would refuse the delete)."""
    deleted = re.fullmatch(r"DELETE FROM ledger_entry WHERE id = (\d+)", sql)
    if deleted:
        session.execute(text(f"DELETE FROM log_leaf WHERE entry_id = {deleted[1]}"))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_append_only"))
        session.execute(text(sql))
        session.execute(text("ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_append_only"))
    else:
        session.execute(text("DROP TRIGGER ledger_entry_no_update"))
        session.execute(text("DROP TRIGGER ledger_entry_no_delete"))
        session.execute(text(sql))
    session.commit()


def test_verify_names_the_entry_changed_behind_the_apps_back(app, session, shop, history):
    third = history[2]
    tamper(session, f"UPDATE ledger_entry SET amount = amount + 1000 WHERE id = {third}")
    assert ledger.verify(session) == (6, third)
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 1 and f"Ledger entry {third} does not match" in result.output


def test_verify_notices_a_deleted_entry(app, session, shop, history):
    tamper(session, f"DELETE FROM ledger_entry WHERE id = {history[1]}")
    assert ledger.verify(session)[1] == history[2]  # the next entry's link is broken


def test_verify_passes_on_an_untouched_ledger(app, session, shop, history):
    result = app.test_cli_runner().invoke(args=["ledger", "verify"])
    assert result.exit_code == 0 and "6 entries" in result.output


def test_the_public_export_is_re_verified_by_the_documented_script(
    client, session, shop, history, tmp_path
):
    from datetime import date

    from storefront.models import Order, Refund, utcnow
    from storefront.services import payouts

    # a refund of a third of the first order and a payout to the cause, beside the entries
    first = session.query(Order).order_by(Order.id).first()
    refund = Refund(order_id=first.id, amount=first.total // 3, currency="KRW", reason="operator")
    session.add(refund)
    session.flush()
    ledger.reverse_share(session, first, refund, first.total, utcnow())
    payouts.record(
        session, shop.cause.id, 2000, date(2026, 11, 2), "KB-7", "", None, tmp_path, None,
        "KRW", utcnow(),
    )  # fmt: skip
    session.commit()
    response = client.get("/ledger/export.json")
    assert response.status_code == 200 and response.json["format"] == "sangsaeng-ledger-5"
    assert [d["amount"] for d in response.json["payouts"]] == [2000]
    assert response.json["refunds"][0]["order_total"] == first.total
    result = run_third_party_script(tmp_path, response.get_data())
    assert result.returncode == 0, result.stderr
    # 750 + 1500 + 2250 given and matched 1:1, a third of the first order's 750 + 750 reversed
    assert result.stdout.startswith("8 entries check; donations 4250, matches 4250")
    assert "징검다리재단: pledged 9000, reversed 500, paid out 2000, outstanding 6500" in (
        result.stdout
    )
    export = response.json
    fund = next(f for f in export["funds"] if f["top_ups"])
    fund["remaining"] += 1
    off = run_third_party_script(tmp_path, json.dumps(export).encode())
    assert off.returncode != 0 and f"fund {fund['id']} should have" in off.stderr
    # the same script catches an export someone has edited
    edited = client.get("/ledger/export.json").json
    edited["entries"][3]["amount"] += 100
    tampered = run_third_party_script(tmp_path, json.dumps(edited).encode())
    assert tampered.returncode != 0 and f"entry {edited['entries'][3]['id']}" in tampered.stderr


def test_the_csv_export_and_an_orders_public_ledger_page(client, session, shop, history):
    body = client.get("/ledger/export.csv").get_data().decode("utf-8-sig")
    assert body.splitlines()[0].startswith("id,created_at,kind,amount")
    assert len(body.splitlines()) == 7
    from storefront.models import Order

    order = session.query(Order).order_by(Order.id).first()
    page = client.get(f"/ledger/orders/{order.number}").get_data(as_text=True)
    first = session.query(LedgerEntry).filter_by(order_id=order.id).first()
    assert first.hash[:16] in page and order.email not in page
    assert client.get("/ledger/orders/SS-NOPE").status_code == 404
