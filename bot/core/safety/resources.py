"""The safety resources: her country's lines first once she has said where she is.

The numbers come from `content/resources.yaml`, each with its source; the
country question is asked once, and skipping it is always fine.
"""

from __future__ import annotations

from bot.content import Content, Country, Line
from bot.core.inputs import Action
from bot.core.replies import Button, Reply, rows

COUNTRY = "country"
"""The action of a country button; its `arg` is the ISO code, OTHER or SKIP."""
OTHER, SKIP = "other", "skip"


OWN, HIM = "own", "him"
"""The two risks: her own life (the crisis lines), danger from him (the domestic-violence lines)."""


def _lines(lines: tuple[Line, ...], risk: str | None) -> list[Line]:
    """The lines for `risk`: for her own life the crisis lines only; for danger from him (or
    when no risk is named) every line, the domestic-violence ones first."""
    if risk == OWN:
        return [line for line in lines if line.kind == "crisis"]
    return sorted(lines, key=lambda line: line.kind != "domestic_violence")


def _country_block(content: Content, country: Country, risk: str | None) -> str:
    lines = [
        country.name,
        "• " + content.messages.emergency_line.format(number=country.emergency),
        *(f"• {line.name}: {line.contact}" for line in _lines(country.lines, risk)),
    ]
    return "\n".join(lines)


def resources(content: Content, country: str | None = None, risk: str | None = None) -> Reply:
    """The resources: her country's lines when known; every country we list when not yet told;
    the worldwide directories always. For her own life (`risk` OWN) the crisis lines, with
    words for that; otherwise the domestic-violence lines first."""
    res = content.resources
    if country in (OTHER, SKIP):
        shown: list[Country] = []
    else:
        mine = [c for c in res.countries if c.code == country]
        shown = mine or list(res.countries)
    listed = _lines(res.directory, risk)
    directory = "\n".join(f"• {line.name}: {line.contact}" for line in listed)
    intro = content.crisis.own.intro if risk == OWN else res.intro
    blocks = [
        intro,
        *(_country_block(content, c, risk) for c in shown),
        f"{content.messages.directory_title}\n{directory}",
    ]
    return Reply(text="\n\n".join(blocks), kind="resources")


def country_question(content: Content) -> Reply:
    """Asked once, and optional: where she is, so her own lines come first."""
    m = content.messages
    countries = [Button(c.name, Action(COUNTRY, c.code)) for c in content.resources.countries]
    buttons = [
        *rows(countries, 2),
        (Button(m.country_other, Action(COUNTRY, OTHER)),),
        (Button(m.country_skip, Action(COUNTRY, SKIP)),),
    ]
    return Reply(text=m.country_question, buttons=tuple(buttons))


def known_country(content: Content, code: str) -> str | None:
    """`code` if it is a country we list or one of the two other answers, else None."""
    if code in (OTHER, SKIP) or any(c.code == code for c in content.resources.countries):
        return code
    return None
