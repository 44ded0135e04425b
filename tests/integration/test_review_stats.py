"""Property: whatever sequence of new, hidden and restored reviews, the stored counts of each
product and venture (count, sum of stars, each number of stars, reviews with photos) equal a
count of the visible reviews made afresh."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storefront.domain.reviews import NO_RATING
from storefront.models import utcnow
from storefront.services import reviews
from tests.factories import Line, make_paid_order, make_product, make_venture

write_step = st.tuples(st.just("write"), st.integers(0, 3), st.integers(1, 5), st.booleans())
hide_step = st.tuples(st.just("hide"), st.integers(0, 30), st.just(0), st.just(False))
restore_step = st.tuples(st.just("restore"), st.integers(0, 30), st.just(0), st.just(False))
steps = st.lists(st.one_of(write_step, hide_step, restore_step), min_size=1, max_size=20)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_stored_counts_equal_a_recount_after_any_sequence(session, tmp_path, monkeypatch, steps):
    # the counts only need how many photos a review has, not real pictures
    monkeypatch.setattr(reviews.images, "encode_picture", lambda _upload: (b"f", b"t", (800, 600)))
    ventures = [make_venture(session), make_venture(session)]
    products = [make_product(session, ventures[i // 2]) for i in range(4)]
    written = []
    for kind, which, rating, photo in steps:
        if kind == "write":
            product = products[which]
            order = make_paid_order(
                session, ventures[which // 2], [Line(product, status="delivered")], record=False
            )
            uploads = [reviews.images.Upload("p.jpg", None)] if photo else []  # type: ignore[arg-type]
            draft = reviews.Draft(rating, "열 글자가 넘는 리뷰 본문입니다.")
            written.append(
                reviews.write(session, order, order.lines[0], draft, uploads, tmp_path, utcnow())
            )
        elif written:
            review = written[which % len(written)]
            (reviews.hide if kind == "hide" else reviews.restore)(session, review, utcnow())
        session.commit()
    assert reviews.stored(session) == reviews.recount(session)
    for product in products:  # what the page reads equals the recount, zero included
        expected = reviews.recount(session).get(("product", product.id), NO_RATING)
        assert reviews.rating_of(session, "product", product.id) == expected


def test_hiding_twice_or_restoring_a_visible_review_changes_nothing(session, tmp_path, shop):
    order = make_paid_order(session, shop.venture, [Line(shop.product, status="delivered")])
    review = reviews.write(
        session, order, order.lines[0], reviews.Draft(3, "보통이에요, 그래도 괜찮아요."), [],
        Path(tmp_path), utcnow(),
    )  # fmt: skip
    session.commit()
    assert reviews.restore(session, review, utcnow()) is False
    assert reviews.hide(session, review, utcnow()) is True
    assert reviews.hide(session, review, utcnow()) is False
    session.commit()
    assert reviews.rating_of(session, "product", shop.product.id).count == 0
    assert reviews.rating_of(session, "venture", shop.venture.id).count == 0
    assert reviews.stored(session) == reviews.recount(session) == {}
