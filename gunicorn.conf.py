"""Gunicorn settings for the production profile (docs/deploy.md), all from the environment.

    gunicorn -c gunicorn.conf.py "storefront:create_app()"

Workers are separate processes (no preloading: each opens its own database pool after the
fork). Logs go to stderr, one JSON object a line in production, with the request id on
every line, gunicorn's access line included; link tokens never reach them.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import tempfile
import traceback
from typing import Any

# Prometheus counts per process; the workers write their samples into one folder that a
# scrape adds up. It must be set before any worker imports prometheus_client.
_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="sangsaeng-metrics-")
METRICS_DIR = os.environ["PROMETHEUS_MULTIPROC_DIR"]

from gunicorn import glogging  # noqa: E402 - after the metrics folder is chosen

from storefront.web.logs import redact  # noqa: E402

wsgi_app = "storefront:create_app()"

# Where to listen: behind a reverse proxy on the same host, loopback is right.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: two per core and one is gunicorn's advice; each holds a database pool.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a worker silent this long is killed
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))  # above the proxy's idle timeout
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))  # recycle workers...
max_requests_jitter = max_requests // 10  # ...not all at once
SHM = "/dev/shm"  # noqa: S108 - gunicorn's advice: worker heartbeats off a disk that may stall
if os.path.isdir(SHM):
    worker_tmp_dir = SHM

control_socket_disable = True  # nothing here uses gunicornc; two servers would share its path

# Trust X-Forwarded-Proto/-For only from the reverse proxy. Keep this to the proxy's address
# (the default is this host); "*" only when nothing but the proxy can reach gunicorn.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs: stderr only, JSON in production unless LOG_FORMAT says "plain".
production = os.environ.get("SANGSAENG_ENV") == "production"
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("json" if production else "plain")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "storefront.web.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "storefront.web.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
    },
}


HTTP_FIELDS = {"method": "m", "path": "U", "status": "s", "duration_ms": "M", "bytes": "B"}


@functools.cache
def written_atoms(log_format: str) -> frozenset[str]:
    """The atoms an access line shows: those of the format, and the JSON line's ``http``."""
    named = {key.lower() for key in re.findall(r"%\(([^)]*)\)", log_format)}
    return frozenset(named | set(HTTP_FIELDS.values()) | {"h"})


class Logger(glogging.Logger):
    """Gunicorn's logger, with link tokens out of the access line and its fields (the
    request id from the response's X-Request-ID among them) given to the JSON formatter."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        # Only the atoms the line writes are redacted: gunicorn's dict also holds every header
        # and environ entry (about 60 strings), and two regexes on each cost a cached page
        # about a tenth of its time.
        atoms = super().atoms(resp, req, environ, request_time)
        for key in written_atoms(self.cfg.access_log_format):
            value = atoms.get(key)
            if isinstance(value, str):
                atoms[key] = redact(value)
        return atoms

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        http = {field: atoms[key] for field, key in HTTP_FIELDS.items()}
        http["status"] = int(str(http["status"]))
        http["remote"] = atoms["h"]
        extra = {"request_id": atoms.get("{x-request-id}o") or "-", "http": http}
        try:
            self.access_log.info(
                self.cfg.access_log_format, self.atoms_wrapper_class(atoms), extra=extra
            )
        except Exception:
            self.error(traceback.format_exc())


logger_class = Logger


def on_starting(server: Any) -> None:
    """Start with an empty metrics folder: samples of an earlier run's workers would count."""
    for entry in os.scandir(METRICS_DIR):
        if entry.is_file() and entry.name.endswith(".db"):
            os.unlink(entry.path)


def child_exit(server: Any, worker: Any) -> None:
    """Let a dead worker's gauges go; its counters stay in the sums."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def on_exit(server: Any) -> None:
    if _own_metrics_dir:
        shutil.rmtree(METRICS_DIR, ignore_errors=True)
