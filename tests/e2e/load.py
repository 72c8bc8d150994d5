"""Simulated users for load: each walks whole assessments against the running bot.

Shared by the load test (correctness: nothing lost, nothing doubled) and
`bench/e2e_load.py` (latency figures). Sessions run as coroutines on the
emulator's loop, so 200 users cost 200 tasks, not 200 threads.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.content import Content
from tests.emulator import BotAPI


def _count(api: BotAPI, user: int, text: str) -> int:
    return sum(text in t for t in api.bot_texts(user))


async def _step(
    api: BotAPI, user: int, expect: str, act: Callable[[], object], lat: list[float]
) -> None:
    before = _count(api, user, expect)
    started = time.monotonic()
    await act()  # type: ignore[misc]
    await api.until(user, lambda: _count(api, user, expect) > before, within=60)
    lat.append(time.monotonic() - started)


async def one_assessment(api: BotAPI, user: int, content: Content, lat: list[float]) -> None:
    """/start, an answer to each question, then the guidance and the check-in offer."""
    questions = [s.question for s in content.steps]
    await _step(api, user, questions[0], lambda: api.a_send(user, "/start"), lat)
    for i, step in enumerate(content.steps):
        expect = questions[i + 1] if i + 1 < len(questions) else content.checkins.offer
        label = step.none_label if step.multi else step.answers[0].label
        await _step(api, user, expect, lambda label=label: api.a_press(user, label), lat)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


FLOOD_WAIT = 3
"""Seconds of every flood wait Telegram gives the flooding chat."""


def flood(api: BotAPI, chat_id: int, messages: int = 150) -> None:
    """One chat sends `messages` texts at once, and Telegram refuses every send to it with a
    flood wait: someone holding a key down, or a busy group."""
    api.fail(
        method="sendMessage",
        chat_id=chat_id,
        status=429,
        description=f"Too Many Requests: retry after {FLOOD_WAIT}",
        retry_after=FLOOD_WAIT,
        times=10**9,
    )
    for i in range(messages):
        api.send(chat_id, f"message {i}")


def calm_steps(api: BotAPI, content: Content, first_user: int, seconds: float) -> list[float]:
    """Women walk whole assessments one after another (ids from `first_user` up) until
    `seconds` have passed; the latency of every step they took."""
    latencies: list[float] = []

    async def session(api: BotAPI, user: int) -> None:
        await one_assessment(api, user, content, latencies)

    deadline = time.monotonic() + seconds
    user = first_user
    while time.monotonic() < deadline:
        api.run_users(session, [user], timeout=120)
        user += 1
    return latencies


def long_texts(count: int, length: int) -> list[str]:
    """`count` different texts of about `length` characters, as someone pasting or holding
    a key down would send them: ordinary words, nothing the crisis screen would stop at."""
    words = [
        "the",
        "day",
        "was",
        "long",
        "and",
        "I",
        "kept",
        "thinking",
        "about",
        "what",
        "we",
        "said",
        "at",
        "dinner",
    ]
    texts = []
    for n in range(count):
        body = " ".join(words[(n + i) % len(words)] for i in range(length // 4))
        texts.append(f"{n} {body}"[:length])
    return texts
