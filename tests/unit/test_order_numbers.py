import re
from datetime import UTC, datetime

from storefront.domain.order_numbers import ALPHABET, new_order_number, normalise


def test_order_numbers_carry_the_seoul_date_and_an_unambiguous_tail():
    # 16:00 UTC on 26 November is already 27 November in Seoul
    number = new_order_number(datetime(2026, 11, 26, 16, 0, tzinfo=UTC))
    assert re.fullmatch(r"SS-261127-[0-9A-Z]{5}", number)
    assert not set(number[-5:]) & set("ILOU")
    assert set(number[-5:]) <= set(ALPHABET)


def test_typed_numbers_are_normalised():
    assert normalise(" ss-261127-ab0c1 ") == "SS-261127-AB0C1"
    assert normalise("SS-261127-ABOCL") == "SS-261127-AB0C1"
