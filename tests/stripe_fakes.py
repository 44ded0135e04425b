"""A stand-in for Stripe's servers: the SDK's own HTTP client interface, recording each call."""

from __future__ import annotations

import json
from typing import Any

import stripe


class RecordingClient(stripe.HTTPClient):
    """Answers each request with the next canned response and keeps what was sent.

    A response that is an exception (``stripe.APIConnectionError``: a timeout) is raised
    instead, as the SDK's own HTTP clients raise it."""

    name = "recording"

    def __init__(self, responses: list[tuple[int, dict[str, Any]] | Exception]) -> None:
        super().__init__()
        self.responses = list(responses)
        self.requests: list[dict[str, Any]] = []

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        self.requests.append(
            {"method": method, "url": url, "headers": dict(headers or {}), "body": post_data}
        )
        answer = self.responses.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body = answer
        return json.dumps(body), status, {"request-id": "req_test"}

    def close(self):
        pass
