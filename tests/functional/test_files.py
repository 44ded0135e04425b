"""Uploaded files follow the transaction: a rollback leaves no new file behind, and a file
is deleted only once the transaction that forgot it has committed."""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import has_request_context
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from storefront.domain.periods import local_today
from storefront.models import Cause, Payout, Product
from tests.factories import Line, make_operator, make_paid_order
from tests.helpers import base, english, picture, pictures, sign_in, upload


@contextmanager
def failing_commits() -> Iterator[None]:
    """Make the commit of every request fail, as when the database goes away at that moment."""

    def fail(session: Session) -> None:
        if has_request_context():  # the test's own session, outside requests, still commits
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    event.listen(Session, "before_commit", fail)
    try:
        yield
    finally:
        event.remove(Session, "before_commit", fail)


def files_under(root: str | Path) -> list[Path]:
    return sorted(path for path in Path(root).rglob("*") if path.is_file())


def delete_url(shop, image):
    return f"{base(shop)}/products/{shop.product.id}/images/{image.id}/delete"


def test_an_upload_whose_commit_fails_leaves_no_file(app, client, session, shop, owner):
    with failing_commits():
        response = upload(
            client, shop, shop.product.id, ("a.jpg", picture()), ("b.png", picture("PNG"))
        )
    assert response.status_code == 503
    assert pictures(session, shop.product.id) == []
    assert files_under(app.config["MEDIA_ROOT"]) == []


def test_a_delete_whose_commit_fails_keeps_the_picture_and_its_files(
    app, client, session, shop, owner
):
    upload(client, shop, shop.product.id, ("a.jpg", picture()))
    (row,) = pictures(session, shop.product.id)
    media = Path(app.config["MEDIA_ROOT"])
    with failing_commits():
        response = client.post(delete_url(shop, row))
    assert response.status_code == 503
    assert [p.id for p in pictures(session, shop.product.id)] == [row.id]
    assert (media / row.path).is_file() and (media / row.thumb_path).is_file()
    assert session.get(Product, shop.product.id).image == row.thumb_path


def test_a_delete_that_commits_removes_both_files(app, client, session, shop, owner):
    upload(
        client, shop, shop.product.id, ("a.jpg", picture()), ("b.jpg", picture(colour=(0, 0, 200)))
    )
    first, second = pictures(session, shop.product.id)
    media = Path(app.config["MEDIA_ROOT"])
    assert client.post(delete_url(shop, first)).status_code == 302
    assert files_under(media) == sorted([media / second.path, media / second.thumb_path])
    assert session.get(Product, shop.product.id).image == second.thumb_path


def test_a_file_that_cannot_be_deleted_after_the_commit_is_only_an_orphan(
    app, client, session, shop, owner, monkeypatch
):
    upload(client, shop, shop.product.id, ("a.jpg", picture()))
    (row,) = pictures(session, shop.product.id)
    media = Path(app.config["MEDIA_ROOT"])
    thumb = media / row.thumb_path
    unlink = Path.unlink

    def stuck(path: Path, missing_ok: bool = False) -> None:
        if path.name.endswith("-thumb.jpg"):
            raise PermissionError(13, "Permission denied", str(path))
        unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", stuck)
    response = client.post(delete_url(shop, row))
    assert response.status_code == 302
    assert pictures(session, shop.product.id) == []  # no row points at a missing file
    assert session.get(Product, shop.product.id).image is None
    assert files_under(media) == [thumb]  # an orphan, harmless


def as_operator(client, session):
    make_operator(session)
    english(client)
    sign_in(client, email="ops@example.com")


def cause_form(**fields):
    return {
        "name": "바다숲재단",
        "registration": "123-82-00001",
        "active": "y",
        "logo": (io.BytesIO(picture("PNG", (400, 400))), "logo.png"),
        **fields,
    }


def test_a_cause_logo_whose_commit_fails_leaves_no_file(app, client, session, shop):
    as_operator(client, session)
    with failing_commits():
        response = client.post(
            "/operator/causes", data=cause_form(), content_type="multipart/form-data"
        )
    assert response.status_code == 503
    assert session.scalar(select(Cause).where(Cause.name == "바다숲재단")) is None
    assert files_under(app.config["MEDIA_ROOT"]) == []


def test_a_replaced_logo_is_deleted_once_the_new_one_is_saved(app, client, session, shop):
    as_operator(client, session)
    media = Path(app.config["MEDIA_ROOT"])
    url = f"/operator/causes/{shop.cause.id}"
    form = {"name": shop.cause.name, "registration": "1", "active": "y"}
    client.post(url, data=cause_form(**form), content_type="multipart/form-data")
    old = session.get(Cause, shop.cause.id).logo
    with failing_commits():
        client.post(url, data=cause_form(**form), content_type="multipart/form-data")
    assert session.get(Cause, shop.cause.id).logo == old
    assert files_under(media) == [media / old]  # the failed save kept the old logo only
    saved = client.post(url, data=cause_form(**form), content_type="multipart/form-data")
    assert saved.status_code == 302
    new = session.get(Cause, shop.cause.id).logo
    assert new != old and files_under(media) == [media / new]


def test_a_payout_proof_whose_commit_fails_leaves_no_file(app, client, session, shop):
    make_paid_order(session, shop.venture, [Line(shop.product, quantity=4)])
    session.commit()
    as_operator(client, session)
    form = {
        "cause": str(shop.cause.id), "amount": "4000", "paid_on": local_today().isoformat(),
        "bank_reference": "KB-1", "proof": (io.BytesIO(picture()), "receipt.jpg"),
        "key": "files-test-key-0001",
    }  # fmt: skip
    with failing_commits():
        response = client.post("/operator/payouts", data=form, content_type="multipart/form-data")
    assert response.status_code == 503
    assert session.scalars(select(Payout)).all() == []
    assert files_under(app.config["PAYOUT_PROOFS_ROOT"]) == []
