#!/usr/bin/env python3
"""Set up and run Sangsaeng on a fresh machine that has only Python 3.11.

    python3 dev.py serve [--port 5000]   # venv, install, migrate, demo data, serve
    python3 dev.py test [pytest args]    # venv, test dependencies, lint, types, both databases

Everything goes into ./.venv; the demo database is instance/sangsaeng.db and survives restarts.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=env)


def ensure_venv(extras: str = "") -> None:
    """Create the virtualenv and install the project, again only when pyproject.toml changed."""
    if not PY.exists():
        print(f"Creating a virtualenv in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed{extras or '-base'}"
    if not stamp.exists() or stamp.read_text() != digest:
        run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PY, "-m", "pip", "install", "--quiet", "-e", f".{extras}")
        stamp.write_text(digest)
    run(BIN / "pybabel", "compile", "-d", "storefront/translations")


def flask_env() -> dict[str, str]:
    return {**os.environ, "FLASK_APP": "storefront"}


def serve(args: argparse.Namespace) -> None:
    ensure_venv()
    env = flask_env()
    # Links in emails come from configuration, never from a request's Host header: the demo's
    # public address is the one it serves on, and it answers to the local names only.
    env.setdefault("PUBLIC_URL", f"http://{args.host}:{args.port}")
    env.setdefault("TRUSTED_HOSTS", ",".join(dict.fromkeys([args.host, "127.0.0.1", "localhost"])))
    run(BIN / "flask", "db", "upgrade", env=env)
    run(BIN / "flask", "demo", "load", "--if-empty", env=env)
    print(f"\nSangsaeng is at http://{args.host}:{args.port}/  (Ctrl+C stops it)\n", flush=True)
    os.execve(
        str(BIN / "flask"),
        [str(BIN / "flask"), "run", "--host", args.host, "--port", str(args.port)],
        env,
    )


def test(args: argparse.Namespace) -> None:
    ensure_venv("[test,prod]")  # the production profile's boot test runs gunicorn
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy")
    env = {**os.environ}
    print("\n== pytest on SQLite ==", flush=True)
    run(PY, "-m", "pytest", *args.pytest_args, env={**env, "SANGSAENG_TEST_DB": "sqlite"})
    print("\n== pytest on PostgreSQL ==", flush=True)
    run(
        PY,
        "-m",
        "pytest",
        "-m",
        "not browser",
        *args.pytest_args,
        env={**env, "SANGSAENG_TEST_DB": "postgresql"},
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve", help="install, migrate, load the demo and serve the shop")
    p_serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    p_serve.add_argument("--host", default="127.0.0.1")
    p_serve.set_defaults(func=serve)
    p_test = sub.add_parser("test", help="install test dependencies and run the whole suite")
    p_test.add_argument("pytest_args", nargs=argparse.REMAINDER)
    p_test.set_defaults(func=test)
    # Everything after ``test`` goes to pytest, options included (``test -k webhook``).
    args, unknown = parser.parse_known_args()
    if args.command == "test":
        args.pytest_args = [*unknown, *args.pytest_args]
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        args.func(args)
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main()
