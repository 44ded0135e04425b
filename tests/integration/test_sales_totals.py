"""The running sales totals (services/sales.py) against a recomputation from the orders, on
SQLite and PostgreSQL: kept by every write that changes what was sold, filled by the
migration, and checked by ``flask stats verify``."""

from datetime import UTC, date, datetime

from sqlalchemy import select, update

from storefront.models import SalesDay
from storefront.payments.base import RefundResult
from storefront.services import fulfilment, refunds, sales
from tests.factories import Line, make_paid_order, make_product


class Provider:
    name = "test"

    def refund(self, payment_intent: str, amount: int, idempotency_key: str) -> RefundResult:
        return RefundResult(id=f"re_{idempotency_key}", amount=amount, status="succeeded")


def at(*parts):
    return datetime(*parts, tzinfo=UTC)


def day_row(session, venture_id, day):
    row = session.get(SalesDay, (venture_id, day))
    return (row.orders, row.units, row.revenue, row.returning_orders) if row else None


def history(session, shop):
    v = shop.venture
    cookie = make_product(session, v, title="쿠키", price=10000)
    rice = make_product(session, v, title="누룽지", price=5000)
    first = make_paid_order(
        session, v, [Line(cookie, quantity=2)], when=at(2026, 11, 1, 3), email="a@example.com"
    )
    second = make_paid_order(
        session, v, [Line(cookie), Line(rice, quantity=3)], when=at(2026, 11, 2, 3),
        email="A@Example.com",
    )  # fmt: skip
    third = make_paid_order(
        session, v, [Line(rice)], when=at(2026, 11, 2, 20), email="b@example.com"
    )  # 05:00 on 3 November in Seoul
    make_paid_order(
        session, shop.other_venture, [Line(shop.last_one)], when=at(2026, 10, 30, 3),
        email="a@example.com",
    )  # fmt: skip
    return first, second, third


def test_totals_follow_paid_orders_a_cancellation_and_a_refund(session, shop):
    first, second, third = history(session, shop)
    v = shop.venture.id
    assert sales.verify(session) == []
    # the second order is a returning customer's (same email, any case)
    assert day_row(session, v, date(2026, 11, 2)) == (1, 4, 25000, 1)
    assert day_row(session, v, date(2026, 11, 3)) == (1, 1, 5000, 0)

    # cancelling the shopper's first order makes the second one her first
    fulfilment.cancel_line(session, Provider(), first.lines[0], at(2026, 11, 4))
    assert sales.verify(session) == []
    assert day_row(session, v, date(2026, 11, 1)) in (None, (0, 0, 0, 0))
    assert day_row(session, v, date(2026, 11, 2)) == (1, 4, 25000, 0)

    # cancelling one of two lines keeps the order, without that line
    rice_line = next(line for line in second.lines if line.quantity == 3)
    fulfilment.cancel_line(session, Provider(), rice_line, at(2026, 11, 5))
    assert day_row(session, v, date(2026, 11, 2)) == (1, 1, 10000, 0)

    # a refund by the operator leaves what was sold as it was (the order is still a sale)
    refunds.refund_order(session, Provider(), third, third.total, "k-third", "", at(2026, 11, 6))
    assert third.status == "refunded"
    assert day_row(session, v, date(2026, 11, 3)) == (1, 1, 5000, 0)
    assert sales.verify(session) == []

    # restating again changes nothing
    for order in (first, second, third):
        sales.restate(session, order.id)
    assert sales.verify(session) == []


def test_orders_paid_through_the_payment_path_are_counted(app, session):
    from storefront.demo import loader

    loader.load_shop(session, app.config, 12)
    assert session.scalar(select(SalesDay.orders).limit(1)) is not None
    assert sales.verify(session) == []


def test_verify_names_a_total_that_does_not_match(app, session, shop):
    history(session, shop)
    session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["stats", "verify"])
    assert result.exit_code == 0, result.output
    assert "match" in result.output
    session.execute(
        update(SalesDay)
        .where(SalesDay.venture_id == shop.venture.id, SalesDay.day == date(2026, 11, 2))
        .values(revenue=SalesDay.revenue + 1)
    )
    session.commit()
    result = runner.invoke(args=["stats", "verify"])
    assert result.exit_code == 1
    assert f"sales_day venture {shop.venture.id} 2026-11-02" in result.output
    result = runner.invoke(args=["stats", "rebuild"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["stats", "verify"]).exit_code == 0


def test_the_migration_fills_the_totals_from_existing_orders(app, db, shop):
    from flask_migrate import downgrade, upgrade

    history(db.session, shop)
    db.session.commit()
    expected = sales.recompute(db.session)
    db.session.remove()
    downgrade(revision="0019_page_indexes")
    upgrade()
    assert sales.verify(db.session) == []
    assert sales.recompute(db.session).days == expected.days
    assert len(db.session.scalars(select(SalesDay)).all()) == len(expected.days) > 0
