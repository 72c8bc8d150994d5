"""Command line: `python -m bot [run | console | webhook | db | content | safety | drafts]`.

With no command it runs the bot when a token is set, and otherwise explains
how to get one (naming the commands as she started this one), offers to write
`.env` from `.env.example`, and offers the terminal console. Every command that
talks to users applies migrations first.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from bot import logs
from bot.config import ConfigError, Settings, load_settings
from bot.content import Content, ContentError, load_content

ENTRY_POINT = "steady-bot"
"""The wheel's command (`pyproject.toml`), which runs `main` as `python -m bot` does."""


def _here(path: str) -> str:
    """`path` relative to this folder when it is inside it (`.venv/bin/python`), else as is
    (a bare name is found on PATH)."""
    if os.sep not in path:
        return path
    try:
        inside = Path(os.path.abspath(path)).relative_to(Path.cwd())
    except ValueError:
        return path
    return str(inside) if inside.parent != Path() else f"./{inside}"


def command(*args: str) -> str:
    """The command line that runs `python -m bot <args>` the way this one was started:
    the same Python (`.venv/bin/python -m bot console`), or the wheel's `steady-bot`."""
    program = sys.argv[0] if sys.argv else ""
    if Path(program).name == ENTRY_POINT:
        found = shutil.which(ENTRY_POINT)
        same = found is not None and os.path.abspath(found) == os.path.abspath(program)
        start = [ENTRY_POINT if same else _here(program)]
    else:
        start = [_here(sys.executable or "python3"), "-m", "bot"]
    return shlex.join([*start, *args])


def write_env(folder: Path) -> bool:
    """`.env` from `.env.example`, readable by its owner alone; False (nothing written) when
    a `.env` is there already: her settings are never overwritten."""
    example = (folder / ".env.example").read_text(encoding="utf-8")
    try:
        fd = os.open(folder / ".env", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as env:
        env.write(example)
    return True


def offer_env(content: Content, folder: Path, ask: Callable[[str], str] = input) -> None:
    """With `.env.example` here and no `.env` yet, offer to write it (in a terminal only)."""
    m = content.messages
    if (folder / ".env").exists() or not (folder / ".env.example").is_file():
        return
    if ask(f"\n{m.env_offer} ").strip().lower() not in ("", "y", "yes"):
        return
    print(m.env_written.format(run_command=command("run")) if write_env(folder) else m.env_kept)


def no_token(content: Content) -> None:
    """How to get a token and how to start, with the exact commands; in a terminal, the
    offer to write `.env`."""
    print(
        content.messages.no_token.format(
            console_command=command("console"), run_command=command("run")
        )
    )
    if sys.stdin.isatty():
        offer_env(content, Path.cwd())


def _service(settings: Settings, content: Content):  # type: ignore[no-untyped-def]
    from bot.db.database import open_database
    from bot.db.migrate import upgrade
    from bot.service import Service

    upgrade(settings.database_url)
    return Service(content, open_database(settings.database_url))


def _serve(app, serve) -> int:  # type: ignore[no-untyped-def]
    """Reach Telegram (retrying while it cannot be reached), then `serve()` until stopped.

    `serve` (run_polling or run_webhook) shuts the application down and closes the
    event loop itself; when it never starts, that is done here.
    """
    from telegram.error import InvalidToken

    from bot.telegram.startup import reach_or_stop

    refused = "Telegram refused TELEGRAM_BOT_TOKEN: copy it again from @BotFather."
    try:
        reached = reach_or_stop(app)
    except InvalidToken:
        _close(app)
        print(refused, file=sys.stderr)
        return 2
    if not reached:
        _close(app)
        return 0
    from bot.lifetime import settle

    settle()
    try:
        serve()
    except InvalidToken:
        print(refused, file=sys.stderr)
        return 2
    return 0


def _close(app) -> None:  # type: ignore[no-untyped-def]
    """Shut down an application that never started serving (its store included)."""
    loop = asyncio.get_event_loop()
    loop.run_until_complete(app.shutdown())
    if app.post_shutdown:
        loop.run_until_complete(app.post_shutdown(app))
    loop.close()


def run(settings: Settings, content: Content) -> int:
    """Long polling against Telegram (or TELEGRAM_BASE_URL)."""
    from telegram import Update

    from bot.telegram.app import build

    if not settings.telegram_bot_token:
        no_token(content)
        return 2
    app = build(settings, _service(settings, content))
    # bootstrap_retries=-1: once reached, Telegram failing again during the rest of start-up
    # (deleteWebhook) is retried too, not fatal.
    return _serve(
        app, lambda: app.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
    )


def webhook(settings: Settings, content: Content) -> int:
    """Serve Telegram's webhook: updates arrive as HTTPS POSTs carrying our secret token."""
    from urllib.parse import urlsplit

    from telegram import Update

    from bot.telegram.app import build

    if not settings.telegram_bot_token:
        no_token(content)
        return 2
    if not settings.webhook_url or not settings.webhook_secret:
        print(
            "Webhook mode needs WEBHOOK_URL (the public URL Telegram posts to) and "
            "WEBHOOK_SECRET (checked on every request); see .env.example.",
            file=sys.stderr,
        )
        return 2
    app = build(settings, _service(settings, content))
    return _serve(
        app,
        lambda: app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
            bootstrap_retries=-1,
        ),
    )


def console(settings: Settings, content: Content) -> int:
    """The same conversation in this terminal."""
    from bot.console import run_console

    service = _service(settings, content)

    async def talk() -> None:
        try:
            await run_console(service, poll_seconds=settings.checkin_poll_seconds)
        finally:
            await service.close()

    try:
        asyncio.run(talk())
    except KeyboardInterrupt:
        print()
    return 0


