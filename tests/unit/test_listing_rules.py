"""A listing's statuses and a venture's giving rate, as plain rules."""

import pytest

from storefront.domain.errors import ListingRefused
from storefront.domain.listings import TRANSITIONS, GivingBounds, status_after


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        ("draft", "publish", "published"),
        ("published", "unpublish", "draft"),
        ("draft", "archive", "archived"),
        ("published", "archive", "archived"),
        ("archived", "restore", "draft"),
    ],
)
def test_each_action_moves_a_listing_to_its_status(status, action, after):
    assert status_after(status, action) == after


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("published", "publish"),  # already for sale
        ("draft", "unpublish"),
        ("archived", "publish"),  # an archived listing comes back as a draft first
        ("archived", "archive"),
        ("draft", "restore"),
        ("published", "restore"),
    ],
)
def test_an_action_not_allowed_from_the_status_is_refused(status, action):
    with pytest.raises(ListingRefused):
        status_after(status, action)


def test_an_unknown_action_is_refused():
    with pytest.raises(ListingRefused) as refused:
        status_after("draft", "delete")
    assert refused.value.code == "listing.transition"


def test_an_archived_listing_never_goes_straight_back_on_sale():
    reachable = {target for sources, target in TRANSITIONS.values() if "archived" in sources}
    assert reachable == {"draft"}


def test_giving_rates_within_the_bounds_are_accepted_both_ends_included():
    bounds = GivingBounds(minimum=100, maximum=3000)
    assert [bounds.check(bp) for bp in (100, 550, 3000)] == [100, 550, 3000]


@pytest.mark.parametrize("rate_bp", [0, 99, 3001, -100])
def test_giving_rates_outside_the_bounds_are_refused_on_the_rate_field(rate_bp):
    with pytest.raises(ListingRefused) as refused:
        GivingBounds(minimum=100, maximum=3000).check(rate_bp)
    assert (refused.value.code, refused.value.field) == ("listing.giving_rate", "rate")
