"""Run ``wrk`` and read what it prints: requests per second, the latency percentiles of
``--latency``, the request count and the errors."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from typing import Any

INSTALL_HINT = (
    "wrk is not installed: `apt-get install -y wrk` (Debian, Ubuntu) or `brew install wrk`; "
    "https://github.com/wg/wrk"
)

# wrk's own units (its stats.c/units.c): latency in us, ms, s, m, h.
TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_TIME = r"([\d.]+)(us|ms|s|m|h)"


class WrkOutputError(ValueError):
    """wrk printed something this parser does not understand."""


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    requests: int
    seconds: float
    latency_ms: dict[str, float]  # "50", "75", "90", "99" -> milliseconds
    non_2xx_3xx: int
    socket_errors: dict[str, int]  # connect, read, write, timeout

    @property
    def p50_ms(self) -> float:
        return self.latency_ms["50"]

    @property
    def p99_ms(self) -> float:
        return self.latency_ms["99"]

    @property
    def errors(self) -> int:
        """Requests that did not get a 2xx or 3xx answer, and socket errors."""
        return self.non_2xx_3xx + sum(self.socket_errors.values())

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ms(number: str, unit: str) -> float:
    return float(number) * TIME_UNITS_MS[unit]


def parse(output: str) -> WrkResult:
    """Read a ``wrk --latency`` report."""
    rate = re.search(r"^Requests/sec:\s+([\d.]+)\s*$", output, re.M)
    total = re.search(r"^\s*(\d+) requests in " + _TIME, output, re.M)
    if not rate or not total:
        raise WrkOutputError(f"no request rate in wrk's output:\n{output}")
    if "Latency Distribution" not in output:
        raise WrkOutputError("no latency distribution: run wrk with --latency")
    latency = {
        match.group(1): _ms(match.group(2), match.group(3))
        for match in re.finditer(r"^\s+(50|75|90|99)%\s+" + _TIME + r"\s*$", output, re.M)
    }
    if set(latency) != {"50", "75", "90", "99"}:
        raise WrkOutputError(f"an incomplete latency distribution: {sorted(latency)}")
    non_2xx = re.search(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", output, re.M)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = dict.fromkeys(("connect", "read", "write", "timeout"), 0)
    if sockets:
        socket_errors = dict(zip(socket_errors, map(int, sockets.groups()), strict=True))
    return WrkResult(
        requests_per_second=float(rate.group(1)),
        requests=int(total.group(1)),
        seconds=_ms(total.group(2), total.group(3)) / 1000,
        latency_ms=latency,
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=socket_errors,
    )


def require_wrk() -> str:
    """The wrk program, or exit saying how to install it."""
    found = shutil.which("wrk")
    if not found:
        sys.exit(INSTALL_HINT)
    return found


def run(
    url: str,
    *,
    seconds: int,
    threads: int = 2,
    connections: int = 16,
    headers: dict[str, str] | None = None,
    timeout_seconds: int = 10,
) -> tuple[WrkResult, str]:
    """``wrk -t<threads> -c<connections> -d<seconds>s --latency`` against ``url``."""
    argv = [
        require_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={timeout_seconds}s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    done = subprocess.run(  # noqa: S603 - wrk from the PATH, our own arguments
        [*argv, url], capture_output=True, text=True, check=False, timeout=seconds + 60
    )
    if done.returncode != 0:
        raise WrkOutputError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return parse(done.stdout), done.stdout
