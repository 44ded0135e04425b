import pytest

from storefront.payments import PaymentError
from storefront.payments.test_provider import card_outcome, refuse_live_keys


@pytest.mark.parametrize(
    ("card", "outcome"),
    [
        ("4242 4242 4242 4242", "succeeded"),
        ("4000000000000002", "card_declined"),
        ("4000 0000 0000 9995", "insufficient_funds"),
        ("1234 5678 9012 3456", None),
    ],
)
def test_stripe_test_cards_do_what_stripe_documents(card, outcome):
    assert card_outcome(card) == outcome


def test_the_test_provider_refuses_live_keys():
    refuse_live_keys("sk_test_123", "")
    with pytest.raises(PaymentError):
        refuse_live_keys("sk_live_abc")
