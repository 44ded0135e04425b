"""gunicorn's access line (gunicorn.conf.py's Logger) never writes a link's token."""

from __future__ import annotations

import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "log_format",
    [
        None,  # the shop's own format
        '%(h)s "%(r)s" %(q)s %(U)s %({referer}i)s %({raw_uri}e)s',  # one an operator may set
    ],
)
def test_the_access_line_redacts_every_atom_it_writes(monkeypatch, tmp_path, log_format):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", log_format or conf["access_log_format"])
    logger = conf["Logger"](cfg)
    secret_path = "/account/reset/SECRET-PATH"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{secret_path}?token=SECRET-QUERY",
        "PATH_INFO": secret_path,
        "QUERY_STRING": "token=SECRET-QUERY",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    request = SimpleNamespace(headers=[("REFERER", f"https://shop.test{secret_path}")])
    response = SimpleNamespace(status="200 OK", sent=12, headers=[("X-Request-ID", "rid-12345678")])
    records: list[logging.LogRecord] = []
    keep = logging.Handler()
    keep.emit = records.append  # type: ignore[method-assign]
    logger.access_log.addHandler(keep)
    logger.access(response, request, environ, timedelta(milliseconds=3))
    [record] = records
    line = record.getMessage()
    assert "/account/reset/[redacted]" in line
    assert "SECRET" not in line and "SECRET" not in str(record.http)  # type: ignore[attr-defined]
