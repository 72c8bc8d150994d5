"""The crisis screen's graded reading of what she typed: which risk, and how sure.

Two risks, told apart because they need different answers: her own life
(`OWN`: the Columbia screener's wish to be dead, thoughts, method, intent, plan,
preparatory acts, self-harm) and danger from him (`HIM`: the Danger Assessment's
and DASH's factors). Each is read in one of three bands: `ALARM` (confident: the
resources at once), `ASK` (unsure: ask her directly and kindly) or nothing.

The rules (`content/safety.yaml`) say their risk by their group and their band
by `band:`; the model has a head per risk with two thresholds (`ask_at`,
`alarm_at`) set on messages it was not fitted on. A risk takes the highest band
any rule or head gives it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.content import Content
from bot.core.safety import heads as screen_heads
from bot.core.safety import screen
from bot.core.safety.screen import Alarm

OWN, HIM = "own", "him"
RISKS = (OWN, HIM)
ALARM, ASK = "alarm", "ask"
RISK_OF_GROUP = {"suicide": OWN, "self_harm": OWN, "violence": HIM, "threat": HIM, "fear": HIM}
"""The rules' groups (content/safety.yaml), by the risk they are about."""


@dataclass(frozen=True)
class Reading:
    """What the screen heard: the risks it is sure of, those to ask about, and why.

    `why` holds words of her message (a rule's id, the model's n-grams): for the eval and
    the tests, never for a log."""

    alarm: tuple[str, ...] = ()
    ask: tuple[str, ...] = ()
    why: tuple[Alarm, ...] = ()

    @property
    def quiet(self) -> bool:
        return not self.alarm and not self.ask

    @property
    def risks(self) -> tuple[str, ...]:
        return (*self.alarm, *self.ask)

    def band(self, risk: str) -> str | None:
        if risk in self.alarm:
            return ALARM
        return ASK if risk in self.ask else None


def _merge(bands: dict[str, str], risk: str, band: str) -> None:
    if bands.get(risk) != ALARM:
        bands[risk] = band


def read(content: Content, text: str, heads: screen_heads.Heads | None = None) -> Reading:
    """The graded reading of `text` (the packaged model's heads unless others are given)."""
    bands: dict[str, str] = {}
    why: list[Alarm] = []
    rules = {r.id: r for r in content.safety.rules}
    alarms, prepared = screen.read_rules(content, text)
    for alarm in alarms:
        rule = rules[alarm.rule]
        _merge(bands, RISK_OF_GROUP[alarm.category], rule.band)
        why.append(alarm)
    heads = heads if heads is not None else screen_heads.packaged()
    if heads and any(bands.get(risk) != ALARM for risk in heads):
        verdicts = heads.read(prepared)
        for risk, verdict in verdicts.items():
            head = heads[risk]
            if bands.get(risk) == ALARM or verdict.score < head.ask_at:
                continue  # a rule is already sure, or the head is not
            _merge(bands, risk, ALARM if verdict.score >= head.alarm_at else ASK)
            why.append(Alarm(screen.MODEL, risk, verdict.ngrams))
    return Reading(
        alarm=tuple(r for r in RISKS if bands.get(r) == ALARM),
        ask=tuple(r for r in RISKS if bands.get(r) == ASK),
        why=tuple(why),
    )
