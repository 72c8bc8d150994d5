"""Buttons about her data and her country, which work wherever she is.

"Hide these messages" clears the chat; the country answer puts her own lines
first. Deleting everything is asked first (`confirm`).
"""

from __future__ import annotations

from dataclasses import replace

from bot.content import Content
from bot.core import asks
from bot.core.inputs import HIDE, Action
from bot.core.replies import Effect, answered
from bot.core.safety.reading import OWN
from bot.core.safety.resources import COUNTRY, SKIP, known_country, resources
from bot.core.safety.told import Told
from bot.core.state import Mode, State
from bot.core.turn import Outcome

ACTIONS = frozenset({HIDE, COUNTRY})


def button(content: Content, state: State, action: Action) -> Outcome | None:
    """Hide, or her country; None for a country we do not list (a forged tap)."""
    m = content.messages
    if action.name == HIDE:
        return Outcome(state, effect=Effect.HIDE)
    code = known_country(content, action.arg)
    if code is None:
        return None
    told = replace(state, country=code)
    label = next((c.name for c in content.resources.countries if c.code == code), None)
    said = label or (m.country_skip if code == SKIP else m.country_other)
    settle = answered(content, m.country_question, said)
    if told.mode is Mode.HELD or code == SKIP:
        return Outcome(told, asks.prompt(content, told), settle=settle)
    # Her country's lines for what she told the bot: the crisis lines after words about her own
    # life alone, the domestic-violence lines (which carry the crisis line too) otherwise.
    risk = OWN if Told.of(told).own_life and not Told.of(told).guarded else None
    lines = resources(content, code, risk)
    return Outcome(told, (lines, *asks.prompt(content, told)), settle=settle)
