"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storefront.models import Base


def test_the_migrated_schema_matches_the_models(db):
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_every_migration_downgrades_and_upgrades_again(app, db):
    from flask_migrate import downgrade, upgrade

    db.session.remove()
    downgrade(revision="base")
    with db.engine.connect() as connection:
        assert set(db.inspect(connection).get_table_names()) <= {"alembic_version"}
    upgrade()
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
