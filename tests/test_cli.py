"""The command line, as a person runs it: a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.content import Content

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**clean, **env},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_content_check_passes_on_the_shipped_content(tmp_path: Path) -> None:
    done = cli("content", "check", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})

    assert done.returncode == 0, done.stderr
    assert "Content OK" in done.stdout


def test_content_check_names_the_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "content"
    broken.mkdir()
    done = cli("content", "check", env={"CONTENT_DIR": str(broken)})

    assert done.returncode == 1
    assert "tactics.yaml" in done.stderr


def test_without_a_token_it_explains_how_to_get_one(tmp_path: Path, content: Content) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "TELEGRAM_BOT_TOKEN": ""}
    bare = cli(env=env)
    run = cli("run", env=env)

    assert "@BotFather" in bare.stdout
    assert "python -m bot console" in bare.stdout
    assert run.returncode == 2
    assert "@BotFather" in run.stdout


def test_console_runs_in_a_terminal_without_a_token(tmp_path: Path, content: Content) -> None:
    done = cli("console", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}, stdin="1\n/quit\n")

    assert done.returncode == 0, done.stderr
    assert content.steps[1].question in done.stdout


def test_db_upgrade_creates_a_private_database(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "bot.sqlite3"
    done = cli("db", "upgrade", env={"DATABASE_URL": f"sqlite:///{target}"})

    assert done.returncode == 0, done.stderr
    assert target.stat().st_mode & 0o077 == 0
