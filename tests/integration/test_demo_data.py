"""The demo loads once, realistically, with accounts for trying the seller and operator pages."""

from sqlalchemy import func, select

from storefront.domain.periods import SEOUL
from storefront.models import (
    LedgerEntry,
    Membership,
    Product,
    SalesBeforeJoining,
    User,
    Venture,
    utcnow,
)
from storefront.services import impact, ledger
from tests.helpers import count


def test_the_demo_loads_once_with_ventures_products_orders_and_accounts(app, session, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load", "--orders", "5", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert count(session, Venture) >= 20 and count(session, Product) >= 120
    assert session.scalar(select(func.count()).where(Product.stock == 0)) >= 3
    assert count(session, LedgerEntry) >= 10
    operator = session.scalars(select(User).where(User.is_operator)).one()
    assert operator.email == "operator@sangsaeng.test"
    assert count(session, Membership) == 3
    figures = impact.impact(session, utcnow().astimezone(SEOUL).date())
    assert figures.first_months_ventures >= 15 and figures.in_first_months >= 1
    assert figures.first_months_average and figures.change_bp and figures.change_bp > 0
    assert figures.jobs_now > 0 and count(session, SalesBeforeJoining) >= 10
    assert ledger.verify(session)[1] is None  # the history was appended in order
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "nothing loaded" in again.output and count(session, Venture) == 24
    grown = runner.invoke(args=["demo", "load", "--products", "300"])
    assert grown.exit_code == 0 and count(session, Product) == 300


def test_the_demo_ends_with_a_signed_checkpoint_of_its_whole_log(make_app):
    from storefront.domain import notes
    from storefront.extensions import db
    from storefront.models import Payout
    from storefront.services import log

    app = make_app(JOBS_EAGER=False)  # no checkpoint job runs: the command signs one itself
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo", "load", "--orders", "3"])
        assert result.exit_code == 0, result.output
        latest = log.latest(db.session)
        assert latest is not None
        assert (
            latest.size
            == log.size(db.session)
            == count(db.session, LedgerEntry) + count(db.session, Payout)
        )
        notes.open_checkpoint(latest.note, [app.extensions["log_signer"].verifier_key])


def test_production_gets_no_demo_accounts(make_app):
    from storefront.extensions import db

    app = make_app(ENV_MODE="production")
    with app.app_context():  # the CLI runs in the app context it finds
        result = app.test_cli_runner().invoke(args=["demo", "load", "--orders", "0"])
        assert result.exit_code == 0, result.output
        assert count(db.session, Venture) == 24 and count(db.session, User) == 0
