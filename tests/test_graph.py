"""The conversation's machine, drawn from the code, and the README's copy of it."""

from __future__ import annotations

import re
from pathlib import Path

from bot.content import Content
from bot.core import graph
from bot.core.state import Mode

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_mode_is_drawn_and_reached(content: Content) -> None:
    drawn = graph.mermaid(content)

    for mode in Mode:
        assert re.search(rf"\b{mode.value}\b", drawn), mode
    for step in content.steps:
        assert f"{step.id} : {step.topic}" in drawn


def test_the_moves_drawn_are_the_moves_the_router_makes(content: Content) -> None:
    found = graph.moves(content)

    assert "/start" in found[("asking", "confirm_restart")]
    assert "alarming words" in found[("asking", "held")]
    assert "continue" in found[("held", "asking")]
    assert "forget" in found[("confirm_forget", "idle")]


def test_the_readme_shows_the_machine_as_the_code_draws_it_today(content: Content) -> None:
    text = README.read_text(encoding="utf-8")
    found = re.search(
        r"<!-- machine:start -->\n```mermaid\n(.*?)```\n<!-- machine:end -->", text, re.S
    )

    assert found, "README.md has no machine block"
    assert found.group(1) == graph.mermaid(content), (
        "README.md's machine is stale: paste the output of `python -m bot content graph`"
    )
