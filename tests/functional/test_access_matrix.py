"""Every seller and operator route, tried anonymous, as another venture and as the owner.

The list of routes comes from the app itself, so a new seller or operator route without a
row here fails the first test until it is given one.
"""

from datetime import date

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import (
    Cause,
    ImpactReport,
    Job,
    MatchingFund,
    Membership,
    OrderLine,
    Payout,
    Product,
    ProductImage,
    ProductOption,
    Question,
    ReturnPhoto,
    ReturnRequest,
    Review,
    SalesBeforeJoining,
    Venture,
)
from storefront.services.notices import Notice
from tests.factories import Line, make_operator, make_paid_order, make_product
from tests.helpers import APPLICATION, PASSWORD, english, picture, sign_in

# route -> (method, path template, form data)
V = "/seller/ventures/{venture_id}"
P = V + "/products/{product_id}"
LISTING = {"title": "x", "category": "food", "price": "1000", "stock": "1", "description": ""}
ROUTES = {
    "seller.venture.dashboard": ("GET", "/seller", {}),
    "seller.venture.apply": ("GET", "/seller/apply", {}),
    "seller.venture.overview": ("GET", V, {}),
    "seller.listings.products": ("GET", V + "/products", {}),
    "seller.listings.new_product": ("POST", V + "/products/new", LISTING),
    "seller.listings.edit_product": ("POST", P + "/edit", LISTING),
    "seller.listings.preview_product": ("GET", P + "/preview", {}),
    "seller.listings.product_status": ("POST", P + "/status", {"action": "archive"}),
    "seller.listings.product_stock": ("POST", P + "/stock", {"stock": "0"}),
    "seller.venture.settings": ("POST", V + "/settings", {"rate": "9"}),
    "seller.pictures.upload_images": ("POST", P + "/images", {}),
    "seller.pictures.move_image": ("POST", P + "/images/{image_id}/move", {"to": "earlier"}),
    "seller.pictures.delete_image": ("POST", P + "/images/{image_id}/delete", {}),
    "seller.orders.index": ("GET", V + "/orders", {}),
    "seller.orders.order": ("GET", V + "/orders/{order_id}", {}),
    "seller.orders.line_action": ("POST", V + "/orders/{order_id}/lines/{line_id}/prepare", {}),
    "seller.numbers.index": ("GET", V + "/numbers", {}),
    "seller.numbers.statement": ("GET", V + "/statement?format=csv", {}),
    "seller.numbers.orders_csv": ("GET", V + "/orders.csv", {}),
    "seller.market.index": ("GET", V + "/market", {}),
    "seller.staff.index": ("POST", V + "/staff", {"email": "new@example.com"}),
    "seller.options.add_option": ("POST", P + "/options", {"name": "XL", "stock": "3"}),
    "seller.options.option_stock": ("POST", P + "/options/{option_id}/stock", {"stock": "0"}),
    "seller.options.remove_option": ("POST", P + "/options/{option_id}/remove", {}),
    "seller.staff.remove_staff": ("POST", V + "/staff/{member_id}/remove", {}),
    "seller.staff.accept_invitation": ("GET", "/seller/invitations/not-a-token", {}),
    "seller.venture.default_cause": ("POST", V + "/cause", {"cause": "{other_cause_id}"}),
    "seller.impact_report.show": ("GET", V + "/impact", {}),
    "seller.impact_report.sales_before": (
        "POST",
        V + "/impact/sales-before",
        {"monthly_sales": "1000000"},
    ),
    "operator.home": ("GET", "/operator", {}),
    "operator.ventures.index": ("GET", "/operator/ventures", {}),
    "operator.ventures.review": (
        "POST", "/operator/ventures/{venture_id}/review", {"approve": "1"}
    ),
    "operator.causes.index": ("GET", "/operator/causes", {}),
    "operator.causes.edit": (
        "POST", "/operator/causes/{cause_id}",
        {"name": "새 이름", "registration": "1", "active": "y"},
    ),
    "operator.funds.index": ("GET", "/operator/funds", {}),
    "operator.funds.show": ("GET", "/operator/funds/{fund_id}", {}),
    "operator.funds.top_up": ("POST", "/operator/funds/{fund_id}/top-up", {"amount": "1000"}),
    "operator.funds.active": ("POST", "/operator/funds/{fund_id}/active", {}),
    "operator.orders.search": ("GET", "/operator/orders", {}),
    "operator.orders.show": ("GET", "/operator/orders/{order_id}", {}),
    "operator.orders.refund": ("POST", "/operator/orders/{order_id}/refund", {"amount": "0"}),
    "seller.returns.index": ("GET", V + "/returns", {}),
    "seller.returns.show": ("GET", V + "/returns/{return_id}", {}),
    "seller.returns.act": ("POST", V + "/returns/{return_id}/approve", {}),
    "seller.returns.photo": ("GET", V + "/returns/{return_id}/photos/{photo_id}", {}),
    "operator.payouts.balances": ("GET", "/operator/balances", {}),
    "operator.payouts.record": (
        "POST", "/operator/payouts",
        {"cause": "{cause_id}", "amount": "1", "paid_on": "2026-01-02", "bank_reference": "X",
         "key": "k" * 24},
    ),
    "operator.payouts.correct": (
        "POST", "/operator/payouts/{payout_id}/correct", {"note": "잘못 기록", "key": "k" * 24}
    ),
    "seller.questions.index": ("GET", V + "/questions", {}),
    "seller.questions.answer": (
        "POST", V + "/questions/{question_id}/answer", {"answer": "네, 됩니다."}
    ),
    "operator.questions.index": ("GET", "/operator/questions", {}),
    "operator.questions.hide": (
        "POST", "/operator/questions/{question_id}/hide", {"part": "question", "hidden": "1"}
    ),
    "seller.reviews.index": ("GET", V + "/reviews", {}),
    "seller.reviews.reply": ("POST", V + "/reviews/{review_id}/reply", {"text": "감사합니다"}),
    "operator.reviews.index": ("GET", "/operator/reviews", {}),
    "operator.reviews.hide": ("POST", "/operator/reviews/{review_id}/hide", {}),
    "operator.reviews.restore": ("POST", "/operator/reviews/{review_id}/restore", {}),
    "operator.jobs.index": ("GET", "/operator/jobs", {}),
    "operator.jobs.retry": ("POST", "/operator/jobs/{job_id}/retry", {}),
}  # fmt: skip
# what each kind of visitor gets: anonymous is sent to sign in, others by role
OPEN_TO_ANY_ACCOUNT = {
    "seller.venture.dashboard",
    "seller.venture.apply",
    "seller.staff.accept_invitation",
}
OPERATOR_ONLY = {endpoint for endpoint in ROUTES if endpoint.startswith("operator.")}
OWNER_ONLY = set(ROUTES) - OPEN_TO_ANY_ACCOUNT - OPERATOR_ONLY
# what a signed-in user gets from a route open to any account (a made-up invitation: 400)
OPEN_STATUS = {"seller.staff.accept_invitation": 400}
# the fixture's product has options, so its own stock cannot be set directly: a 409 with a reason
OWNER_STATUS = {"seller.listings.product_stock": 409}
# the operator's refund of nothing is refused (400); the fixture's causes are owed nothing (409)
OPERATOR_STATUS = {"operator.orders.refund": 400, "operator.payouts.record": 409}


