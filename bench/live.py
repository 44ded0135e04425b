"""The shop as the HTTP benches run it: a database built with the ``flask`` commands, and
gunicorn with ``gunicorn.conf.py`` in the production profile (docs/deploy.md) on a loopback
port, for bench/http_pages.py and bench/checkout.py."""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# Every request names the shop's public host, as the reverse proxy would pass it on.
SHOP_HOST = "shop.sangsaeng.test"
PORTS = range(18000, 18100)  # the ports the benches may use
REDIS = "redis://127.0.0.1:6379"
# Redis databases for the bench's rate-limit counts and job queue (the test suite uses 0, 1
# and 11 to 15); emptied before each run.
LIMITS_DB, JOBS_DB = 9, 10


def flask(env: dict[str, str], *args: str, timeout: float = 3600) -> str:
    """Run ``flask <args>``; its output, or exit with it."""
    done = subprocess.run(  # noqa: S603 - our own venv's flask
        [str(BIN / "flask"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


@cache
def log_key() -> str:
    """A signing key for the donation log, one per bench run (every process it starts)."""
    from storefront.domain import notes

    return notes.Signer.generate(f"{SHOP_HOST}/ledger").private_key_string()


def production_env(
    database_url: str, workdir: Path, workers: int, cache: str = "on", **extra: str
) -> dict[str, str]:
    """The environment docs/deploy.md asks for, with a local Redis, the test payment provider
    and this bench's folders. ``cache="off"`` sets ``CACHE_TYPE=NullCache``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "SANGSAENG_"))}
    env.update(
        {
            "FLASK_APP": "storefront",
            "SANGSAENG_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": database_url,
            "PAYMENT_PROVIDER": "test",  # no money moves; allowed in production when said
            "PUBLIC_URL": f"https://{SHOP_HOST}",
            "LOG_SIGNING_KEY": log_key(),  # production refuses to start without one
            "LOG_ORIGIN": f"{SHOP_HOST}/ledger",
            "REDIS_URL": f"{REDIS}/{LIMITS_DB}",
            "RATELIMIT_STORAGE_URI": f"{REDIS}/{LIMITS_DB}",
            "JOBS_BROKER_URL": f"{REDIS}/{JOBS_DB}",
            "MEDIA_ROOT": str(workdir / "media"),
            "PAYOUT_PROOFS_ROOT": str(workdir / "receipts"),
            "MAIL_BACKEND": "file",
            "MAIL_FILE_PATH": str(workdir / "outbox"),
            "WEB_CONCURRENCY": str(workers),
            # Steady state: no worker recycled (and re-importing the app) in the middle of a
            # measurement; the memory read after the run is that of the workers that served it.
            "GUNICORN_MAX_REQUESTS": "0",
            **extra,
        }
    )
    if cache == "off":
        env["CACHE_TYPE"] = "NullCache"
    else:
        env.pop("CACHE_TYPE", None)
    return env


def flush_redis() -> None:
    """Empty the bench's Redis databases (counts and jobs of an earlier run)."""
    import redis

    for number in (LIMITS_DB, JOBS_DB):
        client = redis.Redis.from_url(f"{REDIS}/{number}")
        try:
            client.flushdb()
        finally:
            client.close()


def fresh_postgresql(url: str) -> None:
    """Drop and create the database ``url`` names. Only a database whose name starts with
    ``bench``: this bench never drops anything else."""
    parsed = make_url(url)
    name = parsed.database or ""
    if not name.startswith("bench"):
        sys.exit(
            f"refusing to drop {name!r}: name a database starting with 'bench', or pass --reuse"
        )
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def build_database(env: dict[str, str], products: int, orders: int = 60) -> str:
    """Migrate, load the demo shop (unless it has data) and grow it to ``products``, with the
    ``flask`` commands an operator runs; what ``demo load`` said."""
    flask(env, "db", "upgrade")
    said = flask(
        env, "demo", "load", "--if-empty", "--orders", str(orders), "--products", str(products)
    )
    return said.strip()


def prepare_database(
    url: str, workdir: Path, products: int, reuse: bool, env: dict[str, str]
) -> str:
    """A database to bench: fresh (a new SQLite file, or a dropped and created PostgreSQL
    database) unless ``reuse``; migrated, loaded and grown either way."""
    if not reuse:
        if url.startswith("sqlite"):
            path = Path(make_url(url).database or "")
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
        else:
            fresh_postgresql(url)
    (workdir / "media").mkdir(parents=True, exist_ok=True)
    return build_database(env, products)


def free_port(taken: set[int] | None = None) -> int:
    """A loopback port in 18000-18099 that nothing listens on."""
    import socket

    for port in PORTS:
        if taken and port in taken:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    sys.exit("no free port in 18000-18099")


class Gunicorn:
    """gunicorn with gunicorn.conf.py on 127.0.0.1:``port`` serving ``app``; a context
    manager that starts it, waits until it answers and stops it (its process group)."""

    def __init__(
        self, env: dict[str, str], port: int, log: Path, app: str = "storefront:create_app()"
    ) -> None:
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        self.port, self.log, self.app = port, log, app
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", self.app],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=out,
                start_new_session=True,  # its own process group: stop() reaches every worker
            )
        self.wait_until_ready()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def get(self, path: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", path, headers={"Host": SHOP_HOST})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def wait_until_ready(self, seconds: float = 60) -> None:
        assert self.process is not None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited ({self.process.returncode}):\n{self.log.read_text()}")
            try:
                if self.get("/")[0] < 500 and len(self.workers()) >= self.workers_wanted():
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.3)
        sys.exit(f"gunicorn did not answer in {seconds} s:\n{self.log.read_text()}")

    def wait_until_idle(self, seconds: float = 300) -> None:
        """Until no connection waits to be accepted and no worker is serving one.

        When wrk stops, the requests its connections had sent are still queued: a sync
        worker accepts them and works through them, and they would eat into the next page's
        measurement (minutes of it for a slow page)."""
        deadline = time.monotonic() + seconds
        idle_checks = 0
        while time.monotonic() < deadline:
            idle_checks = idle_checks + 1 if self._idle() else 0
            if idle_checks >= 3:
                return
            time.sleep(0.2)
        print(f"  (gunicorn still busy after {seconds} s)", flush=True)

    def _idle(self) -> bool:
        sockets = _tcp_sockets()
        for port, state, queued in sockets.values():
            if port == self.port and state == LISTEN and queued:
                return False  # connections the kernel holds for accept()
        for pid in self.workers():
            for inode in _socket_inodes(pid):
                port, state, _ = sockets.get(inode, (0, "", 0))
                if port == self.port and state != LISTEN:
                    return False  # a request being served (or its answer being written)
        return True

    def workers_wanted(self) -> int:
        return int(self.env.get("WEB_CONCURRENCY", "1"))

    def workers(self) -> list[int]:
        """The pids of the master's worker processes (read from /proc)."""
        assert self.process is not None
        master = self.process.pid
        found = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                lines = status.read_text().splitlines()
            except OSError:
                continue
            ppid = next((line.split()[1] for line in lines if line.startswith("PPid:")), "")
            if ppid == str(master):
                found.append(int(status.parent.name))
        return sorted(found)

    def worker_rss_mib(self) -> list[float]:
        """Resident memory of each worker, in MiB (VmRSS from /proc/<pid>/status)."""
        sizes = []
        for pid in self.workers():
            try:
                lines = Path(f"/proc/{pid}/status").read_text().splitlines()
            except OSError:
                continue
            for line in lines:
                if line.startswith("VmRSS:"):
                    sizes.append(round(int(line.split()[1]) / 1024, 1))
        return sizes

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


LISTEN = "0A"


def _tcp_sockets() -> dict[str, tuple[int, str, int]]:
    """Every TCP socket on the machine by inode: local port, state, receive queue (for a
    listening socket, the connections waiting to be accepted)."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, queues, inode = fields[1], fields[3], fields[4], fields[9]
            found[inode] = (int(local.rsplit(":", 1)[1], 16), state, int(queues.split(":")[1], 16))
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes: set[str] = set()
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return inodes
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def stop_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so that the servers a bench started are stopped."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def load_average() -> tuple[float, float, float]:
    one, five, fifteen = os.getloadavg()
    return round(one, 2), round(five, 2), round(fifteen, 2)
