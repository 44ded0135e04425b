"""The streamed exports and the one-pass ``flask ledger verify``, on SQLite and PostgreSQL: the
exports carry the bytes the whole-list versions sent, and verify still refuses each kind of
damage it refused before."""

from datetime import date, timedelta

import pytest
from flask import jsonify
from sqlalchemy import select, text

from storefront.domain import chain
from storefront.models import LedgerEntry, LedgerSum, Payout, utcnow
from storefront.services import ledger, log, payouts
from storefront.web import exports
from storefront.web.ledger import log_summary
from tests.factories import Line, make_paid_order, refund_line
from tests.helpers import run_third_party_script


@pytest.fixture
def busy(session, shop, tmp_path):
    """Entries over several batches: matches from a fund, a refunded line, a payout."""
    for n in range(4):
        make_paid_order(session, shop.venture, [Line(shop.product, quantity=n + 1)])
    order = make_paid_order(session, shop.venture, [Line(shop.product), Line(shop.product)])
    refund_line(session, order, order.lines[0], utcnow())
    payouts.record(
        session, shop.cause.id, 1000, date(2026, 11, 2), "=KB-1", "", None, tmp_path, None,
        "KRW", utcnow(),
    )  # fmt: skip
    session.commit()


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(ledger, "STREAM_BATCH", 3)
    monkeypatch.setattr(exports, "CHUNK", 2)


def reference_rows(session):
    """The export's entries as the whole-list version built them, from ORM objects, with
    each one's leaf index in the log."""
    out = []
    for entry in session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)):
        fields = {name: getattr(entry, name) for name in (*chain.FIELDS, *chain.OPTIONAL)}
        fields["created_at"] = chain.iso(entry.created_at)
        leaf_index = log.leaf_index(session, entry_id=entry.id)
        out.append({"id": entry.id, **fields, "hash": entry.hash, "leaf_index": leaf_index})
    return out


def test_the_json_export_is_the_whole_list_version_byte_for_byte(
    client, session, busy, small_batches, tmp_path
):
    response = client.get("/ledger/export.json")
    rows = reference_rows(session)
    assert len(rows) > 3 * ledger.STREAM_BATCH and any(r["fund_id"] for r in rows)
    expected = jsonify(
        {
            "format": ledger.EXPORT_FORMAT,
            "entries": rows,
            **ledger.export_extras(session),
            "log": log_summary(),
        }
    )
    assert response.is_streamed is False  # the test client read it whole
    assert response.get_data() == expected.get_data()
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="sangsaeng-ledger.json"'
    )
    assert run_third_party_script(tmp_path, response.get_data()).returncode == 0


def test_the_csv_export_is_the_whole_list_version_byte_for_byte(
    client, session, busy, small_batches
):
    response = client.get("/ledger/export.csv")
    header = ["id", *chain.FIELDS, *chain.OPTIONAL, "hash"]
    rows = ([row[k] for k in header] for row in reference_rows(session))
    expected = exports.csv_response("sangsaeng-ledger.csv", header, rows)
    assert response.get_data() == expected.get_data()
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.get_data().startswith(b"\xef\xbb\xbfid,created_at,")


def test_an_empty_ledger_exports_an_empty_list(client):
    export = client.get("/ledger/export.json").json
    assert export["entries"] == [] and export["format"] == ledger.EXPORT_FORMAT
    body = client.get("/ledger/export.csv").get_data().decode("utf-8-sig")
    assert body.splitlines() == [",".join(["id", *chain.FIELDS, *chain.OPTIONAL, "hash"])]


def verify(app):
    return app.test_cli_runner().invoke(args=["ledger", "verify"])


def test_verify_reads_the_ledger_in_batches_and_passes(app, busy, small_batches):
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "The ledger checks: 14 entries" in result.output


def test_verify_refuses_a_running_total_that_does_not_match(app, session, busy):
    row = session.scalars(select(LedgerSum).order_by(LedgerSum.id)).first()
    session.execute(text(f"UPDATE ledger_sum SET entries = entries + 1 WHERE id = {row.id}"))
    session.commit()
    assert ledger.sums_that_differ(session) == [(row.cause_id, row.venture_id, row.month, row.kind)]
    result = verify(app)
    assert result.exit_code == 1
    assert f"The running total for cause {row.cause_id}, venture {row.venture_id}" in result.output


def test_verify_refuses_a_correction_that_does_not_cancel_its_payout(app, session, shop, busy):
    paid = session.scalars(select(Payout)).one()
    session.add(
        Payout(
            cause_id=paid.cause_id, amount=-paid.amount + 1, currency="KRW", paid_on=paid.paid_on,
            bank_reference="FORGED", corrects_id=paid.id, created_at=utcnow(),
        )
    )  # fmt: skip
    session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"does not cancel exactly payout {paid.id}." in result.output


@pytest.mark.parametrize("after", [False, True])
def test_verify_checks_an_older_payout_without_a_head_by_its_moment(
    app, session, shop, busy, after
):
    paid = session.scalars(select(Payout)).one()
    if after:  # when everything pledged so far was owed
        moment = session.scalar(select(LedgerEntry.created_at).order_by(LedgerEntry.id.desc()))
    else:  # before the first pledge: nothing was owed
        moment = session.scalar(select(LedgerEntry.created_at).order_by(LedgerEntry.id))
        moment -= timedelta(seconds=1)
    old = Payout(
        cause_id=paid.cause_id, amount=500, currency="KRW", paid_on=paid.paid_on,
        bank_reference="OLD", ledger_head_id=None, created_at=moment,
    )  # fmt: skip
    session.add(old)
    session.flush()
    log.append(session, [old])  # a leaf, as the migration made every older payout
    session.commit()
    result = verify(app)
    if after:
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code == 1
        assert (
            f"Payout {old.id} pays cause {paid.cause_id} more than it was owed: " in result.output
        )
        assert "1500 paid in all against 0 owed" in result.output