def test_every_seller_and_operator_route_is_in_the_matrix(app):
    guarded = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in {"seller", "operator"}
    }
    assert guarded == set(ROUTES)


@pytest.fixture
def two_ventures(client, session, shop):
    """Owner A with venture A and a draft product, the same for B, and an operator."""
    from storefront.models import utcnow
    from storefront.services import accounts, ventures

    owners = {}
    for key, number in (("a", "105-82-01237"), ("b", "214-86-04569")):
        user = accounts.sign_up(session, f"{key}@example.com", key, PASSWORD)
        app_data = ventures.Application(
            **{**APPLICATION, "name": f"벤처 {key}", "registration_number": number}
        )
        venture = ventures.apply(session, user, app_data, utcnow())
        product = make_product(session, venture, title=f"상품 {key}", status="draft")
        for position in range(2):
            session.add(
                ProductImage(
                    product_id=product.id,
                    position=position,
                    path=f"products/{key}{position}.jpg",
                    thumb_path=f"products/{key}{position}-t.jpg",
                    width=800,
                    height=800,
                )
            )
        owners[key] = (user, venture, product)
        order = paid_order(session, venture, product)
        session.add(
            Review(
                order_line_id=order.lines[0].id, product_id=product.id, venture_id=venture.id,
                rating=5, body="좋은 상품입니다. 추천해요.", author="구**",
            )
        )  # fmt: skip
        return_request(session, product)
        session.add(ProductOption(product_id=product.id, name="M", stock=10))
        helper = accounts.sign_up(session, f"{key}-staff@example.com", "직원", PASSWORD)
        session.add(Membership(user_id=helper.id, venture_id=venture.id, role="staff"))
        session.add(
            Question(product_id=product.id, venture_id=venture.id, asker_id=helper.id, body="?")
        )
    make_operator(session)
    reset = Notice("password_reset", "ops@example.com", "ko", {"name": "운영자", "token": "T"})
    session.add(Job(kind="notice", payload=reset.to_json(), status="failed", attempts=8))
    session.add(
        Payout(
            cause_id=shop.cause.id, amount=1000, currency="KRW", paid_on=date(2026, 1, 2),
            bank_reference="REF", created_at=utcnow(),
        )
    )  # fmt: skip
    session.commit()
    return owners


