"""A venture applies, an operator approves it (page or CLI), and only then does it sell."""

from sqlalchemy import select

from storefront.models import Membership, User, Venture
from tests.factories import make_operator, make_product
from tests.helpers import APPLICATION, PASSWORD, english, sign_in, sign_up, text


def apply(client, **fields):
    return client.post("/seller/apply", data={**APPLICATION, **fields})


def test_an_application_waits_for_review_and_its_products_stay_hidden(client, session, shop):
    english(client)
    sign_up(client)
    response = apply(client)
    assert response.status_code == 302
    venture = session.scalars(select(Venture).where(Venture.name == "두손공방")).one()
    assert venture.status == "pending" and venture.registration_number == "105-82-01237"
    membership = session.scalars(select(Membership)).one()
    assert membership.role == "owner" and membership.venture_id == venture.id
    assert "Waiting for review" in text(client.get(response.headers["Location"]))
    product = make_product(session, venture, title="한지 조명")
    session.commit()
    assert client.get(f"/products/{product.id}").status_code == 404
    assert "한지 조명" not in text(client.get("/products"))


def test_a_bad_business_number_or_a_second_application_for_it_is_refused(client, session, shop):
    english(client)
    sign_up(client)
    bad = apply(client, registration_number="105-82-01238")
    assert bad.status_code == 400 and "does not check out" in text(bad)
    assert apply(client).status_code == 302
    again = apply(client, name="다른 이름")
    assert again.status_code == 409 and "already applied" in text(again)


def test_an_operator_approves_on_the_operator_page(client, session, shop):
    english(client)
    sign_up(client)
    apply(client)
    client.post("/account/sign-out")
    make_operator(session)
    sign_in(client, email="ops@example.com")
    page = text(client.get("/operator/ventures"))
    assert "두손공방" in page and "Waiting for review" in page
    venture = session.scalars(select(Venture).where(Venture.name == "두손공방")).one()
    product = make_product(session, venture, title="한지 조명")
    session.commit()
    response = client.post(
        f"/operator/ventures/{venture.id}/review", data={"approve": "1", "note": ""}
    )
    assert response.status_code == 302
    assert session.get(Venture, venture.id).status == "approved"
    assert client.get(f"/products/{product.id}").status_code == 200
    client.post(
        f"/operator/ventures/{venture.id}/review", data={"reject": "1", "note": "서류 보완 필요"}
    )
    venture = session.get(Venture, venture.id)
    assert venture.status == "rejected" and venture.review_note == "서류 보완 필요"
    assert client.get(f"/products/{product.id}").status_code == 404


def test_operators_approve_and_reject_from_the_command_line(app, client, session, shop):
    sign_up(client)
    apply(client)
    venture = session.scalars(select(Venture).where(Venture.name == "두손공방")).one()
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["ventures", "list", "--status", "pending"])
    assert venture.slug in listed.output and shop.venture.slug not in listed.output
    assert runner.invoke(args=["ventures", "approve", venture.slug]).exit_code == 0
    assert session.get(Venture, venture.id).status == "approved"
    assert runner.invoke(args=["ventures", "approve", venture.slug]).exit_code != 0
    assert runner.invoke(args=["ventures", "reject", venture.slug, "--note", "중복"]).exit_code == 0
    assert session.get(Venture, venture.id).status == "rejected"
    assert runner.invoke(args=["ventures", "approve", "no-such-venture"]).exit_code != 0


def test_an_operator_account_is_made_from_the_command_line(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["operators", "create", "ops@example.com", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User)).one()
    assert user.is_operator and user.email == "ops@example.com"
    weak = runner.invoke(args=["operators", "create", "x@example.com", "--password", "short"])
    assert weak.exit_code != 0
