import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.domain.errors import EmptyCart, QuantityOutOfRange
from storefront.domain.pricing import DonationRule, LineInput, ShippingPolicy, price

SHIPPING = ShippingPolicy(fee=3000, free_threshold=30000)
RULE = DonationRule(giving_rate_bp=500, match_rate_bp=10000)


def line(product_id=1, venture_id=1, unit_price=15000, quantity=1, rule=RULE):
    return LineInput(product_id, venture_id, f"p{product_id}", unit_price, quantity, rule)


def test_a_single_line_pays_shipping_and_gives_five_percent_matched_one_to_one():
    quote = price([line()], "KRW", SHIPPING, 99)
    assert quote.goods_total == 15000
    assert quote.shipping_total == 3000
    assert quote.total == 18000
    assert quote.donation_total == 750
    assert quote.match_total == 750


def test_shipping_is_charged_per_venture_and_free_above_the_threshold():
    quote = price(
        [
            line(1, venture_id=1, unit_price=15000, quantity=2),  # 30,000: free
            line(2, venture_id=2, unit_price=9000),  # 9,000: pays 3,000
            line(3, venture_id=2, unit_price=1000),  # same venture, one parcel
        ],
        "KRW",
        SHIPPING,
        99,
    )
    assert quote.shipping_by_venture == {1: 0, 2: 3000}
    assert quote.total == 30000 + 10000 + 3000


def test_shipping_never_counts_towards_the_donation():
    quote = price([line(unit_price=1000)], "KRW", SHIPPING, 99)
    assert quote.shipping_total == 3000
    assert quote.donation_total == 50


def test_each_line_rounds_down_on_its_own():
    rule = DonationRule(giving_rate_bp=700, match_rate_bp=5000)
    quote = price(
        [line(1, unit_price=3333, rule=rule), line(2, unit_price=3333, rule=rule)],
        "KRW",
        SHIPPING,
        99,
    )
    # 7% of 3,333 is 233.31 -> 233 per line; match 50% of 233 is 116.5 -> 116
    assert [pl.donation_amount for pl in quote.lines] == [233, 233]
    assert [pl.match_amount for pl in quote.lines] == [116, 116]


def test_an_empty_cart_cannot_be_priced():
    with pytest.raises(EmptyCart):
        price([], "KRW", SHIPPING, 99)


@pytest.mark.parametrize("quantity", [0, -1, 100, 10**9])
def test_quantities_outside_one_to_the_maximum_are_refused(quantity):
    with pytest.raises(QuantityOutOfRange):
        price([line(quantity=quantity)], "KRW", SHIPPING, 99)


def test_the_rule_is_described_for_the_ledger():
    assert RULE.describe() == "5% of goods, rounded down; match 100% of that, rounded down"


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=100, max_value=2_000_000),
            st.integers(min_value=1, max_value=99),
            st.integers(min_value=0, max_value=10000),
            st.integers(min_value=1, max_value=4),
        ),
        min_size=1,
        max_size=8,
    ),
    st.integers(min_value=0, max_value=20000),
)
def test_totals_add_up_and_donations_never_exceed_the_rule(rows, match_bp):
    lines = [
        line(i, venture_id=v, unit_price=p, quantity=q, rule=DonationRule(bp, match_bp))
        for i, (p, q, bp, v) in enumerate(rows)
    ]
    quote = price(lines, "KRW", SHIPPING, 99)
    assert quote.total == quote.goods_total + quote.shipping_total
    for pl in quote.lines:
        assert pl.goods_amount == pl.unit_price * pl.quantity
        # rounded down: never more than the exact share, and less than one won short of it
        assert pl.donation_amount * 10000 <= pl.goods_amount * pl.rule.giving_rate_bp
        assert (pl.donation_amount + 1) * 10000 > pl.goods_amount * pl.rule.giving_rate_bp
        assert pl.match_amount * 10000 <= pl.donation_amount * match_bp
    assert set(quote.shipping_by_venture) == {v for *_, v in rows}