def request(client, endpoint, venture_id, product_id=0):
    method, path, data = ROUTES[endpoint]
    image_id = max(
        (i.id for i in db.session.scalars(select(ProductImage).filter_by(product_id=product_id))),
        default=0,
    )
    line = db.session.scalar(select(OrderLine).filter_by(product_id=product_id))
    asked = db.session.scalar(select(ReturnRequest).filter_by(order_line_id=line.id if line else 0))
    member = db.session.scalar(select(Membership).filter_by(venture_id=venture_id, role="staff"))
    url = path.format(
        member_id=member.id if member else 0,
        option_id=max(
            (
                o.id
                for o in db.session.scalars(select(ProductOption).filter_by(product_id=product_id))
            ),
            default=0,
        ),
        venture_id=venture_id,
        product_id=product_id,
        image_id=image_id,
        # the operator's pages take any order: the first one when no product is named
        order_id=line.order_id if line else db.session.scalar(select(OrderLine.order_id)) or 0,
        line_id=line.id if line else 0,
        cause_id=db.session.scalar(select(Cause.id).order_by(Cause.id).limit(1)),
        fund_id=db.session.scalar(select(MatchingFund.id).limit(1)),
        payout_id=db.session.scalar(select(Payout.id).limit(1)) or 0,
        job_id=db.session.scalar(select(Job.id).limit(1)),
        # the venture's question; the operator's pages take any
        question_id=db.session.scalar(
            select(Question.id).order_by((Question.venture_id == venture_id).desc()).limit(1)
        ),
        # the product's review; the operator's pages take any: the first one
        review_id=db.session.scalar(
            select(Review.id).where(Review.product_id == product_id)
            if product_id
            else select(Review.id).order_by(Review.id).limit(1)
        ),
        return_id=asked.id if asked else 0,
        photo_id=asked.photos[0].id if asked else 0,
    )
    ids = {
        "cause_id": db.session.scalar(select(Cause.id).order_by(Cause.id).limit(1)),
        "other_cause_id": db.session.scalar(select(Cause.id).order_by(Cause.id.desc()).limit(1)),
    }
    data = {key: value.format(**ids) for key, value in data.items()}
    return client.post(url, data=data) if method == "POST" else client.get(url)


