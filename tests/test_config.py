"""Settings: DATABASE_URL in any common form, clear errors, no token in repr."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("sqlite:///data/x.db", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///data/x.db", "sqlite+aiosqlite"),
        ("sqlite+pysqlite:////tmp/x.db", "sqlite+aiosqlite"),
        ("postgresql://u:p@localhost/db", "postgresql+asyncpg"),
        ("postgres://u:p@localhost/db", "postgresql+asyncpg"),
        ("postgresql+psycopg2://u:p@localhost:5433/db", "postgresql+asyncpg"),
    ],
)
def test_database_url_is_normalized_to_the_async_driver(given: str, driver: str) -> None:
    settings = Settings.from_env({"DATABASE_URL": given})

    assert settings.database_url.drivername == driver


def test_default_database_is_a_file_under_data() -> None:
    url = Settings.from_env({}).database_url

    assert url.drivername == "sqlite+aiosqlite"
    assert Path(url.database or "") == (Path("data") / "bot.sqlite3").resolve()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite://"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"TELEGRAM_BOT_TOKEN": "hello"}, "TELEGRAM_BOT_TOKEN"),
        ({"CHECKIN_POLL_SECONDS": "soon"}, "CHECKIN_POLL_SECONDS"),
        ({"CHECKIN_POLL_SECONDS": "0"}, "CHECKIN_POLL_SECONDS"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
        ({"CHECKIN_SENDER": "maybe"}, "CHECKIN_SENDER"),
        ({"CHECKIN_DISPATCHER": "maybe"}, "CHECKIN_DISPATCHER"),
        ({"CHECKIN_SENDS_PER_SECOND": "0"}, "CHECKIN_SENDS_PER_SECOND"),
        ({"CHECKIN_SENDS_PER_SECOND": "5000"}, "CHECKIN_SENDS_PER_SECOND"),
        ({"WEBHOOK_URL": "bot.example.org/hook"}, "WEBHOOK_URL"),
        ({"WEBHOOK_SECRET": "has spaces in it"}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_SECRET": "x" * 257}, "WEBHOOK_SECRET"),
        ({"WEBHOOK_PORT": "http"}, "WEBHOOK_PORT"),
        ({"WEBHOOK_PORT": "70000"}, "WEBHOOK_PORT"),
    ],
)
def test_a_bad_setting_is_refused_by_name(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        Settings.from_env(env)


def test_the_token_and_webhook_secret_never_show_in_repr() -> None:
    settings = Settings.from_env(
        {"TELEGRAM_BOT_TOKEN": "123:SECRETSECRET", "WEBHOOK_SECRET": "hook-SECRET-42"}
    )

    assert "SECRETSECRET" not in repr(settings)
    assert "hook-SECRET-42" not in repr(settings)
    assert settings.webhook_secret == "hook-SECRET-42"
    assert settings.webhook_listen == "127.0.0.1"
    assert settings.telegram_bot_token == "123:SECRETSECRET"


def test_dotenv_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("CHECKIN_POLL_SECONDS=5\nLOG_LEVEL=debug\n")
    monkeypatch.setenv("LOG_LEVEL", "warning")

    settings = load_settings(dotenv)

    assert settings.checkin_poll_seconds == 5
    assert settings.log_level == "WARNING"


def test_check_in_sending_can_be_left_to_one_worker() -> None:
    assert Settings.from_env({}).checkin_sender
    assert Settings.from_env({}).checkin_sends_per_second == 30
    worker = Settings.from_env({"CHECKIN_SENDER": "off", "CHECKIN_SENDS_PER_SECOND": "100"})
    assert not worker.checkin_sender
    assert worker.checkin_sends_per_second == 100
    # The setting's older name still turns sending off for a deployment that uses it.
    assert not Settings.from_env({"CHECKIN_DISPATCHER": "off"}).checkin_sender
