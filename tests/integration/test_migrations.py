"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storefront.models import Base
from storefront.models.search import include_object

OPTS = {"include_object": include_object}  # the search index is made by migration only


def test_the_migrated_schema_matches_the_models(db):
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts=OPTS), Base.metadata)
    assert diff == []


def test_every_migration_downgrades_and_upgrades_again(app, db):
    from flask_migrate import downgrade, upgrade

    db.session.remove()
    downgrade(revision="base")
    with db.engine.connect() as connection:
        assert set(db.inspect(connection).get_table_names()) <= {"alembic_version"}
    upgrade()
    with db.engine.connect() as connection:
        assert (
            compare_metadata(MigrationContext.configure(connection, opts=OPTS), Base.metadata) == []
        )


def test_payouts_keep_their_ids_proofs_and_guard_when_the_table_is_renamed(app, db):
    import pytest
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    from tests.factories import make_cause

    cause_id = make_cause(db.session).id
    db.session.commit()
    db.session.remove()
    downgrade(revision="0011_ledger_sums")
    columns = "id, cause_id, amount, currency, paid_on, bank_reference, note, receipt_path, "
    columns += "receipt_name, receipt_sha256, corrects_id, created_at"
    with db.engine.begin() as connection:
        for row in (
            f"7, {cause_id}, 5000, 'KRW', '2026-11-02', 'KB-1', '', 'disbursements/a.pdf', "
            "'a.pdf', 'ab', NULL, '2026-11-02 01:00:00+00:00'",
            f"9, {cause_id}, -5000, 'KRW', '2026-11-03', 'KB-1', 'typo', NULL, '', '', 7, "
            "'2026-11-03 01:00:00+00:00'",
        ):
            connection.execute(text(f"INSERT INTO disbursement ({columns}) VALUES ({row})"))
    upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, amount, proof_path, proof_name, corrects_id FROM payout ORDER BY id")
        ).all()
    assert [tuple(r) for r in rows] == [
        (7, 5000, "disbursements/a.pdf", "a.pdf", None),
        (9, -5000, None, "", 7),
    ]
    with pytest.raises(DatabaseError), db.engine.begin() as connection:
        connection.execute(text("UPDATE payout SET amount = 1 WHERE id = 7"))


def test_every_user_gets_a_fresh_random_session_token_once(app, db):
    """0007 gave existing users 'm' followed by their id: anyone could sign a session for it."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    db.session.remove()
    downgrade(revision="0012_payouts")
    with db.engine.begin() as connection:
        for user_id in (1, 2, 3):
            connection.execute(
                text(
                    "INSERT INTO user_account (id, email, name, password_hash, session_token, "
                    "is_operator, active, created_at) VALUES (:id, :email, 'n', 'h', :token, "
                    "false, true, '2026-11-02 01:00:00+00:00')"
                ),
                {"id": user_id, "email": f"u{user_id}@example.com", "token": f"m{user_id}"},
            )
    upgrade()
    with db.engine.connect() as connection:
        tokens = connection.execute(text("SELECT session_token FROM user_account")).scalars().all()
    assert len(set(tokens)) == 3
    assert all(len(token) == 32 and not token.startswith("m") for token in tokens)
    with db.engine.connect() as connection:
        nonces = connection.execute(text("SELECT reset_nonce FROM user_account")).scalars().all()
    assert len(set(nonces)) == 3 and all(len(nonce) == 32 for nonce in nonces)


def test_existing_descriptions_are_rendered_when_the_column_is_added(app, db):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from tests.factories import make_cause, make_product, make_venture

    product_id = make_product(db.session, make_venture(db.session, make_cause(db.session))).id
    db.session.commit()
    db.session.remove()
    downgrade(revision="0016_payout_guards")
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE product SET description = :d WHERE id = :id"),
            {"d": "**우리밀** <script>x</script>", "id": product_id},
        )
    upgrade()
    with db.engine.connect() as connection:
        html = connection.execute(
            text("SELECT description_html FROM product WHERE id = :id"), {"id": product_id}
        ).scalar_one()
    assert html.startswith("<p><strong>우리밀</strong>") and "<script>" not in html


def test_products_made_before_the_search_index_are_found_after_upgrading(app, db):
    from flask_migrate import downgrade, upgrade

    from storefront.services import catalog
    from tests.factories import make_cause, make_product, make_venture

    venture = make_venture(db.session, make_cause(db.session), name="옛날공방")
    make_product(db.session, venture, title="오래된 도자기 컵", description="손으로 빚은 잔")
    make_product(db.session, venture, title="나무 접시", description="도자기 같은 나무")
    db.session.commit()
    db.session.remove()
    downgrade(revision="0016_payout_guards")
    upgrade()
    page = catalog.search_products(db.session, catalog.ProductQuery(q="도자기"), per_page=10)
    assert [p.title for p in page.items] == ["오래된 도자기 컵", "나무 접시"]