def unchanged(session, owners, key):
    """Nothing of venture ``key`` changed: its status, rate, product and impact reports."""
    _user, venture, product = owners[key]
    session.expire_all()
    fresh_v, fresh_p = session.get(Venture, venture.id), session.get(Product, product.id)
    pictures = [
        (i.path, i.position)
        for i in session.scalars(
            select(ProductImage).filter_by(product_id=product.id).order_by("id")
        )
    ]
    seen = (fresh_v.status, fresh_v.giving_rate_bp, fresh_p.title, fresh_p.status, fresh_p.stock)
    first_cause = session.scalar(select(Cause.id).order_by(Cause.id).limit(1))
    expected_pictures = [(f"products/{key}0.jpg", 0), (f"products/{key}1.jpg", 1)]
    line_status = session.scalar(select(OrderLine.status).filter_by(product_id=product.id))
    staff = session.scalar(
        select(func.count()).select_from(Membership).filter_by(venture_id=venture.id)
    )
    options = [
        (o.name, o.stock, o.active)
        for o in session.scalars(select(ProductOption).filter_by(product_id=product.id))
    ]
    question = session.scalars(select(Question).filter_by(venture_id=venture.id)).one()
    review = session.scalar(select(Review).filter_by(venture_id=venture.id))
    reported = session.get(SalesBeforeJoining, venture.id) is not None or session.scalar(
        select(func.count()).select_from(ImpactReport).filter_by(venture_id=venture.id)
    )
    return (
        not reported
        and seen == ("pending", 500, f"상품 {key}", "draft", 10)
        and pictures == expected_pictures
        and line_status == "paid"
        and staff == 2
        and options == [("M", 10, True)]
        and fresh_v.default_cause_id == first_cause
        and (question.answer, question.hidden) == (None, False)
        and (review.reply, review.hidden) == (None, False)
    )


def return_request(session, product):
    """A shopper's request to return the product's line, with a photo on disk."""
    from storefront.models import utcnow
    from storefront.web.common import return_photos_root

    line = session.scalar(select(OrderLine).filter_by(product_id=product.id))
    asked = ReturnRequest(
        order_id=line.order_id, order_line_id=line.id, venture_id=line.venture_id,
        kind="return", reason="damaged", quantity=line.quantity, created_at=utcnow(),
    )  # fmt: skip
    session.add(asked)
    session.flush()
    path = return_photos_root() / f"{asked.id}" / "photo.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(picture())
    session.add(ReturnPhoto(request_id=asked.id, path=f"{asked.id}/photo.jpg"))


def paid_order(session, venture, product):
    """A paid order holding one line of ``product`` (no ledger entries needed here)."""
    return make_paid_order(session, venture, [Line(product, donation=0, match=0)], record=False)


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_anonymous_visitors_are_sent_to_sign_in(client, session, two_ventures, endpoint):
    _user, venture, product = two_ventures["a"]
    response = request(client, endpoint, venture.id, product.id)
    assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]
    assert unchanged(session, two_ventures, "a")


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_another_venture_gets_a_404_for_what_is_not_its_own(
    client, session, two_ventures, endpoint
):
    sign_in(client, email="b@example.com")
    _user, venture_a, product_a = two_ventures["a"]
    _user, venture_b, _product_b = two_ventures["b"]
    response = request(client, endpoint, venture_a.id, product_a.id)
    expected = 404 if endpoint in OWNER_ONLY | OPERATOR_ONLY else OPEN_STATUS.get(endpoint, 200)
    assert response.status_code == expected
    if "{product_id}" in ROUTES[endpoint][1]:  # A's product through B's own venture
        assert request(client, endpoint, venture_b.id, product_a.id).status_code == 404
    assert unchanged(session, two_ventures, "a")


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_the_owner_reaches_their_own_pages_but_not_the_operators(
    client, session, two_ventures, endpoint
):
    english(client)
    sign_in(client, email="a@example.com")
    _user, venture, product = two_ventures["a"]
    response = request(client, endpoint, venture.id, product.id)
    if endpoint in OPERATOR_ONLY:
        assert response.status_code == 404
        assert unchanged(session, two_ventures, "a")
    else:
        allowed = {200, 302, OPEN_STATUS.get(endpoint, 200), OWNER_STATUS.get(endpoint, 200)}
        assert response.status_code in allowed
        assert unchanged(session, two_ventures, "b")


