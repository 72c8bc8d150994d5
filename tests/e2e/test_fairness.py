"""One chat's flood never slows another woman down.

One chat sends 150 messages at once and Telegram answers every send to it
with a 3-second flood wait. Before, that flood wait held every send of the
bot, and the chat's backlog filled every update slot, so a woman starting her
assessment at that moment waited many seconds for each answer. Her answers
must arrive as fast as they do when nobody is flooding.
(`bench/e2e_fairness.py` prints the figures: medians and slowest answers.)
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from bot.content import load_content
from tests.e2e.conftest import BotProcess, errors_in
from tests.e2e.load import FLOOD_WAIT, calm_steps, flood
from tests.emulator import BotAPI

CONTENT = load_content()
FLOODING = 900
ALONE = 2.0
FLOODED = FLOOD_WAIT + 1.5
"""Long enough for the flooding chat to be refused, held, tried and refused again."""


def test_a_chat_flooded_with_flood_waits_never_slows_a_calm_one(
    api: BotAPI, start_bot: Callable[..., BotProcess]
) -> None:
    bot = start_bot()
    alone = calm_steps(api, CONTENT, 701, ALONE)
    # Simulated women answer in milliseconds: two assessments send the bot's whole 30 a
    # second, and a flood wait then would rightly look like the bot's own. Let it settle.
    time.sleep(1.5)

    flood(api, FLOODING)
    beside = calm_steps(api, CONTENT, 801, FLOODED)
    refused = [p for m, p in list(api.calls) if m == "sendMessage" and p["chat_id"] == FLOODING]

    # Held by the other chat's flood wait, one of her answers would take 3 s or more.
    assert len(refused) >= 2  # the flood was on the whole time
    assert max(beside) < FLOOD_WAIT * 0.7, (sorted(beside), sorted(alone))
    assert statistics.median(beside) < max(0.5, 3 * statistics.median(alone))
    assert bot.stop(timeout=15) == 0  # its backlog does not keep the bot from stopping
    assert errors_in(bot.log) == []
