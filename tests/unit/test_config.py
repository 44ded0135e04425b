import pytest

from storefront.config import DEV_SECRET_KEY, ConfigError, load

# A production environment that starts; tests take one thing away or spoil it.
PRODUCTION = {
    "SANGSAENG_ENV": "production",
    "SECRET_KEY": "4f0c2e9a7d6b1358c0e4a9f27b6d1e83",
    "DATABASE_URL": "postgresql://x/y",
    "PUBLIC_URL": "https://shop.example.org",
    "STRIPE_SECRET_KEY": "sk_live_1",
    "STRIPE_WEBHOOK_SECRET": "whsec_9Q2nF7xKp3LmV8rT1yB6cZ4wD0hJ5sGa",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "JOBS_BROKER_URL": "redis://127.0.0.1:6379/1",
    "LOG_SIGNING_KEY_FILE": "/run/secrets/log-signing.key",
}


def test_the_demo_needs_no_settings(tmp_path):
    cfg = load(str(tmp_path), {})
    assert cfg["SECRET_KEY"] == DEV_SECRET_KEY
    assert cfg["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'sangsaeng.db'}"
    assert cfg["PAYMENT_PROVIDER"] == "test"
    assert cfg["MAIL_BACKEND"] == "file"


def test_a_stripe_key_selects_stripe_and_a_mail_server_selects_smtp(tmp_path):
    cfg = load(str(tmp_path), {"STRIPE_SECRET_KEY": "sk_test_1", "MAIL_SERVER": "smtp.example.com"})
    assert (cfg["PAYMENT_PROVIDER"], cfg["MAIL_BACKEND"]) == ("stripe", "smtp")


@pytest.mark.parametrize(
    "env",
    [
        {"SANGSAENG_ENV": "production"},
        {"SANGSAENG_ENV": "production", "SECRET_KEY": "s"},
        {"SANGSAENG_ENV": "production", "DATABASE_URL": "postgresql://x/y"},
        {"SANGSAENG_ENV": "production", "SECRET_KEY": "s", "DATABASE_URL": "postgresql://x/y"},
        {
            "SANGSAENG_ENV": "production",
            "SECRET_KEY": "s",
            "DATABASE_URL": "postgresql://x/y",
            "STRIPE_SECRET_KEY": "sk_live_1",
        },
    ],
)
def test_production_has_no_defaults_for_secrets(tmp_path, env):
    with pytest.raises(ConfigError):
        load(str(tmp_path), env)


def test_production_with_everything_set_starts_with_secure_cookies(tmp_path):
    cfg = load(str(tmp_path), PRODUCTION)
    assert cfg["SESSION_COOKIE_SECURE"] and cfg["SESSION_COOKIE_HTTPONLY"]
    assert cfg["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_numbers_in_the_environment_must_be_numbers(tmp_path):
    with pytest.raises(ConfigError):
        load(str(tmp_path), {"ORDER_HOLD_MINUTES": "soon"})


@pytest.mark.parametrize("mode", ["Production", "prod", "staging", "development "])
def test_an_unknown_environment_name_is_refused(tmp_path, mode):
    with pytest.raises(ConfigError, match="SANGSAENG_ENV"):
        load(str(tmp_path), {"SANGSAENG_ENV": mode})


@pytest.mark.parametrize("key", ["sk_live_51Habc", "rk_live_51Habc"])
@pytest.mark.parametrize("mode", [None, "development"])
def test_live_payment_keys_are_refused_outside_production(tmp_path, key, mode):
    env = {"STRIPE_SECRET_KEY": key, **({"SANGSAENG_ENV": mode} if mode else {})}
    with pytest.raises(ConfigError, match="live"):
        load(str(tmp_path), env)


@pytest.mark.parametrize(
    "spoilt",
    [
        {"SECRET_KEY": "s"},
        {"SECRET_KEY": "x" * 31},
        {"SECRET_KEY": DEV_SECRET_KEY},
        {"SECRET_KEY": DEV_SECRET_KEY + "-" * 20},  # still the published key at heart
        {"SECRET_KEY": "a" * 40},  # one character, many times
        {"STRIPE_WEBHOOK_SECRET": "whsec_1"},
        {"STRIPE_WEBHOOK_SECRET": ""},
        {"STRIPE_WEBHOOK_SECRET": "whsec_test_suite_secret"},
    ],
)
def test_production_refuses_weak_or_published_secrets(tmp_path, spoilt):
    with pytest.raises(ConfigError):
        load(str(tmp_path), {**PRODUCTION, **spoilt})


def test_production_with_the_test_provider_needs_no_webhook_secret(tmp_path):
    env = {**PRODUCTION, "PAYMENT_PROVIDER": "test", "STRIPE_SECRET_KEY": ""}
    del env["STRIPE_WEBHOOK_SECRET"]
    assert load(str(tmp_path), env)["PAYMENT_PROVIDER"] == "test"


def test_production_keeps_its_jobs_in_a_queue_the_worker_shares(tmp_path):
    without = {k: v for k, v in PRODUCTION.items() if k != "JOBS_BROKER_URL"}
    with pytest.raises(ConfigError, match="JOBS_BROKER_URL"):
        load(str(tmp_path), without)
    assert load(str(tmp_path), PRODUCTION)["JOBS_BROKER_URL"] == "redis://127.0.0.1:6379/1"


def test_production_refuses_to_start_without_a_log_signing_key(tmp_path):
    without = {k: v for k, v in PRODUCTION.items() if k != "LOG_SIGNING_KEY_FILE"}
    with pytest.raises(ConfigError, match="LOG_SIGNING_KEY"):
        load(str(tmp_path), without)
    assert load(str(tmp_path), {**without, "LOG_SIGNING_KEY": "PRIVATE+KEY+x"})["LOG_ORIGIN"] == ""
    assert load(str(tmp_path), PRODUCTION)["LOG_SIGNING_KEY_FILE"] == "/run/secrets/log-signing.key"
    # the demo keeps a key it generates in the instance folder
    assert load(str(tmp_path), {})["LOG_SIGNING_KEY_FILE"] == str(tmp_path / "log-signing.key")