@pytest.mark.parametrize("endpoint", sorted(OPERATOR_ONLY))
def test_the_operator_reaches_the_operator_pages(client, session, two_ventures, endpoint):
    sign_in(client, email="ops@example.com")
    venture_id = two_ventures["a"][1].id
    assert request(client, endpoint, venture_id).status_code in {
        200, 302, OPERATOR_STATUS.get(endpoint, 200)
    }  # fmt: skip
    if endpoint == "operator.ventures.review":
        status = session.scalar(select(Venture.status).where(Venture.id == venture_id))
        assert status == "approved"


# The donation log's routes are public: anyone, signed in or not, reads them (and a witness
# posts its cosignatures without an account). route -> (method, path)
PUBLIC_LOG_ROUTES = {
    "log.checkpoint": ("GET", "/ledger/log/checkpoint"),
    "log.checkpoint_at": ("GET", "/ledger/log/checkpoint/{size}"),
    "log.checkpoints": ("GET", "/ledger/log/checkpoints"),
    "log.tile": ("GET", "/ledger/log/tile/0/000.p/1"),
    "log.inclusion": ("GET", "/ledger/log/proof/inclusion?index=0"),
    "log.consistency": ("GET", "/ledger/log/proof/consistency?old={size}&new={size}"),
    "log.entry_proof": ("GET", "/ledger/log/entries/{entry_id}/proof"),
    "log.payout_proof": ("GET", "/ledger/log/payouts/{payout_id}/proof"),
    "log.cosignatures": ("POST", "/ledger/log/cosignatures"),
}
# a witness's post without a cosignature is a bad request, not a sign-in page
PUBLIC_LOG_STATUS = {"log.cosignatures": 400}


def test_every_log_route_is_in_the_public_list(app):
    routes = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("log.")
    }
    assert routes == set(PUBLIC_LOG_ROUTES)


@pytest.mark.parametrize("endpoint", sorted(PUBLIC_LOG_ROUTES))
def test_the_log_is_public(client, session, shop, endpoint):
    from storefront.models import LedgerEntry, utcnow
    from storefront.services import log
    from tests.factories import Line

    make_paid_order(session, shop.venture, [Line(shop.product)])
    paid = Payout(
        cause_id=shop.cause.id, amount=1, currency="KRW", paid_on=date(2026, 1, 2),
        bank_reference="REF", created_at=utcnow(),
    )  # fmt: skip
    session.add(paid)
    session.flush()
    log.append(session, [paid])
    log.checkpoint(session, client.application.extensions["log_signer"], utcnow())
    size = log.latest(session).size
    session.commit()
    method, path = PUBLIC_LOG_ROUTES[endpoint]
    url = path.format(
        size=size, entry_id=session.scalar(select(LedgerEntry.id).limit(1)), payout_id=paid.id
    )
    for who in (None, "ops@example.com"):
        if who:
            make_operator(session)
            session.commit()
            sign_in(client, email=who)
        response = client.post(url, data=b"") if method == "POST" else client.get(url)
        assert response.status_code == PUBLIC_LOG_STATUS.get(endpoint, 200), url
