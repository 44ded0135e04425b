"""Reviews: only the buyer of a delivered line writes one, once, with up to three pictures;
the venture replies once; anyone reports one; an operator hides or restores it; the product
and venture pages show the counts, the bars, the photo filter and pages of reviews."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from storefront.models import Membership, Review, ReviewPhoto, ReviewReport, utcnow
from storefront.services import accounts, reviews
from tests.factories import Line, make_operator, make_paid_order, make_product
from tests.helpers import PASSWORD, count, english, picture, sign_in, text

FACTORY_TOKEN = "t"  # tests.factories.make_paid_order's access token
GOOD = {"rating": "4", "body": "쿠키가 바삭하고 맛있어요. 또 살게요!"}


def delivered_order(session, venture, product, *, status="delivered", name="김민지", **kw):
    order = make_paid_order(session, venture, [Line(product, status=status)], **kw)
    order.name = name
    session.commit()
    return order


def review_url(order, line=None, token=FACTORY_TOKEN):
    line = line or order.lines[0]
    url = f"/orders/{order.number}/lines/{line.id}/review"
    return f"{url}?token={token}" if token else url


def post_review(client, order, data=None, photos=(), **kw):
    form = {**GOOD, **(data or {})}
    form["photos"] = [(BytesIO(body), name) for name, body in photos]
    return client.post(review_url(order, **kw), data=form, content_type="multipart/form-data")


def add_review(session, order, rating=5, body="정말 좋은 상품이에요, 추천합니다.", photos=0):
    """A review written through the service, as the view would (with ``photos`` pictures)."""
    from storefront.services.images import Upload

    uploads = [Upload(f"p{i}.jpg", BytesIO(picture())) for i in range(photos)]
    review = reviews.write(
        session,
        order,
        order.lines[0],
        reviews.Draft(rating, body),
        uploads,
        Path(current_app.config["MEDIA_ROOT"]),
        utcnow(),
    )
    session.commit()
    return review


@pytest.fixture
def order(session, shop):
    return delivered_order(session, shop.venture, shop.product)


# -- writing ----------------------------------------------------------------------------------


def test_the_order_page_links_a_delivered_line_without_a_review(client, session, shop, order):
    english(client)
    undelivered = delivered_order(session, shop.venture, shop.cheap, status="shipped")
    line = order.lines[0]
    page = text(client.get(f"/orders/{order.number}?token=t"))
    assert f'data-testid="write-review-{line.id}"' in page and "Write a review" in page
    later = text(client.get(f"/orders/{undelivered.number}?token=t"))
    assert "write-review-" not in later
    assert post_review(client, order).status_code == 302
    assert "write-review-" not in text(client.get(f"/orders/{order.number}?token=t"))


def test_the_buyer_writes_a_review_with_photos_shown_under_a_masked_name(
    app, client, session, shop, order
):
    english(client)
    response = post_review(client, order, photos=[("a.jpg", picture()), ("b.png", picture("PNG"))])
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/orders/{order.number}?token=t")
    review = session.scalar(select(Review))
    assert (review.rating, review.author, review.photo_count) == (4, "김**", 2)
    photos = session.scalars(select(ReviewPhoto).order_by(ReviewPhoto.position)).all()
    media = Path(app.config["MEDIA_ROOT"])
    assert all((media / p.path).is_file() and (media / p.thumb_path).is_file() for p in photos)
    page = text(client.get(f"/products/{shop.product.id}"))
    assert 'data-testid="review-average">4.0<' in page and "1 review" in page
    assert "김**" in page and "김민지" not in page and GOOD["body"] in page
    assert page.count(photos[0].thumb_path) == 1 and photos[1].thumb_path in page


def test_someone_who_cannot_see_the_order_cannot_review_it(app, session, shop, order):
    stranger = english(app.test_client())
    assert stranger.get(review_url(order, token=None)).status_code == 404
    assert post_review(stranger, order, token=None).status_code == 404
    assert post_review(stranger, order, token="wrong").status_code == 404
    other = delivered_order(session, shop.venture, shop.cheap)
    # a line of another order through this order's page is not found either
    assert post_review(stranger, order, line=other.lines[0]).status_code == 404
    assert count(session, Review) == 0


def test_the_shopper_who_placed_the_order_reviews_without_the_token(client, session, order):
    english(client)
    client.get(f"/orders/{order.number}?token=t")  # the browser remembers the order
    assert post_review(client, order, token=None).status_code == 302
    assert count(session, Review) == 1


def test_a_line_not_yet_delivered_cannot_be_reviewed(client, session, shop):
    english(client)
    shipped = delivered_order(session, shop.venture, shop.product, status="shipped")
    page = client.get(review_url(shipped))
    assert page.status_code == 409
    assert "You can review a product once it has been delivered." in text(page)
    assert 'data-testid="review-form"' not in text(page)
    assert post_review(client, shipped).status_code == 409
    assert count(session, Review) == 0


def test_a_line_is_reviewed_once(client, session, order):
    english(client)
    assert post_review(client, order).status_code == 302
    again = post_review(client, order, {"rating": "1", "body": "두 번째 리뷰를 쓰려고 합니다."})
    assert again.status_code == 409
    assert "You have already reviewed this product from this order." in text(again)
    assert count(session, Review) == 1 and session.scalar(select(Review.rating)) == 4


def test_a_file_that_is_not_a_picture_is_refused_with_a_message(app, client, session, order):
    english(client)
    response = post_review(
        client, order, photos=[("ok.jpg", picture()), ("notes.jpg", b"<svg>not a picture</svg>")]
    )
    assert response.status_code == 400
    assert "notes.jpg is not a JPEG, PNG, WebP or GIF picture." in text(response)
    assert count(session, Review) == 0 and count(session, ReviewPhoto) == 0
    media = Path(app.config["MEDIA_ROOT"]) / "reviews"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_more_than_three_photos_are_refused(client, session, order):
    english(client)
    four = [(f"{i}.jpg", picture()) for i in range(4)]
    response = post_review(client, order, photos=four)
    assert response.status_code == 400 and "Add at most 3 photos." in text(response)
    assert count(session, Review) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "0"}, "Choose from 1 to 5 stars."),
        ({"rating": "6"}, "Choose from 1 to 5 stars."),
        ({"rating": ""}, "Choose from 1 to 5 stars."),
        ({"body": "짧아요"}, "Write from 10 to 2000 characters."),
        ({"body": "가" * 2001}, "Write from 10 to 2000 characters."),
    ],
)
def test_stars_and_text_out_of_range_are_refused(client, session, order, data, message):
    english(client)
    response = post_review(client, order, data)
    assert response.status_code == 400 and message in text(response)
    assert count(session, Review) == 0


# -- the venture's reply ----------------------------------------------------------------------


def test_the_venture_replies_once(client, session, shop, order, owner):
    review = add_review(session, order)
    url = f"/seller/ventures/{shop.venture.id}/reviews"
    listed = text(client.get(url))
    assert f'data-testid="seller-review-{review.id}"' in listed and "김**" in listed
    first = client.post(f"{url}/{review.id}/reply", data={"text": "감사합니다! 또 들러 주세요."})
    assert first.status_code == 302
    second = client.post(f"{url}/{review.id}/reply", data={"text": "다시 답합니다."})
    assert second.status_code == 409 and "This review already has a reply." in text(second)
    session.expire_all()
    assert session.get(Review, review.id).reply == "감사합니다! 또 들러 주세요."
    product_page = text(client.get(f"/products/{shop.product.id}"))
    assert "감사합니다! 또 들러 주세요." in product_page and "다시 답합니다." not in product_page


def test_an_empty_reply_is_refused(client, session, shop, order, owner):
    review = add_review(session, order)
    url = f"/seller/ventures/{shop.venture.id}/reviews/{review.id}/reply"
    assert client.post(url, data={"text": "   "}).status_code == 400
    assert client.post(url, data={"text": "가" * 1001}).status_code == 400
    session.expire_all()
    assert session.get(Review, review.id).reply is None


def test_a_venture_cannot_reply_to_another_ventures_review(client, session, shop, owner):
    theirs = delivered_order(session, shop.other_venture, shop.last_one)
    review = add_review(session, theirs)
    own_url = f"/seller/ventures/{shop.venture.id}/reviews/{review.id}/reply"
    assert client.post(own_url, data={"text": "남의 리뷰에 답하기"}).status_code == 404
    their_url = f"/seller/ventures/{shop.other_venture.id}/reviews/{review.id}/reply"
    assert client.post(their_url, data={"text": "남의 리뷰에 답하기"}).status_code == 404
    assert f"seller-review-{review.id}" not in text(
        client.get(f"/seller/ventures/{shop.venture.id}/reviews")
    )
    session.expire_all()
    assert session.get(Review, review.id).reply is None


# -- reports, hiding and restoring ------------------------------------------------------------


def test_anyone_reports_a_review_with_a_reason(app, session, shop, order):
    review = add_review(session, order)
    visitor = english(app.test_client())
    page = text(visitor.get(f"/products/{shop.product.id}"))
    assert f"/reviews/{review.id}/report" in page
    assert visitor.get(f"/reviews/{review.id}/report").status_code == 200
    refused = visitor.post(f"/reviews/{review.id}/report", data={"reason": "bribe"})
    assert refused.status_code == 400 and count(session, ReviewReport) == 0
    done = visitor.post(f"/reviews/{review.id}/report", data={"reason": "spam", "note": "광고"})
    assert done.status_code == 302
    report = session.scalar(select(ReviewReport))
    assert (report.review_id, report.reason, report.note) == (review.id, "spam", "광고")


def test_reports_are_rate_limited(make_app, session, order):
    review_id = add_review(session, order).id
    session.close()
    visitor = english(make_app(REVIEW_REPORT_RATE_LIMIT="2 per minute").test_client())
    statuses = [
        visitor.post(f"/reviews/{review_id}/report", data={"reason": "spam"}).status_code
        for _ in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_the_operator_hides_a_reported_review_and_restores_it(client, session, shop, order):
    english(client)
    hidden_one = add_review(session, order, rating=1, body="광고 링크가 들어간 리뷰입니다.")
    kept = add_review(session, delivered_order(session, shop.venture, shop.product), rating=4)
    client.post(f"/reviews/{hidden_one.id}/report", data={"reason": "spam"})
    client.post(f"/reviews/{kept.id}/report", data={"reason": "other"})
    page = f"/products/{shop.product.id}"
    assert 'review-average">2.5<' in text(client.get(page))
    make_operator(session)
    sign_in(client, email="ops@example.com")
    listed = text(client.get("/operator/reviews"))
    assert f'data-testid="reported-{hidden_one.id}"' in listed and "Spam or advertising" in listed
    assert client.post(f"/operator/reviews/{hidden_one.id}/hide").status_code == 302
    assert client.post(f"/operator/reviews/{kept.id}/restore").status_code == 302  # kept
    listed = text(client.get("/operator/reviews"))
    assert "reported-" not in listed  # both reports dealt with
    shown = text(client.get(page))
    assert 'review-average">4.0<' in shown and "1 review" in shown
    assert f"review-{hidden_one.id}" not in shown and 'data-testid="stars-1"' in shown
    assert re.search(r'data-testid="stars-1">.*?<span class="count">0</span>', shown, re.S)
    assert client.get(f"/reviews/{hidden_one.id}/report").status_code == 404
    assert client.post(f"/operator/reviews/{hidden_one.id}/restore").status_code == 302
    assert 'review-average">2.5<' in text(client.get(page))
    assert reviews.stored(session) == reviews.recount(session)


# -- the product and venture pages ------------------------------------------------------------


def test_the_pages_show_the_average_half_up_and_the_distribution(client, session, shop):
    english(client)
    for rating in (5, 4, 4):  # 13 / 3 = 4.33 -> 4.3
        add_review(session, delivered_order(session, shop.venture, shop.product), rating=rating)
    add_review(session, delivered_order(session, shop.venture, shop.cheap), rating=4)  # 17/4
    product_page = text(client.get(f"/products/{shop.product.id}"))
    assert 'review-average">4.3<' in product_page and "3 reviews" in product_page
    assert re.search(
        r'data-testid="stars-4">.*?value="66".*?<span class="count">2<', product_page, re.S
    )
    venture_page = text(client.get(f"/ventures/{shop.venture.slug}"))
    assert 'review-average">4.3<' in venture_page and "4 reviews" in venture_page  # 4.25 -> 4.3
    assert shop.cheap.title in venture_page  # the venture's page names each review's product


def test_no_reviews_yet(client, shop):
    english(client)
    assert 'data-testid="no-reviews"' in text(client.get(f"/products/{shop.product.id}"))
    assert 'data-testid="no-reviews"' in text(client.get(f"/ventures/{shop.venture.slug}"))


def test_the_photo_filter_and_pages_of_reviews(app, client, session, shop):
    english(client)
    ids = []
    for i in range(13):
        order = delivered_order(session, shop.venture, shop.product)
        ids.append(add_review(session, order, photos=1 if i % 4 == 0 else 0).id)
    with_photos = [ids[i] for i in range(13) if i % 4 == 0]
    base = f"/products/{shop.product.id}"
    first = text(client.get(base))
    shown = [int(n) for n in re.findall(r'data-testid="review-(\d+)"', first)]
    assert shown == sorted(ids, reverse=True)[:10]  # newest first, ten a page
    assert "Page 1 of 2" in first and "Photo reviews (4)" in first
    second = text(client.get(f"{base}?reviews_page=2"))
    assert [int(n) for n in re.findall(r'data-testid="review-(\d+)"', second)] == sorted(ids)[:3][
        ::-1
    ]
    far = text(client.get(f"{base}?reviews_page=999"))  # bounded: the last page
    assert "Page 2 of 2" in far
    assert client.get(f"{base}?reviews_page=abc").status_code == 200
    photos = text(client.get(f"{base}?reviews=photo"))
    assert sorted(int(n) for n in re.findall(r'data-testid="review-(\d+)"', photos)) == with_photos
    assert "Page " not in photos  # four photo reviews fit on one page
    venture_photos = text(client.get(f"/ventures/{shop.venture.slug}?reviews=photo"))
    found = sorted(int(n) for n in re.findall(r'data-testid="review-(\d+)"', venture_photos))
    assert found == with_photos


def test_a_new_or_hidden_review_shows_at_once_on_the_cached_pages(client, session, shop, order):
    english(client)
    pages = (f"/products/{shop.product.id}", f"/ventures/{shop.venture.slug}")
    for page in pages:
        assert 'data-testid="no-reviews"' in text(client.get(page))  # now in the cache
    review = add_review(session, order, rating=3)
    for page in pages:
        assert 'review-average">3.0<' in text(client.get(page))
    reviews.reply(session, review, "고맙습니다", None, utcnow())
    session.commit()
    for page in pages:
        assert "고맙습니다" in text(client.get(page))
    reviews.hide(session, review, utcnow())
    session.commit()
    for page in pages:
        assert 'data-testid="no-reviews"' in text(client.get(page))


def test_a_staff_member_of_the_venture_also_sees_its_reviews(client, session, shop, order):
    review = add_review(session, order)
    staff = accounts.sign_up(session, "staff@example.com", "직원", PASSWORD)
    session.add(Membership(user_id=staff.id, venture_id=shop.venture.id, role="staff"))
    session.commit()
    sign_in(client, email="staff@example.com")
    page = client.get(f"/seller/ventures/{shop.venture.id}/reviews")
    assert page.status_code == 200 and f"seller-review-{review.id}" in text(page)


def test_a_review_of_a_product_from_another_order_line_is_its_own(session, shop):
    product = make_product(session, shop.venture)
    order = delivered_order(session, shop.venture, product)
    add_review(session, order)
    assert reviews.rating_of(session, reviews.PRODUCT, product.id).count == 1
    assert reviews.rating_of(session, reviews.PRODUCT, shop.product.id).count == 0
