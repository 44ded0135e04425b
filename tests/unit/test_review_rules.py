"""The rules of reviews: who may write one, its shape, the shown name, the average's rounding."""

import pytest

from storefront.domain.errors import ReviewRefused
from storefront.domain.reviews import (
    Rating,
    check_reply,
    check_review,
    check_reviewable,
    masked_name,
)

LONG = "열 글자가 넘는 리뷰입니다"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("김민지", "김**"),
        ("이 수", "이*"),
        ("Jane Doe", "J******"),
        ("", "*"),
        ("가" * 30, "가" + "*" * 9),
    ],
)
def test_the_reviewers_name_is_masked_after_its_first_letter(name, shown):
    assert masked_name(name) == shown


@pytest.mark.parametrize(
    ("rating_sum", "count", "shown"),
    [(13, 3, "4.3"), (17, 4, "4.3"), (9, 2, "4.5"), (29, 7, "4.1"), (5, 1, "5.0"), (0, 0, "0.0")],
)
def test_the_average_has_one_decimal_rounded_half_up(rating_sum, count, shown):
    # 17 / 4 = 4.25 -> 4.3 (half up, not to even); 29 / 7 = 4.142... -> 4.1
    assert Rating(count, rating_sum, (0, 0, 0, 0, 0), 0).average == shown


def test_the_bars_run_from_five_stars_with_percentages_rounded_down():
    rating = Rating(3, 13, (0, 0, 0, 2, 1), 0)
    assert rating.bars() == [(5, 1, 33), (4, 2, 66), (3, 0, 0), (2, 0, 0), (1, 0, 0)]


@pytest.mark.parametrize(
    ("status", "reviewed", "code"),
    [("shipped", False, "review.not_delivered"), ("paid", False, "review.not_delivered"),
     ("cancelled", False, "review.not_delivered"), ("delivered", True, "review.already_written")],
)  # fmt: skip
def test_only_a_delivered_line_without_a_review_is_reviewable(status, reviewed, code):
    with pytest.raises(ReviewRefused) as refused:
        check_reviewable(status, reviewed)
    assert refused.value.code == code
    check_reviewable("delivered", False)


@pytest.mark.parametrize(
    ("rating", "body", "photos", "code"),
    [(0, LONG, 0, "review.rating"), (6, LONG, 0, "review.rating"),
     (3, "  짧다  ", 0, "review.body"), (3, "가" * 2001, 0, "review.body"),
     (3, LONG, 4, "review.too_many_photos")],
)  # fmt: skip
def test_stars_text_and_photos_out_of_range_are_refused(rating, body, photos, code):
    with pytest.raises(ReviewRefused) as refused:
        check_review(rating, body, photos)
    assert refused.value.code == code


def test_a_review_keeps_its_text_stripped():
    assert check_review(5, "  열 글자가 넘는 리뷰입니다  ", 3) == "열 글자가 넘는 리뷰입니다"


def test_a_reply_is_one_per_review_and_not_empty():
    assert check_reply(" 감사합니다 ", False) == "감사합니다"
    with pytest.raises(ReviewRefused) as twice:
        check_reply("감사합니다", True)
    with pytest.raises(ReviewRefused) as empty:
        check_reply("   ", False)
    assert (twice.value.code, empty.value.code) == ("review.already_replied", "review.reply")
