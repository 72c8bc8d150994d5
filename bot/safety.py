"""Safety resources, shown first whenever she may be in danger.

The numbers live in `content/resources.yaml` so they can be corrected or
localized without a release. When her country is known its lines come first;
the worldwide directory is always there.
"""

from __future__ import annotations

from bot.content import Content, Country
from bot.dialogue import Reply


def _country_block(content: Content, country: Country) -> str:
    lines = [
        f"{country.name}",
        "• " + content.messages["emergency_line"].format(number=country.emergency),
        *(f"• {line.name}: {line.contact}" for line in country.lines),
    ]
    return "\n".join(lines)


def resources(content: Content, country: str | None = None) -> Reply:
    """The resources message: her country first when known, else every country we list."""
    res = content.resources
    mine = [c for c in res.countries if c.code == (country or "").upper()]
    shown = mine or list(res.countries)
    directory = "\n".join(f"• {line.name}: {line.contact}" for line in res.directory)
    blocks = [
        res.intro,
        *(_country_block(content, c) for c in shown),
        f"{content.messages['directory_title']}\n{directory}",
    ]
    return Reply(text="\n\n".join(blocks), kind="resources")
