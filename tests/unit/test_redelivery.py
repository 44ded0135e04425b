"""The test provider redelivers an unacknowledged event with backoff, as Stripe does."""

from datetime import timedelta
from itertools import pairwise

from storefront.payments.test_provider import MAX_DELIVERY_ATTEMPTS, redelivery_delay


def test_the_wait_doubles_after_each_failed_attempt():
    waits = [redelivery_delay(attempt) for attempt in range(1, MAX_DELIVERY_ATTEMPTS)]
    assert waits[:3] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)]
    assert all(b == 2 * a for a, b in pairwise(waits))


def test_it_gives_up_after_the_last_attempt_about_an_hour_later():
    assert redelivery_delay(MAX_DELIVERY_ATTEMPTS) is None
    total = sum(
        (redelivery_delay(attempt) for attempt in range(1, MAX_DELIVERY_ATTEMPTS)), timedelta()
    )
    assert timedelta(minutes=45) < total < timedelta(hours=2)
