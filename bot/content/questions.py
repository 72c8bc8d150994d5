"""assessment.yaml: the questions she is asked, in order, and their answer buttons."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import field_validator

from bot.content.fields import ContentModel, Id, Label, Text, Word

END = "end"
"""An answer's `next` that finishes the assessment."""


def normalize(text: str) -> str:
    """Lower-case, straight quotes, single spaces, no trailing punctuation."""
    text = text.replace("\u2019", "'").lower()
    return " ".join(text.split()).strip(" .!?,")


class Answer(ContentModel):
    id: Id
    label: Label
    also: tuple[Word, ...] = ()
    """Free text that counts as this answer, kept normalized."""
    resources_first: bool = False
    """Show the safety resources before going on."""
    next: Id | None = None
    """The step that follows (default: the next in the list; `end` finishes)."""
    tactic: Id | None = None
    """On a multi-select step: the `avoid` tactic this answer admits to."""

    @field_validator("also")
    @classmethod
    def _normalized(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(normalize(w) for w in value)


class Step(ContentModel):
    id: Id
    question: Text
    kind: Literal["single", "multi"] = "single"
    answers: tuple[Answer, ...]
    done_label: Label | None = None
    none_label: Label | None = None

    @property
    def multi(self) -> bool:
        return self.kind == "multi"

    def answer(self, answer_id: str) -> Answer | None:
        return next((a for a in self.answers if a.id == answer_id), None)

    def match(self, text: str) -> Answer | None:
        """The answer a typed reply stands for, if it plainly names one."""
        said = normalize(text)
        for answer in self.answers:
            if said == normalize(answer.label) or said in answer.also:
                return answer
        return None


class Assessment(ContentModel):
    steps: tuple[Step, ...]

    @property
    def by_id(self) -> Mapping[str, Step]:
        return {s.id: s for s in self.steps}
