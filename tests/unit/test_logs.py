"""Log lines: secrets out of URLs, JSON that carries the request id."""

import json
import logging

import pytest

from storefront.web.logs import JsonFormatter, RequestIdFilter, redact


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("/orders/SS-1234?token=abc.DEF-123", "/orders/SS-1234?token=[redacted]"),
        ("/receipts/SS-1?lang=en&token=abc#top", "/receipts/SS-1?lang=en&token=[redacted]#top"),
        ("/account/reset/IjEi.Zx-9", "/account/reset/[redacted]"),
        ("/test-pay/tps_0a1b2c", "/test-pay/[redacted]"),
        ("/receipts/statement/eyJ.abc/pdf", "/receipts/statement/[redacted]/pdf"),
        ("/seller/invitations/tok123", "/seller/invitations/[redacted]"),
        (
            "/checkout/success/SS-9?token=t1&session_id=cs_123",
            "/checkout/success/SS-9?token=[redacted]&session_id=[redacted]",
        ),
        ("GET /account/reset/abc HTTP/1.1", "GET /account/reset/[redacted] HTTP/1.1"),
        (
            "https://shop.example/orders/SS-1?token=t",
            "https://shop.example/orders/SS-1?token=[redacted]",
        ),
        ("/products?q=token&page=2", "/products?q=token&page=2"),
        ("token=abc&lang=en", "token=[redacted]&lang=en"),
        ("/receipts/statement", "/receipts/statement"),
    ],
)
def test_redact_hides_link_tokens_and_keeps_the_rest(raw, expected):
    assert redact(raw) == expected


def _record(**extra):
    record = logging.LogRecord(
        "storefront.x", logging.WARNING, __file__, 1, "hello %s", ("you",), None
    )
    record.__dict__.update(extra)
    return record


def test_json_lines_carry_the_message_level_and_request_id():
    record = _record()
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello you"
    assert line["level"] == "WARNING"
    assert line["request_id"] == "-"  # outside a request


def test_a_record_that_brings_its_request_id_keeps_it():
    record = _record(request_id="abc12345", http={"status": 200})
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abc12345"
    assert line["http"] == {"status": 200}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/orders/SS-1?token=abc123", "/orders/SS-1?token=[redacted]"),
        (
            "/orders/SS-1/receipt.pdf?lang=en&token=abc-_123&x=1",
            "/orders/SS-1/receipt.pdf?lang=en&token=[redacted]&x=1",
        ),
        (
            "/checkout/success/SS-1?token=t0k&session_id=cs_test_9",
            "/checkout/success/SS-1?token=[redacted]&session_id=[redacted]",
        ),
        ("/account/reset/eyJ1IjoxfQ.aw8p.toHa", "/account/reset/[redacted]"),
        ("/test-pay/cs_test_abc", "/test-pay/[redacted]"),
        ("/receipts/statement/eyJl.x.y", "/receipts/statement/[redacted]"),
        ("/receipts/statement/eyJl.x.y/pdf", "/receipts/statement/[redacted]/pdf"),
        ("/seller/invitations/eyJ2.a.b", "/seller/invitations/[redacted]"),
        ("GET /account/reset/abc.def?x=1 HTTP/1.1", "GET /account/reset/[redacted]?x=1 HTTP/1.1"),
        ("/receipts/statement", "/receipts/statement"),  # the form has no token
        ("/orders/lookup", "/orders/lookup"),
        ("/products/12?page=2", "/products/12?page=2"),
        ("/orders/SS-1?TOKEN=abc", "/orders/SS-1?TOKEN=[redacted]"),
    ],
)
def test_redact_hides_the_secret_part_of_every_kind_of_link(line, expected):
    assert redact(line) == expected


def test_redacting_twice_changes_nothing_more():
    once = redact("/account/reset/abc?token=x")
    assert redact(once) == once
