"""Settings read from the environment, with safe defaults for the demo and tests.

Production (``SANGSAENG_ENV=production``) has no default for any secret: the app refuses to
start without ``SECRET_KEY``, ``DATABASE_URL``, ``PUBLIC_URL`` and the log's signing key
(``LOG_SIGNING_KEY`` or ``LOG_SIGNING_KEY_FILE``), and refuses a secret that is short (under
32 characters), repetitive or one published here (the demo's, the tests'). An
unknown ``SANGSAENG_ENV`` is refused rather than read as development, and live payment keys
are refused outside production.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from storefront.domain.errors import ConfigError as ConfigError  # re-exported

DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production below
MODES = ("development", "production")
MIN_SECRET_LENGTH = 32
# Values published in this repository (the demo's key, the test suite's): never secret.
PUBLISHED_SECRETS = (DEV_SECRET_KEY, "test-secret", "whsec_test_suite_secret")
LIVE_KEY_PREFIXES = ("sk_live_", "rk_live_")
REDIS_SCHEMES = ("redis://", "rediss://", "redis+sentinel://", "redis+cluster://")
LOCAL_HOSTS = ("localhost", "127.0.0.1")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


def _check_secret(name: str, value: str) -> None:
    """Refuse a production secret that is short, repetitive or published in this repository."""
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigError(f"{name} must be at least {MIN_SECRET_LENGTH} random characters")
    if len(set(value)) < 8 or any(known in value for known in PUBLISHED_SECRETS):
        raise ConfigError(f"{name} is a development default or too simple; generate a new one")


def _mode(env: Mapping[str, str]) -> str:
    mode = env.get("SANGSAENG_ENV") or "development"
    if mode not in MODES:
        raise ConfigError(f"SANGSAENG_ENV must be one of {', '.join(MODES)}, got {mode!r}")
    return mode


def _public_url(env: Mapping[str, str], production: bool) -> tuple[str | None, str]:
    """The host (``SERVER_NAME``) and scheme every external link is built from."""
    raw = env.get("PUBLIC_URL", "").strip()
    if not raw:
        if production:
            raise ConfigError("PUBLIC_URL must be set in production, e.g. https://shop.example.org")
        return None, "http"  # the tests; `dev.py serve` sets PUBLIC_URL for the demo
    parts = urlsplit(raw)
    schemes = {"https"} if production else {"http", "https"}
    if (
        parts.scheme not in schemes
        or not parts.hostname
        or parts.path not in {"", "/"}
        or parts.query
        or parts.fragment
        or parts.username
    ):
        wanted = " or ".join(sorted(schemes))
        raise ConfigError(f"PUBLIC_URL must be {wanted}://host[:port] with no path, got {raw!r}")
    return parts.netloc.lower(), parts.scheme


def trusted_hosts(server_name: str | None) -> list[str]:
    """The host names the shop answers to when ``TRUSTED_HOSTS`` is not set: its public
    host, or without one (the demo, the browser tests) only the local machine."""
    if not server_name:
        return list(LOCAL_HOSTS)
    return [urlsplit(f"//{server_name}").hostname or server_name]


def _list(env: Mapping[str, str], name: str) -> list[str] | None:
    raw = env.get(name, "")
    return [item.strip() for item in raw.split(",") if item.strip()] or None


CACHE_TYPES = ("RedisCache", "SimpleCache", "NullCache")


def _cache(env: Mapping[str, str], production: bool, limits_uri: str) -> dict[str, Any]:
    """Flask-Caching's settings: Redis shared by every worker in production (and wherever a
    Redis is configured), the process's memory in the demo and tests; ``CACHE_TYPE=NullCache``
    turns the page cache off."""
    redis_url = env.get("CACHE_REDIS_URL") or env.get("REDIS_URL") or ""
    shared = production or redis_url.startswith(REDIS_SCHEMES)
    kind = env.get("CACHE_TYPE") or ("RedisCache" if shared else "SimpleCache")
    if kind not in CACHE_TYPES:
        raise ConfigError(f"CACHE_TYPE must be one of {', '.join(CACHE_TYPES)}, got {kind!r}")
    if production and kind == "SimpleCache":
        # Each worker would keep its own pages, and a change seen by one would not reach the rest.
        raise ConfigError("CACHE_TYPE=SimpleCache is for one process: use RedisCache in production")
    settings: dict[str, Any] = {
        "CACHE_TYPE": kind,
        "CACHE_KEY_PREFIX": env.get("CACHE_KEY_PREFIX") or "sangsaeng:",
        "CACHE_DEFAULT_TIMEOUT": 300,
        "CACHE_THRESHOLD": 2000,  # SimpleCache's entries before it prunes
        "CACHE_NO_NULL_WARNING": True,
        # A cached page lives at most this long, which bounds what time alone changes (a fund
        # opening at a set hour, a new day in the impact report) and a renewal Redis missed.
        "PAGE_CACHE_SECONDS": _int(env, "PAGE_CACHE_SECONDS", 60),
    }
    if kind == "RedisCache":
        url = redis_url or limits_uri
        if not url.startswith(REDIS_SCHEMES):
            raise ConfigError("CACHE_TYPE=RedisCache needs CACHE_REDIS_URL (or REDIS_URL)")
        settings["CACHE_REDIS_URL"] = url
        # Redis away: a page waits at most a second for it, then renders from the database.
        settings["CACHE_OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}
    return settings


def load(instance_path: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables."""
    env = os.environ if env is None else env
    mode = _mode(env)
    production = mode == "production"
    instance = Path(instance_path)

    secret_key = env.get("SECRET_KEY") or ("" if production else DEV_SECRET_KEY)
    database_url = env.get("DATABASE_URL") or (
        "" if production else f"sqlite:///{instance / 'sangsaeng.db'}"
    )
    if production and (not secret_key or not database_url):
        raise ConfigError("SECRET_KEY and DATABASE_URL must be set in production")
    if production:
        _check_secret("SECRET_KEY", secret_key)

    stripe_key = env.get("STRIPE_SECRET_KEY", "")
    if not production and stripe_key.startswith(LIVE_KEY_PREFIXES):
        raise ConfigError(
            "a live Stripe key is set outside production: use a test key (sk_test_...), "
            "or set SANGSAENG_ENV=production"
        )
    provider = env.get("PAYMENT_PROVIDER") or ("stripe" if stripe_key else "test")
    if production and provider == "stripe":
        _check_secret("STRIPE_WEBHOOK_SECRET", env.get("STRIPE_WEBHOOK_SECRET", ""))
    if production and provider == "test" and env.get("PAYMENT_PROVIDER") != "test":
        raise ConfigError("set STRIPE_SECRET_KEY, or PAYMENT_PROVIDER=test to run without payments")
    server_name, scheme = _public_url(env, production)
    # Each worker counting in its own memory multiplies the guesses allowed by the workers.
    limits_uri = env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL") or ""
    if production and not limits_uri.startswith(REDIS_SCHEMES):
        raise ConfigError(
            "RATELIMIT_STORAGE_URI (or REDIS_URL) must be a redis:// URI in production, "
            "so that every worker counts the same sign-in attempts"
        )
    mail_backend = env.get("MAIL_BACKEND") or ("smtp" if env.get("MAIL_SERVER") else "file")
    jobs_broker = env.get("JOBS_BROKER_URL") or "memory://"
    if production and not jobs_broker.startswith(REDIS_SCHEMES):
        # An in-memory queue dies with the process that holds it; the worker must share it.
        raise ConfigError("JOBS_BROKER_URL must be a redis:// URI in production")
    log_key, log_key_file = env.get("LOG_SIGNING_KEY", ""), env.get("LOG_SIGNING_KEY_FILE", "")
    if production and not (log_key or log_key_file):
        raise ConfigError(
            "LOG_SIGNING_KEY (or LOG_SIGNING_KEY_FILE) must be set in production: the key that "
            "signs the donation log's checkpoints (docs/deploy.md)"
        )
    in_process = env.get("JOBS_IN_PROCESS", "")
    cache = _cache(env, production, limits_uri)

    return {
        "ENV_MODE": mode,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        # Browsers that saw the shop over HTTPS refuse plain HTTP to it for this long.
        "HSTS_MAX_AGE": _int(env, "HSTS_MAX_AGE", 31536000 if production else 0),
        # Hosts: links are built from PUBLIC_URL, never from the Host a request claims, and a
        # request for any other host is refused (TRUSTED_HOSTS, else PUBLIC_URL's host).
        "PUBLIC_URL": env.get("PUBLIC_URL", ""),
        "SERVER_NAME": server_name,
        "PREFERRED_URL_SCHEME": scheme,
        "TRUSTED_HOSTS": _list(env, "TRUSTED_HOSTS"),
        # X-Forwarded-For/-Proto are believed from this many proxies in front, and no more.
        "TRUSTED_PROXY_HOPS": _int(env, "TRUSTED_PROXY_HOPS", 0),
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
        # A shopper's own gift to the order's cause at checkout (domain/gifts.py)
        "GIFT_MIN": _int(env, "GIFT_MIN", 1_000),
        "GIFT_MAX": _int(env, "GIFT_MAX", 1_000_000),
        "GIFT_PRESETS": (1_000, 3_000, 5_000, 10_000),
        "PRODUCTS_PER_PAGE": _int(env, "PRODUCTS_PER_PAGE", 24),
        # /trends: a search term shows once this many distinct visitors searched it in one day
        "TRENDS_MIN_PEOPLE": _int(env, "TRENDS_MIN_PEOPLE", 5),
        "TRENDS_MAX_TERMS_A_DAY": _int(env, "TRENDS_MAX_TERMS_A_DAY", 5000),
        # a worker hands its search and view counts to the cache at most this often
        "TRENDS_FLUSH_SECONDS": _int(env, "TRENDS_FLUSH_SECONDS", 2),
        # Returns and exchanges (docs/returns.md): asked for within this many days of delivery
        # (the 7 days of 청약철회), and the return shipping a change of mind pays per request.
        "RETURN_WINDOW_DAYS": _int(env, "RETURN_WINDOW_DAYS", 7),
        "RETURN_SHIPPING_FEE": _int(env, "RETURN_SHIPPING_FEE", 3000),
        # Files
        "MEDIA_ROOT": env.get("MEDIA_ROOT") or str(instance / "media"),
        # Payout proofs: kept apart from /media and served by their own route.
        "PAYOUT_PROOFS_ROOT": env.get("PAYOUT_PROOFS_ROOT") or str(instance / "receipts"),
        # Photos sent with return requests: private, served only to the shopper and the venture.
        "RETURN_PHOTOS_ROOT": env.get("RETURN_PHOTOS_ROOT") or "",  # default: MEDIA_ROOT/../returns
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
        # Recommendations (docs/recommendations.md): the scheduler asks for a refresh of the
        # model once this many orders were paid since the last one, or any once it is this old.
        "RECOMMEND_REFRESH_ORDERS": _int(env, "RECOMMEND_REFRESH_ORDERS", 20),
        "RECOMMEND_REFRESH_SECONDS": _int(env, "RECOMMEND_REFRESH_SECONDS", 3600),
        # The donation log's checkpoint signing key (docs/ledger.md, "The log"): a
        # PRIVATE+KEY+... string, or a file holding one; the demo generates its own file.
        "LOG_SIGNING_KEY": log_key,
        "LOG_SIGNING_KEY_FILE": log_key_file
        or ("" if production else str(instance / "log-signing.key")),
        # A checkpoint is signed at most this often; appends in between wait for the next one.
        "LOG_CHECKPOINT_SECONDS": _int(env, "LOG_CHECKPOINT_SECONDS", 5),
        "LOG_ORIGIN": env.get("LOG_ORIGIN", ""),  # default: PUBLIC_URL's host + "/ledger"
        # Verifier keys of signing keys rotated out: their checkpoints still check.
        "LOG_PREVIOUS_VERIFIER_KEYS": _list(env, "LOG_PREVIOUS_VERIFIER_KEYS") or [],
        # Accounts
        "RATELIMIT_STORAGE_URI": limits_uri or "memory://",
        # Redis down: count in the worker's memory and keep selling, rather than answer 500.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        "RATELIMIT_HEADERS_ENABLED": True,
        "SIGN_IN_RATE_LIMIT": env.get("SIGN_IN_RATE_LIMIT", "5 per minute;30 per hour"),
        "ORDER_LOOKUP_RATE_LIMIT": env.get("ORDER_LOOKUP_RATE_LIMIT", "5 per minute;30 per hour"),
        "LOG_COSIGNATURE_RATE_LIMIT": env.get("LOG_COSIGNATURE_RATE_LIMIT", "60 per minute"),
        # a shopper typing asks once a keystroke (after a pause): generous, but not unbounded
        "SUGGEST_RATE_LIMIT": env.get("SUGGEST_RATE_LIMIT", "120 per minute"),
        "QUESTION_RATE_LIMIT": env.get("QUESTION_RATE_LIMIT", "5 per minute;30 per day"),
        # each save changes a product's count, which renders the cached catalogue again
        "SAVE_RATE_LIMIT": env.get("SAVE_RATE_LIMIT", "30 per minute;300 per day"),
        # anyone may report a review: enough for a shopper, too few to flood the operators
        "REVIEW_REPORT_RATE_LIMIT": env.get("REVIEW_REPORT_RATE_LIMIT", "5 per minute;20 per day"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        # The page cache (docs/architecture.md, "Caching")
        **cache,
        # Operations (docs/deploy.md)
        "LOG_FORMAT": env.get("LOG_FORMAT") or ("json" if production else "plain"),
        "REDIS_URL": env.get("REDIS_URL", ""),
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        # i18n
        "LANGUAGES": ("ko", "en"),
        "BABEL_DEFAULT_LOCALE": "ko",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Seoul",
    }
