"""`bench updates`: what one update costs, this bot against a bare python-telegram-bot echo bot.

Both run in this process against `InstantRequest` (no sockets). Each update
is built as Telegram sends it and goes through `Update.de_json` and
`Application.process_update`, one after the other, as long polling does.

- echo: `ApplicationBuilder` with one `MessageHandler` that replies with her
  text, the library's own example;
- bot: `bot.telegram.app.build(...)` walking whole assessments, a new woman
  each time: /start, the six questions answered by pressing buttons and by
  typing (two tactics ticked, then Done), the guidance and the check-in
  offer, with every real SQLite write to a throwaway file.

The shared throttle's 30-a-second window is lifted (its bookkeeping still
runs): Telegram's limit would otherwise be measured instead of the bot.
Echo and bot runs alternate; each figure is the median of the timed runs, and
the ratio the median of each bot run against the echo run just before it.
Besides µs and updates a second for both:
- bot.core_us: the bot's own work per update (`Service.handle`: the pure core
  and her state read and written in SQLite; `Service.sent`: noting the ids
  of the messages sent);
- bot.core_ratio: that own work against the echo's whole update (the target
  is at most 1x);
- bot.api_calls: Bot API calls per update (the echo makes one);
- bot.ptb_us_per_call: the rest (python-telegram-bot, the handlers,
  rendering) per Bot API call, to set beside the echo's whole update.

After the timed rounds, untimed, a few more women answer everything by
button, to count what one tap costs in Bot API calls:
- bot.api_calls_per_press: calls per button press (answering the press,
  editing the pressed message, the next question);
- bot.messages_per_assessment: messages she receives from /start to the
  check-in offer.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.engine import URL
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench._bot import (
    DONE,
    END,
    Action,
    Choice,
    Content,
    Service,
    Settings,
    Step,
    build,
    encode,
    keyboard,
    lift_send_limit,
    open_database,
    question,
)
from bench.common import Out, figure, median, progress, temp_database
from bench.offline import BOT_USER, SENDS, TOKEN, InstantRequest

T = TypeVar("T")

ROUNDS = 7
ECHO_UPDATES = 2_000
ASSESSMENTS = 40
COUNTED = 5
"""Assessments walked by button only, untimed, to count the calls one press makes."""


class Errors:
    """An error handler that counts: a benchmark of failing updates measures nothing."""

    def __init__(self) -> None:
        self.count = 0

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        self.count += 1


class Stopwatch:
    """Adds up the time spent in the coroutines it wraps."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        async def timed(*args: Any, **kwargs: Any) -> T:
            started = time.perf_counter()
            try:
                return await method(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """She wrote something; say it back (python-telegram-bot's echo example)."""
    assert update.message is not None
    await update.message.reply_text(update.message.text or "")


class Script:
    """Updates as Telegram would deliver them, numbered in order."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)

    def _person(self, user_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        user = {"id": user_id, "is_bot": False, "first_name": "Her"}
        return user, {"id": user_id, "type": "private", "first_name": "Her"}

    def text(self, user_id: int, text: str) -> dict[str, Any]:
        user, chat = self._person(user_id)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return {"update_id": next(self._update_ids), "message": message}

    def press(self, user_id: int, step: Step, data: str) -> dict[str, Any]:
        """A tap on a button under the message that asked `step`."""
        user, chat = self._person(user_id)
        markup = keyboard(question(self.content, step))
        pressed = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
            "text": step.question,
            "reply_markup": markup.to_dict() if markup else None,
        }
        query = {
            "id": str(next(self._update_ids)),
            "from": user,
            "chat_instance": f"ci-{user_id}",
            "data": data,
            "message": pressed,
        }
        return {"update_id": next(self._update_ids), "callback_query": query}

    def assessment(self, user_id: int, typing: bool = True) -> list[dict[str, Any]]:
        """/start, then every question, two tactics ticked, Done.

        With `typing`, every other answer is typed instead of pressed.
        """
        updates = [self.text(user_id, "/start")]
        step = self.content.steps[0]
        for index in itertools.count():
            safe = [a for a in step.answers if not a.resources_first]
            if step.multi:
                ticks = dict.fromkeys((safe[user_id % len(safe)], safe[(user_id + 2) % len(safe)]))
                for n, answer in enumerate(ticks):
                    if typing and n % 2:
                        updates.append(self.text(user_id, answer.label))
                    else:
                        updates.append(
                            self.press(user_id, step, encode(Choice(step.id, answer.id)))
                        )
                updates.append(self.press(user_id, step, encode(Action(DONE, step.id))))
                chosen = None
            else:
                chosen = safe[(user_id + index) % len(safe)]
                if typing and index % 2:
                    updates.append(self.text(user_id, chosen.label))
                else:
                    updates.append(self.press(user_id, step, encode(Choice(step.id, chosen.id))))
            following = self.content.after(step, chosen)
            if following == END:
                return updates
            found = self.content.step(following)
            assert found is not None
            step = found
        raise AssertionError("unreachable")  # pragma: no cover


async def _feed(app: Application, updates: list[dict[str, Any]]) -> float:
    """Seconds to process `updates` one after the other."""
    bot = app.bot
    gc.collect()
    started = time.perf_counter()
    for raw in updates:
        await app.process_update(Update.de_json(raw, bot))
    return time.perf_counter() - started


def _offline(builder: ApplicationBuilder) -> tuple[ApplicationBuilder, InstantRequest]:
    request = InstantRequest()
    return builder.request(request).get_updates_request(InstantRequest()), request


async def _echo_app() -> tuple[Application, InstantRequest, Errors]:
    builder, request = _offline(ApplicationBuilder().token(TOKEN))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    errors = Errors()
    app.add_error_handler(errors)
    await app.initialize()
    return app, request, errors


async def _count_presses(
    app: Application, request: InstantRequest, walks: list[list[dict[str, Any]]]
) -> tuple[float, float]:
    """Walk assessments by button only: Bot API calls per press, messages per assessment."""
    bot = app.bot
    press_calls = presses = 0
    sent_before = sum(request.calls[m] for m in SENDS)
    for walk in walks:
        for raw in walk:
            before = request.calls.total()
            await app.process_update(Update.de_json(raw, bot))
            if "callback_query" in raw:
                press_calls += request.calls.total() - before
                presses += 1
    sent = sum(request.calls[m] for m in SENDS) - sent_before
    return press_calls / presses, sent / len(walks)


def measure(
    content: Content,
    out: Out = print,
    *,
    rounds: int = ROUNDS,
    echo_updates: int = ECHO_UPDATES,
    assessments: int = ASSESSMENTS,
    counted: int = COUNTED,
) -> int:
    """Print updates per second and µs per update for both bots, and their ratio."""
    with temp_database() as (_, url):  # migrated before the event loop starts, as `run` does
        return asyncio.run(_measure(content, url, out, rounds, echo_updates, assessments, counted))


async def _measure(
    content: Content,
    url: URL,
    out: Out,
    rounds: int,
    echo_updates: int,
    assessments: int,
    counted: int,
) -> int:
    script = Script(content)
    users = itertools.count(10_000)
    echo_app, echo_request, echo_errors = await _echo_app()
    settings = Settings(database_url=url, telegram_bot_token=TOKEN)
    builder, bot_request = _offline(ApplicationBuilder())
    db = open_database(url)
    service = Service(content, db)
    own = Stopwatch()  # the bot's own work: the flow, her state and the message ids in SQLite
    service.handle = own.wrap(service.handle)  # type: ignore[method-assign]
    service.sent = own.wrap(service.sent)  # type: ignore[method-assign]
    app = build(settings, service, builder, checkins=False)
    bot_errors = Errors()
    app.add_error_handler(bot_errors)
    lift_send_limit(app)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    echo_us: list[float] = []
    bot_us: list[float] = []
    ratios: list[float] = []
    own_us: list[float] = []
    bot_calls = bot_updates = 0
    last_users: list[int] = []
    try:
        for run in range(rounds + 1):  # the first round warms up and is not counted
            chatty = [script.text(next(users), "hello there") for _ in range(echo_updates)]
            took = await _feed(echo_app, chatty)
            if run:
                echo_us.append(took / len(chatty) * 1e6)
            walkers = [next(users) for _ in range(assessments)]
            walked = [u for user in walkers for u in script.assessment(user)]
            calls_before = sum(bot_request.calls.values())
            own.seconds = 0.0
            took = await _feed(app, walked)
            if run:
                bot_us.append(took / len(walked) * 1e6)
                ratios.append(bot_us[-1] / echo_us[-1])
                own_us.append(own.seconds / len(walked) * 1e6)
                bot_calls += sum(bot_request.calls.values()) - calls_before
                bot_updates += len(walked)
            last_users.append(walkers[-1])
            progress("updates rounds", run + 1, rounds + 1)
        pressing = [next(users) for _ in range(counted)]
        walks = [script.assessment(user, typing=False) for user in pressing]
        per_press, messages = await _count_presses(app, bot_request, walks)
        last_users.append(pressing[-1])
        unfinished = [u for u in last_users if not _finished(content, await db.turns.state_of(u))]
    finally:
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
        await echo_app.shutdown()
    if echo_errors.count or bot_errors.count or unfinished:
        raise RuntimeError(
            f"updates failed: {echo_errors.count} echo errors, {bot_errors.count} bot errors, "
            f"{len(unfinished)} assessments not finished"
        )
    assert echo_request.calls["sendMessage"] == echo_updates * (rounds + 1)
    echo, mine = median(echo_us), median(bot_us)
    figure(out, "update.echo.per_s", 1e6 / echo, "updates/s", 0)
    figure(out, "update.echo.us", echo, "us")
    figure(out, "update.bot.per_s", 1e6 / mine, "updates/s", 0)
    figure(out, "update.bot.us", mine, "us")
    figure(out, "update.bot.core_us", median(own_us), "us")
    figure(out, "update.bot.core_ratio", median(own_us) / echo, "x", 2)
    per_call = (mine - median(own_us)) / (bot_calls / bot_updates)
    figure(out, "update.bot.ptb_us_per_call", per_call, "us")
    figure(out, "update.bot.api_calls", bot_calls / bot_updates, "calls/update", 2)
    figure(out, "update.bot.api_calls_per_press", per_press, "calls/press", 2)
    figure(out, "update.bot.messages_per_assessment", messages, "messages", 1)
    figure(out, "update.ratio", median(ratios), "x", 2)
    return 0


def _finished(content: Content, state: dict[str, Any] | None) -> bool:
    """Her stored state holds an answer for every question: the walk went all the way."""
    profile = (state or {}).get("profile") or {}
    return all(step.id in profile for step in content.steps)