def default(settings: Settings, content: Content) -> int:
    """No command: run with a token; without one, explain and offer the console."""
    if settings.telegram_bot_token:
        return run(settings, content)
    no_token(content)
    if not sys.stdin.isatty():
        return 0
    answer = input(f"\n{content.messages.open_console} ").strip().lower()
    return console(settings, content) if answer in ("", "y", "yes") else 0


def safety_eval(content: Content, paths: list[Path] | None, cross_validate: bool) -> int:
    """Print recall and false alarms of the crisis screen; non-zero if a crisis is missed."""
    if paths:
        from bot.evals import screen as evaluation

        missed = 0
        for path in paths:
            report = evaluation.evaluate(content, evaluation.load(path))
            print(f"# {path.name}")
            print("\n".join(report.lines()))
            missed += len(report.misses)
        return 1 if missed else 0
    from bot.evals import screen_report as safety_report

    lines, missed = safety_report.report(content, cross_validate)
    print("\n".join(lines))
    return 1 if missed else 0


def drafts_eval(content: Content, data: Path | None) -> int:
    """Print recall and precision of the /draft patterns; non-zero if a target is missed."""
    from bot.evals import drafts as evaluation
    from bot.evals import drafts_safety

    code = evaluation.main(content.drafts, data)
    if data is None:
        print(f"# {drafts_safety.LABELLED.name}: /draft as it reads on the safety path")
        report = drafts_safety.evaluate(content, drafts_safety.load())
        print("\n".join(drafts_safety.lines(report, drafts_safety.load_first_look())))
        code = code or int(bool(report.toward_him))
    return code


def content_task(content: Content, task: str, *, plans: bool) -> int:
    """`check` (it loaded, so it is valid), with `--plans` the figures of her plan; `graph`."""
    if task == "graph":
        from bot.core.graph import mermaid

        print(mermaid(content), end="")
        return 0
    print(
        f"Content OK: {len(content.steps)} questions, {len(content.plan.pieces)} "
        f"plan pieces, {len(content.encouragements)} encouragements."
    )
    if plans:
        from bot.evals.plans import lines, points_table

        print("\n".join(lines(content)))
        print("\n".join(points_table(content)))
    return 0


def safety_train(content: Content, holdout: list[str]) -> int:
    """Fit the crisis screen's model on the labelled sets and write its weights file."""
    from bot.evals import screen_train as training

    return training.main(content, holdout)


def safety_record(content: Content, section: str) -> int:
    """Write one section of the first-look figures, once, naming the commit it was measured at
    (and the rules and heads by their hashes)."""
    import subprocess

    from bot.evals import graded_report

    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    try:
        entry = graded_report.record(content, section, f"{head or 'unknown'}+working tree")
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Recorded {section}: {entry[section]['date']}")
    return 0


def main(argv: list[str] | None = None) -> int:
    # Time periods as timedelta, as python-telegram-bot 23 will report them (RetryAfter).
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot with long polling")
    sub.add_parser("console", help="talk to the bot in this terminal")
    sub.add_parser("webhook", help="run the bot behind Telegram's webhook (WEBHOOK_URL, ...)")
    db = sub.add_parser("db", help="database tasks")
    db.add_argument("task", choices=["upgrade"])
    check = sub.add_parser("content", help="content tasks")
    check.add_argument("task", choices=["check", "graph"])
    check.add_argument(
        "--plans", action="store_true", help="also print what arrives after her last answer"
    )
    screen = sub.add_parser("safety", help="measure the crisis screen on a labelled set")
    screen.add_argument("task", choices=["eval", "train", "record"])
    screen.add_argument(
        "section",
        nargs="?",
        choices=["graded_first_look", "fifth_look"],
        help="record: which figures (each is written once, before the tuning it measures)",
    )
    screen.add_argument("--data", type=Path, action="append", help="labelled YAML (repeatable)")
    screen.add_argument(
        "--holdout",
        choices=["fresh", "second", "third", "fourth", "fifth"],
        action="append",
        default=[],
        help="train: leave this split out (repeatable; to reproduce a look)",
    )
    screen.add_argument(
        "--no-cv", action="store_true", help="eval: skip the cross-validation (it refits 5 times)"
    )
    drafts = sub.add_parser("drafts", help="measure the /draft patterns on the labelled drafts")
    drafts.add_argument("task", choices=["eval"])
    drafts.add_argument("--data", type=Path, help="labelled YAML instead of tests/data/drafts.yaml")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"Configuration problem: {exc}", file=sys.stderr)
        return 2
    logs.configure(
        settings.log_level, secrets=[settings.telegram_bot_token, settings.webhook_secret]
    )
    try:
        content = load_content(settings.content_dir)
    except ContentError as exc:
        print(f"Content problem: {exc}", file=sys.stderr)
        return 1
    if args.command == "content":
        return content_task(content, args.task, plans=args.plans)
    if args.command == "safety" and args.task == "train":
        return safety_train(content, args.holdout)
    if args.command == "safety" and args.task == "record":
        if args.section is None:
            parser.error("safety record needs a section: graded_first_look or fifth_look")
        return safety_record(content, args.section)
    if args.command == "safety":
        return safety_eval(content, args.data, not args.no_cv)
    if args.command == "drafts":
        return drafts_eval(content, args.data)
    if args.command == "db":
        from bot.db.migrate import upgrade

        upgrade(settings.database_url)
        print("Database is at the latest revision.")
        return 0
    commands = {"run": run, "console": console, "webhook": webhook, None: default}
    return commands[args.command](settings, content)


if __name__ == "__main__":
    sys.exit(main())
