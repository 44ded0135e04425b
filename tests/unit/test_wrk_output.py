"""bench/http_pages.py reads wrk's report: outputs captured from wrk 4.1.0 (Debian's package)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.wrk import WrkOutputError, parse

CAPTURED = Path(__file__).parent / "wrk_output"


def captured(name: str) -> str:
    return (CAPTURED / name).read_text()


def test_reads_rate_requests_and_the_latency_distribution_in_milliseconds() -> None:
    result = parse(captured("ok.txt"))
    assert result.requests_per_second == 46.06
    assert result.requests == 142
    assert result.seconds == pytest.approx(3.08)
    assert result.latency_ms == {"50": 190.13, "75": 244.95, "90": 289.68, "99": 512.33}
    assert (result.p50_ms, result.p99_ms) == (190.13, 512.33)
    assert result.errors == 0


def test_counts_answers_that_are_not_2xx_or_3xx_as_errors() -> None:
    result = parse(captured("non_2xx.txt"))
    assert result.non_2xx_3xx == 1215
    assert result.errors == 1215
    assert result.latency_ms["50"] == 5.90


def test_counts_socket_timeouts_as_errors() -> None:
    result = parse(captured("timeouts.txt"))
    assert result.socket_errors == {"connect": 0, "read": 0, "write": 0, "timeout": 3}
    assert result.errors == 3
    assert result.requests_per_second == 173.07


def test_converts_microseconds_and_seconds() -> None:
    text = (
        captured("ok.txt")
        .replace("50%  190.13ms", "50%  812.00us")
        .replace("99%  512.33ms", "99%    1.50s")
    )
    result = parse(text)
    assert result.p50_ms == pytest.approx(0.812)
    assert result.p99_ms == 1500.0


def test_refuses_a_report_without_the_latency_distribution() -> None:
    without = "\n".join(
        line for line in captured("ok.txt").splitlines() if "Latency Distribution" not in line
    )
    with pytest.raises(WrkOutputError, match="--latency"):
        parse(without)


def test_refuses_output_that_is_not_a_report() -> None:
    with pytest.raises(WrkOutputError):
        parse("unable to connect to 127.0.0.1:18050 Connection refused\n")
