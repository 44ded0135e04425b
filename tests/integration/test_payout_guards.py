"""Payouts on SQLite and PostgreSQL: a cause is never paid more than it was owed, a payout is
corrected once, a one-time key records a payout once, and both verifiers refuse a ledger that
pays a cause more than it was owed while accepting a refund that came after a payout."""

import json
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storefront.models import Payout, Refund, utcnow
from storefront.services import ledger, payouts
from tests.factories import Line, make_paid_order
from tests.helpers import run_third_party_script

PAID_ON = date(2026, 11, 2)


def pay_out(session, cause_id, amount, tmp_path, **extra):
    return payouts.record(
        session, cause_id, amount, PAID_ON, "KB-1", "", None, tmp_path, None, "KRW", utcnow(),
        **extra,
    )  # fmt: skip


def forge_payout(session, cause_id, amount):
    """A payout written behind the service's back (inserts are not refused by the triggers)."""
    row = Payout(
        cause_id=cause_id, amount=amount, currency="KRW", paid_on=PAID_ON,
        bank_reference="FORGED", created_at=utcnow(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def both_verifiers(app, client, tmp_path):
    cli = app.test_cli_runner().invoke(args=["ledger", "verify"])
    script = run_third_party_script(tmp_path, client.get("/ledger/export.json").get_data())
    return cli, script


def test_both_verifiers_refuse_a_cause_paid_more_than_it_was_owed(
    app, client, session, shop, tmp_path
):
    make_paid_order(session, shop.venture, [Line(shop.product)])  # 750 + 750 owed
    pay_out(session, shop.cause.id, 1000, tmp_path)
    forged = forge_payout(session, shop.cause.id, 2000)  # 3000 paid of 1500
    session.commit()
    cli, script = both_verifiers(app, client, tmp_path)
    assert cli.exit_code == 1, cli.output
    assert f"Payout {forged.id} pays cause {shop.cause.id} more than it was owed" in cli.output
    assert script.returncode == 1, script.stdout
    assert f"payout {forged.id} pays cause {shop.cause.id} more than it was owed" in script.stderr


def test_a_payout_the_export_says_came_before_the_pledges_is_refused(
    app, client, session, shop, tmp_path
):
    make_paid_order(session, shop.venture, [Line(shop.product)])
    first = pay_out(session, shop.cause.id, 1500, tmp_path)
    make_paid_order(session, shop.venture, [Line(shop.product)])
    session.commit()
    cli, script = both_verifiers(app, client, tmp_path)
    assert (cli.exit_code, script.returncode) == (0, 0), cli.output + script.stderr
    # an export edited to say the payout came before any pledge (the chain's head it saw)
    export = client.get("/ledger/export.json").json
    [row] = export["payouts"]
    assert row["ledger_head_id"] == first.ledger_head_id
    row["ledger_head_id"] = export["entries"][0]["id"]
    edited = run_third_party_script(tmp_path, json.dumps(export).encode())
    assert edited.returncode == 1 and f"payout {first.id} pays cause" in edited.stderr


def test_a_refund_after_a_payout_leaves_the_cause_paid_ahead_and_the_ledger_verified(
    app, client, session, shop, tmp_path
):
    order = make_paid_order(session, shop.venture, [Line(shop.product)])
    pay_out(session, shop.cause.id, 1500, tmp_path)  # everything owed, paid
    refund = Refund(order_id=order.id, amount=order.total, currency="KRW", reason="operator")
    session.add(refund)
    session.flush()
    ledger.reverse_share(session, order, refund, order.total, utcnow())
    session.commit()
    [balance] = [b for b in payouts.cause_balances(session) if b.key == shop.cause.id]
    assert (balance.net, balance.paid_out, balance.outstanding, balance.paid_ahead) == (
        0, 1500, 0, 1500,
    )  # fmt: skip
    cli, script = both_verifiers(app, client, tmp_path)
    assert cli.exit_code == 0, cli.output
    assert script.returncode == 0, script.stderr
    assert "paid out 1500, outstanding 0" in script.stdout
    # the next pledges absorb what was paid ahead: nothing is owed until they pass it
    make_paid_order(session, shop.venture, [Line(shop.product)])
    session.commit()
    assert payouts.outstanding_for(session, shop.cause.id) == 0
    assert both_verifiers(app, client, tmp_path)[0].exit_code == 0


def test_a_payout_and_its_correction_left_out_of_the_check(app, client, session, shop, tmp_path):
    make_paid_order(session, shop.venture, [Line(shop.product)])
    wrong = pay_out(session, shop.cause.id, 1500, tmp_path)
    payouts.correct(session, wrong, "두 번 입력", None, utcnow())
    pay_out(session, shop.cause.id, 1500, tmp_path)
    session.commit()
    cli, script = both_verifiers(app, client, tmp_path)
    assert (cli.exit_code, script.returncode) == (0, 0), cli.output + script.stderr


def test_the_database_keeps_one_correction_per_payout(session, shop, tmp_path):
    make_paid_order(session, shop.venture, [Line(shop.product)])
    paid = pay_out(session, shop.cause.id, 1000, tmp_path)
    payouts.correct(session, paid, "잘못 입력", None, utcnow())
    session.commit()
    session.add(
        Payout(
            cause_id=shop.cause.id, amount=-1000, currency="KRW", paid_on=PAID_ON,
            bank_reference="KB-1", corrects_id=paid.id, created_at=utcnow(),
        )
    )  # fmt: skip
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    assert len(session.scalars(select(Payout).where(Payout.corrects_id == paid.id)).all()) == 1


def test_a_one_time_key_records_a_payout_and_a_correction_once(session, shop, tmp_path):
    make_paid_order(session, shop.venture, [Line(shop.product)])
    first = pay_out(session, shop.cause.id, 1000, tmp_path, key="record-abc")
    session.commit()
    again = pay_out(session, shop.cause.id, 1000, tmp_path, key="record-abc")
    assert again.id == first.id
    fix = payouts.correct(session, first, "잘못 입력", None, utcnow(), key="correct-abc")
    session.commit()
    assert payouts.correct(session, first, "잘못 입력", None, utcnow(), key="correct-abc") == fix
    assert len(session.scalars(select(Payout)).all()) == 2
