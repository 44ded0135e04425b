"""The gift a checkout asks for: nothing, a preset, or a typed whole amount within the limits."""

import pytest

from storefront.domain.errors import GiftRefused
from storefront.domain.gifts import GiftLimits, gift_amount
from storefront.domain.receipts import net_of

LIMITS = GiftLimits(1_000, 1_000_000, (1_000, 3_000, 5_000, 10_000))


@pytest.mark.parametrize(
    ("choice", "typed", "amount"),
    [
        ("", "", 0),
        ("0", "12345", 0),  # "no gift" ignores a leftover typed amount
        ("5000", "", 5000),
        ("other", "1000", 1000),
        ("other", " 12,345 ", 12345),
        ("other", "1000000", 1_000_000),
        ("other", "0005000", 5000),
    ],
)
def test_a_gift_is_nothing_a_preset_or_the_typed_amount(choice, typed, amount):
    assert gift_amount(choice, typed, LIMITS) == amount


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "gift.not_a_number"),
        ("abc", "gift.not_a_number"),
        ("12.5", "gift.not_a_number"),
        ("1e4", "gift.not_a_number"),
        ("٣٠٠٠", "gift.not_a_number"),  # digits, but not ASCII ones
        ("-1000", "gift.too_small"),
        ("999", "gift.too_small"),
        ("1000001", "gift.too_large"),
        ("9" * 5000, "gift.too_large"),  # never parsed: longer than the limit
    ],
)
def test_a_typed_gift_outside_the_rules_is_refused_on_its_field(typed, code):
    with pytest.raises(GiftRefused) as refused:
        gift_amount("other", typed, LIMITS)
    assert refused.value.code == code and refused.value.field == "gift_other"


def test_the_limits_name_the_bound_that_was_crossed():
    with pytest.raises(GiftRefused) as low:
        gift_amount("other", "10", LIMITS)
    with pytest.raises(GiftRefused) as high:
        gift_amount("other", "2000000", LIMITS)
    assert low.value.params == {"lowest": 1_000} and high.value.params == {"highest": 1_000_000}


def test_a_gift_counts_toward_the_receipt_total_net_of_its_reversal():
    net = net_of([("donation", 1500), ("match", 1500), ("gift", 5000), ("gift_reversal", -1428)])
    assert (net.donation, net.match, net.gift, net.reversed_gift) == (1500, 1500, 3572, -1428)
    assert net.total == 6572 and net.pledged == 8000 and net.has_gift
    assert not net_of([("donation", 1500)]).has_gift
    assert net_of([("gift", 5000), ("gift_reversal", -5000)]).has_gift  # reversed, still shown
