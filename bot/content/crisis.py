"""crisis.yaml: the direct question the crisis screen asks when it is unsure, and the answer for
her own life (the answer for danger from him is the safety path's)."""

from __future__ import annotations

from bot.content.fields import ContentModel, Label, Text


class OwnLife(ContentModel):
    """Her own life at risk: the crisis lines first, then these, in this order."""

    intro: Text
    kind_word: Text
    next_step: Text
    tonight: Text
    idle: Text


class Ask(ContentModel):
    """The direct question per risk, its buttons, and what "No, I'm okay" hears."""

    own: Text
    him: Text
    yes_label: Label
    okay_label: Label
    unsure_label: Label
    okay: Text
    draft_okay: Text

    def question(self, risk: str) -> str:
        return self.own if risk == "own" else self.him


class Crisis(ContentModel):
    own: OwnLife
    ask: Ask
