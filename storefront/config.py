"""Settings read from the environment, with safe defaults for the demo and tests.

Production (``SANGSAENG_ENV=production``) has no default for any secret: the app refuses to
start without ``SECRET_KEY`` and ``DATABASE_URL``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from storefront.domain.errors import ConfigError as ConfigError  # re-exported

DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production below


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def load(instance_path: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables."""
    env = os.environ if env is None else env
    mode = env.get("SANGSAENG_ENV", "development")
    production = mode == "production"
    instance = Path(instance_path)

    secret_key = env.get("SECRET_KEY") or ("" if production else DEV_SECRET_KEY)
    database_url = env.get("DATABASE_URL") or (
        "" if production else f"sqlite:///{instance / 'sangsaeng.db'}"
    )
    if production and (not secret_key or not database_url):
        raise ConfigError("SECRET_KEY and DATABASE_URL must be set in production")

    stripe_key = env.get("STRIPE_SECRET_KEY", "")
    provider = env.get("PAYMENT_PROVIDER") or ("stripe" if stripe_key else "test")
    if production and provider == "stripe" and not env.get("STRIPE_WEBHOOK_SECRET"):
        raise ConfigError("STRIPE_WEBHOOK_SECRET must be set in production")
    if production and provider == "test" and env.get("PAYMENT_PROVIDER") != "test":
        raise ConfigError("set STRIPE_SECRET_KEY, or PAYMENT_PROVIDER=test to run without payments")
    mail_backend = env.get("MAIL_BACKEND") or ("smtp" if env.get("MAIL_SERVER") else "file")
    jobs_broker = env.get("JOBS_BROKER_URL") or "memory://"
    in_process = env.get("JOBS_IN_PROCESS", "")

    return {
        "ENV_MODE": mode,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # Payments
        "PAYMENT_PROVIDER": provider,
        "STRIPE_SECRET_KEY": stripe_key,
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE", ""),
        "ORDER_HOLD_MINUTES": _int(env, "ORDER_HOLD_MINUTES", 30),
        # Shop rules (amounts in the currency's minor unit; KRW has none)
        "SHOP_CURRENCY": env.get("SHOP_CURRENCY", "KRW"),
        "SHIPPING_FEE": _int(env, "SHIPPING_FEE", 3000),
        "FREE_SHIPPING_THRESHOLD": _int(env, "FREE_SHIPPING_THRESHOLD", 30000),
        "GIVING_RATE_MIN_BP": _int(env, "GIVING_RATE_MIN_BP", 100),
        "GIVING_RATE_MAX_BP": _int(env, "GIVING_RATE_MAX_BP", 3000),
        "PLATFORM_FEE_BP": _int(env, "PLATFORM_FEE_BP", 500),
        "MAX_LINE_QUANTITY": _int(env, "MAX_LINE_QUANTITY", 99),
        "PRODUCTS_PER_PAGE": _int(env, "PRODUCTS_PER_PAGE", 24),
        # Files
        "MEDIA_ROOT": env.get("MEDIA_ROOT") or str(instance / "media"),
        # Payout receipts: kept apart from /media and served by their own route.
        "PAYOUT_PROOFS_ROOT": env.get("PAYOUT_PROOFS_ROOT") or str(instance / "receipts"),
        # Mail (Flask-Mailman: console, file, smtp, locmem)
        "MAIL_BACKEND": mail_backend,
        "MAIL_FILE_PATH": env.get("MAIL_FILE_PATH") or str(instance / "outbox"),
        "MAIL_SERVER": env.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": _int(env, "MAIL_PORT", 25),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "") in {"1", "true", "yes"},
        "MAIL_USERNAME": env.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Sangsaeng <shop@sangsaeng.test>"),
        "MAIL_TIMEOUT": _int(env, "MAIL_TIMEOUT", 10),  # seconds; a silent server must not hang
        # Jobs (Huey): memory:// runs them in the web process (the demo); production sets
        # redis://... and runs ``flask jobs worker``. JOBS_EAGER runs them at the commit (tests).
        "JOBS_BROKER_URL": jobs_broker,
        "JOBS_IN_PROCESS": (
            in_process in {"1", "true", "yes"}
            if in_process
            else jobs_broker.startswith("memory:") and not production
        ),
        "JOBS_EAGER": False,
        "JOBS_MAX_ATTEMPTS": _int(env, "JOBS_MAX_ATTEMPTS", 8),
        "JOBS_RETRY_SECONDS": _int(env, "JOBS_RETRY_SECONDS", 30),
        "JOBS_RELAY_AFTER_SECONDS": _int(env, "JOBS_RELAY_AFTER_SECONDS", 60),
        # Accounts
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "SIGN_IN_RATE_LIMIT": env.get("SIGN_IN_RATE_LIMIT", "5 per minute;30 per hour"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        # i18n
        "LANGUAGES": ("ko", "en"),
        "BABEL_DEFAULT_LOCALE": "ko",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Seoul",
    }
