"""Emails and other side effects run once the outermost transaction commits, and only then."""

from storefront.services.aftercommit import after_commit


def test_an_action_runs_after_the_commit_not_after_a_savepoint(session, shop):
    ran = []
    after_commit(session, lambda: ran.append("sent"))
    with session.begin_nested():
        pass
    assert ran == []
    session.commit()
    assert ran == ["sent"]


def test_an_action_is_dropped_when_the_transaction_rolls_back(session, shop):
    ran = []
    after_commit(session, lambda: ran.append("sent"))
    nested = session.begin_nested()
    nested.rollback()
    session.rollback()
    session.commit()
    assert ran == []
