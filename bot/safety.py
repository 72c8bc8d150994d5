"""Safety first: the crisis screen over her free text.

The screen is a list of explainable rules from `content/safety.yaml`: every
alarm names the rule that raised it, and `python -m bot safety eval` measures
the rules on a labelled set. The resources it leads to are in
`bot/core/safety/resources.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content import Content

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"})
_SPACES = re.compile(r"\s+")
_REPEATS = re.compile(r"(\w)\1{2,}")
_DOUBLES = re.compile(r"(\w)\1+")


@dataclass(frozen=True)
class Alarm:
    """Why a message was taken as a crisis: the category and the rule that matched."""

    category: str
    rule: str


def prepare(text: str) -> str:
    """Lower-case, straight quotes, single spaces, stretched letters shortened ("pleeease")."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    return _REPEATS.sub(r"\1\1", _SPACES.sub(" ", text)).strip()


def screen(content: Content, text: str) -> Alarm | None:
    """The first crisis rule her message matches, after figures of speech are blanked out."""
    blanked = prepare(text)
    for benign in content.safety.benign:
        blanked = benign.sub(" ", blanked)
    # "k1ll mys3lf" and "pleeease" read as they are meant; "need" keeps its double in `blanked`.
    variants = dict.fromkeys((blanked, blanked.translate(_LEET), _DOUBLES.sub(r"\1", blanked)))
    for variant in variants:
        for rule in content.safety.rules:
            if rule.pattern.search(variant):
                return Alarm(rule.category, rule.id)
    return None
