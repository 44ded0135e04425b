"""Every seller and operator route, tried anonymous, as another venture and as the owner.

The list of routes comes from the app itself, so a new seller or operator route without a
row here fails the first test until it is given one.
"""

import pytest
from sqlalchemy import select

from storefront.models import Venture
from tests.functional.test_accounts import PASSWORD, sign_in
from tests.functional.test_ventures_onboarding import APPLICATION, make_operator
from tests.helpers import english

# route -> (method, path template, form data)
ROUTES = {
    "seller.dashboard": ("GET", "/seller", {}),
    "seller.apply": ("GET", "/seller/apply", {}),
    "seller.venture": ("GET", "/seller/ventures/{venture_id}", {}),
    "operator.venture_list": ("GET", "/operator/ventures", {}),
    "operator.review": ("POST", "/operator/ventures/{venture_id}/review", {"approve": "1"}),
}
# what each kind of visitor gets: anonymous is sent to sign in, others by role
OWNER_ONLY = {"seller.venture"}
OPERATOR_ONLY = {"operator.venture_list", "operator.review"}


def test_every_seller_and_operator_route_is_in_the_matrix(app):
    guarded = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in {"seller", "operator"}
    }
    assert guarded == set(ROUTES)


@pytest.fixture
def two_ventures(client, session, shop):
    """Owner A with venture A, owner B with venture B, and an operator."""
    from storefront.models import utcnow
    from storefront.services import accounts, ventures

    owners = {}
    for key, number in (("a", "105-82-01237"), ("b", "214-86-04569")):
        user = accounts.sign_up(session, f"{key}@example.com", key, PASSWORD)
        app_data = ventures.Application(
            **{**APPLICATION, "name": f"벤처 {key}", "registration_number": number}
        )
        owners[key] = (user, ventures.apply(session, user, app_data, utcnow()))
    make_operator(session)
    session.commit()
    return owners


def request(client, endpoint, venture_id):
    method, path, data = ROUTES[endpoint]
    url = path.format(venture_id=venture_id)
    return client.post(url, data=data) if method == "POST" else client.get(url)


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_anonymous_visitors_are_sent_to_sign_in(client, two_ventures, endpoint):
    venture_id = two_ventures["a"][1].id
    response = request(client, endpoint, venture_id)
    assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_another_venture_gets_a_404_for_what_is_not_its_own(
    client, session, two_ventures, endpoint
):
    sign_in(client, email="b@example.com")
    response = request(client, endpoint, two_ventures["a"][1].id)
    if endpoint in OWNER_ONLY | OPERATOR_ONLY:
        assert response.status_code == 404
        assert session.get(Venture, two_ventures["a"][1].id).status == "pending"
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_the_owner_reaches_their_own_pages_but_not_the_operators(
    client, session, two_ventures, endpoint
):
    english(client)
    sign_in(client, email="a@example.com")
    response = request(client, endpoint, two_ventures["a"][1].id)
    if endpoint in OPERATOR_ONLY:
        assert response.status_code == 404
        assert session.get(Venture, two_ventures["a"][1].id).status == "pending"
    else:
        assert response.status_code == 200
        if endpoint == "seller.venture":
            assert "벤처 a" in response.get_data(as_text=True)


@pytest.mark.parametrize("endpoint", sorted(OPERATOR_ONLY))
def test_the_operator_reaches_the_operator_pages(client, session, two_ventures, endpoint):
    sign_in(client, email="ops@example.com")
    assert request(client, endpoint, two_ventures["a"][1].id).status_code in {200, 302}
    if endpoint == "operator.review":
        assert (
            session.scalar(select(Venture.status).where(Venture.id == two_ventures["a"][1].id))
            == "approved"
        )
