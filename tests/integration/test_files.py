"""services.files: a file written in a transaction goes if it rolls back (or its savepoint
does); a file deleted in a transaction goes only once it has committed."""

from pathlib import Path

import pytest

from storefront.services import files


@pytest.fixture
def folder(tmp_path):
    """A folder of its own (``tmp_path`` also holds the test's SQLite database)."""
    path = tmp_path / "files"
    path.mkdir()
    return path


def test_a_written_file_stays_if_the_transaction_commits(session, folder):
    path = folder / "a" / "one.jpg"
    files.stage_write(session, path, b"one")
    assert path.read_bytes() == b"one"  # there at once, for the rest of the transaction
    session.commit()
    assert path.read_bytes() == b"one"
    assert list(path.parent.iterdir()) == [path]  # no temporary file left beside it


def test_a_written_file_goes_if_the_transaction_rolls_back_or_is_closed(session, folder):
    rolled, closed = folder / "rolled.jpg", folder / "closed.jpg"
    files.stage_write(session, rolled, b"x")
    session.rollback()
    files.stage_write(session, closed, b"y")
    session.close()
    assert list(folder.iterdir()) == []


def test_a_savepoint_rolled_back_takes_only_its_own_files(session, folder):
    kept, dropped, still_there = folder / "kept", folder / "dropped", folder / "old"
    still_there.write_bytes(b"old")
    files.stage_write(session, kept, b"k")
    savepoint = session.begin_nested()
    files.stage_write(session, dropped, b"d")
    files.delete_after_commit(session, still_there)
    savepoint.rollback()
    assert not dropped.exists() and kept.exists()
    session.commit()
    assert sorted(folder.iterdir()) == [kept, still_there]


def test_a_file_is_deleted_only_after_the_commit(session, folder):
    path = folder / "gone.jpg"
    path.write_bytes(b"x")
    files.delete_after_commit(session, path)
    session.rollback()
    assert path.exists()  # the rollback kept the row, so it keeps the file
    files.delete_after_commit(session, path)
    session.flush()
    assert path.exists()
    session.commit()
    assert not path.exists()


def test_a_delete_that_fails_after_the_commit_is_logged_not_raised(session, folder, caplog):
    missing_parent = folder / "file"
    missing_parent.write_bytes(b"x")
    files.delete_after_commit(session, missing_parent / "inside")  # not a directory: fails
    session.commit()
    assert "could not delete" in caplog.text


def test_a_file_written_then_deleted_in_one_transaction_is_gone_after_it(session, folder):
    path = folder / "brief.jpg"
    files.stage_write(session, path, b"x")
    files.delete_after_commit(session, path)
    session.commit()
    assert not Path(path).exists()
