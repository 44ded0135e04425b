"""What ``flask ledger verify`` reads fast: ``created_at`` formatted by the database itself, byte
for byte as the chain hashes it, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, text

from storefront.domain import chain
from storefront.models.base import UTCDateTime
from storefront.services import ledger

ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=9)), timezone(timedelta(hours=-5)), timezone(timedelta(0))]
)
MOMENTS = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30), timezones=ZONES
)


def _database_text(session, moment: datetime) -> str:
    """``created_at`` stored as the model stores it, read back as verify reads it."""
    dialect = session.get_bind().dialect.name
    value = "CAST(:t AS timestamptz)" if dialect == "postgresql" else ":t"
    sql = text(
        f"SELECT {ledger.CANONICAL_CREATED[dialect]} "
        f"FROM (SELECT {value} AS created_at) AS ledger_entry"
    ).bindparams(bindparam("t", type_=UTCDateTime()))
    return session.scalar(sql, {"t": moment})


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moment=MOMENTS)
def test_the_database_writes_created_at_as_the_chain_does(session, moment):
    assert _database_text(session, moment) == chain.iso(moment)


def test_whole_seconds_and_the_turns_of_the_clock(session):
    seoul = timezone(timedelta(hours=9))
    for moment in [
        datetime(2026, 1, 1, 0, 0, 0, tzinfo=UTC),  # microsecond 0
        datetime(2026, 3, 8, 2, 30, 0, 1, tzinfo=timezone(timedelta(hours=-5))),  # US DST day
        datetime(2026, 10, 25, 1, 59, 59, 999_999, tzinfo=UTC),  # EU DST ends
        datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=seoul),
        datetime(2024, 2, 29, 12, 0, 0, 500_000, tzinfo=UTC),
    ]:
        assert _database_text(session, moment) == chain.iso(moment)
