"""Nothing of hers stays in the bot's memory after /forget.

She types a word no one else would (in a draft, a check-in note, a plain message,
an edit, and under a photo), then asks to be forgotten. Every string the process can
still reach is then searched for that word. The offline Telegram's own record of
her chat (what Telegram would hold, not the bot) is emptied first.
"""

from __future__ import annotations

import gc
import secrets
import string
from datetime import timedelta
from typing import Any

from bot.content import Content
from bot.telegram.sender import CheckinSender
from tests.clocked_bot import app as _app  # noqa: F401 (fixtures: see tests/clocked_bot.py)
from tests.clocked_bot import clock as _clock  # noqa: F401
from tests.clocked_bot import her as _her  # noqa: F401
from tests.clocked_bot import sender as _sender  # noqa: F401
from tests.clocked_bot import talk as _talk  # noqa: F401
from tests.offline import Chat
from tests.test_sender import Clock
from tests.test_telegram_checkins import set_up_daily

PHOTO = [{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}]


def reachable_with(marker: str, besides: object) -> list[str]:
    """Every string (or bytes) reachable from an object the collector tracks that holds
    `marker`, except `besides` itself. Dicts and tuples of plain values are not tracked,
    so the search goes through them too."""
    gc.collect()
    needle = marker.encode()
    seen = {id(besides)}
    found: list[str] = []
    stack: list[Any] = gc.get_objects()
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, str):
            if marker in obj:
                found.append(obj[:80])
        elif isinstance(obj, bytes | bytearray):
            if needle in obj:
                found.append(repr(bytes(obj[:80])))
        elif not isinstance(obj, int | float | type(None)):
            stack.extend(gc.get_referents(obj))
    return found


async def test_after_forget_no_word_of_hers_is_left_anywhere_in_the_process(
    her: Chat, content: Content, clock: Clock, sender: CheckinSender
) -> None:
    word = "".join(secrets.choice(string.ascii_lowercase) for _ in range(14))
    c = content.checkins
    await set_up_daily(her, content, "15:43")
    clock.now += timedelta(minutes=1)
    await sender.tick()
    await her.press(c.moods[3].label)
    await her.press(c.did_yes)
    await her.press(c.note_label)
    await her.send(f"Called my sister about {word} instead of him.")
    assert her.last().plain == c.note_saved
    await her.send(f"/draft I miss you so much {word}, please call me back tonight")
    await her.send("/start")
    await her.send(f"honestly the {word} thing keeps me up at night")
    await her.feed({"message": her.message("", photo=PHOTO, caption=f"our {word} at the lake")})
    await her.feed({"edited_message": her.message(f"I meant the {word} again", edit_date=1)})

    await her.send("/forget")
    await her.press(content.messages.forget_yes)
    her.request.messages.clear()  # Telegram's copy of her chat, not the bot's
    her.request.calls.clear()

    assert reachable_with(word, besides=word) == []
