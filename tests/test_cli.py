"""The command line, as a person runs it: a real subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import command, offer_env, write_env
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


def python_here() -> str:
    """This Python as she would type it in the checkout: `.venv/bin/python` inside it."""
    inside = Path(os.path.abspath(sys.executable))
    return str(inside.relative_to(ROOT)) if inside.is_relative_to(ROOT) else sys.executable


def test_without_a_token_it_explains_how_to_get_one(tmp_path: Path, content: Content) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "TELEGRAM_BOT_TOKEN": ""}
    bare = cli(env=env)
    run = cli("run", env=env)

    assert "@BotFather" in bare.stdout
    assert f"{python_here()} -m bot console" in bare.stdout
    assert f"{python_here()} -m bot run" in bare.stdout
    assert content.messages.env_offer not in bare.stdout  # not a terminal: nothing is asked
    assert run.returncode == 2
    assert "@BotFather" in run.stdout


def test_the_commands_it_names_are_the_ones_that_started_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, "argv", [str(ROOT / "bot" / "__main__.py")])
    assert command("console") == f"{python_here()} -m bot console"

    monkeypatch.setattr(sys, "executable", str(ROOT / ".venv" / "bin" / "python"))
    assert command("run") == ".venv/bin/python -m bot run"

    monkeypatch.setattr(sys, "argv", ["/elsewhere/bin/steady-bot"])
    assert command("console") == "/elsewhere/bin/steady-bot console"


def test_the_env_offer_writes_env_from_the_example_for_her_alone(
    tmp_path: Path, content: Content, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env.example").write_text("TELEGRAM_BOT_TOKEN=\nLOG_LEVEL=INFO\n")
    asked: list[str] = []

    offer_env(content, tmp_path, ask=lambda prompt: asked.append(prompt) or "y")

    assert content.messages.env_offer in asked[0]
    assert (tmp_path / ".env").read_text() == (tmp_path / ".env.example").read_text()
    assert (tmp_path / ".env").stat().st_mode & 0o777 == 0o600
    assert "Paste your token" in capsys.readouterr().out


def test_the_env_offer_never_overwrites_her_env(tmp_path: Path, content: Content) -> None:
    (tmp_path / ".env.example").write_text("TELEGRAM_BOT_TOKEN=\n")
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=123:mine\n")
    asked: list[str] = []

    offer_env(content, tmp_path, ask=lambda prompt: asked.append(prompt) or "y")
    written = write_env(tmp_path)

    assert asked == []
    assert written is False
    assert (tmp_path / ".env").read_text() == "TELEGRAM_BOT_TOKEN=123:mine\n"


def test_the_env_offer_is_not_made_without_an_example(tmp_path: Path, content: Content) -> None:
    asked: list[str] = []

    offer_env(content, tmp_path, ask=lambda prompt: asked.append(prompt) or "y")

    assert asked == []
    assert not (tmp_path / ".env").exists()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_in_a_terminal_it_offers_to_write_env_then_the_console(
    tmp_path: Path, content: Content
) -> None:
    """`python -m bot` in a folder with `.env.example` and no token, typed at a real terminal."""
    shutil.copy(ROOT / ".env.example", tmp_path / ".env.example")
    clean = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env = {
        **clean,
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        "CONTENT_DIR": str(ROOT / "content"),
    }
    screen = terminal([sys.executable, "-m", "bot"], tmp_path, env, answers=["y", "n"])

    assert content.messages.env_offer in screen
    assert content.messages.open_console in screen
    assert (tmp_path / ".env").read_text() == (tmp_path / ".env.example").read_text()
    assert (tmp_path / ".env").stat().st_mode & 0o777 == 0o600


def terminal(args: list[str], cwd: Path, env: dict[str, str], answers: list[str]) -> str:
    """Run `args` on a pseudo-terminal, typing each answer once its question is shown."""
    import pty
    import select

    leader, follower = pty.openpty()
    done = subprocess.Popen(
        args, cwd=cwd, env=env, stdin=follower, stdout=follower, stderr=follower
    )
    os.close(follower)
    seen, pending = b"", list(answers)
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            assert ready, f"no output for a minute; so far: {seen.decode(errors='replace')}"
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the program ended
                break
            if not chunk:
                break
            seen += chunk
            if pending and seen.rstrip().endswith(b"[Y/n]"):
                os.write(leader, pending.pop(0).encode() + b"\n")
    finally:
        os.close(leader)
        assert done.wait(timeout=60) == 0
    return seen.decode(errors="replace").replace("\r\n", "\n")


def test_console_runs_in_a_terminal_without_a_token(tmp_path: Path, content: Content) -> None:
    done = cli("console", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}, stdin="1\n/quit\n")

    assert done.returncode == 0, done.stderr
    assert content.steps[1].question in done.stdout


def test_db_upgrade_creates_a_private_database(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "bot.sqlite3"
    done = cli("db", "upgrade", env={"DATABASE_URL": f"sqlite:///{target}"})

    assert done.returncode == 0, done.stderr
    assert target.stat().st_mode & 0o077 == 0
