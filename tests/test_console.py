"""The terminal console runs the same conversation with numbered choices."""

from __future__ import annotations

from collections.abc import Callable

from bot.console import parse, render, run_console
from bot.content import Content
from bot.core.inputs import Choice, Command, Text
from bot.service import Service


def scripted(lines: list[str]) -> Callable[[], object]:
    pending = iter(lines)

    async def read() -> str | None:
        return next(pending, None)

    return read


async def run(service: Service, lines: list[str]) -> str:
    out: list[str] = []
    await run_console(service, read=scripted(lines), write=out.append)  # type: ignore[arg-type]
    return "\n".join(out)


async def test_a_whole_conversation_by_numbers_ends_in_guidance(
    service: Service, content: Content
) -> None:
    # Safety yes, calm, distance, talking, wavering, tick the first tactic, done.
    shown = await run(service, ["1", "3", "1", "1", "1", "1", "7", "/quit"])

    drifting = next(s for s in content.guidance.sections if s.case == "drifting")
    assert drifting.title in shown
    assert content.guidance.closing in shown
    assert shown.rstrip().endswith(content.messages.console_bye)


async def test_choices_are_numbered_and_numbers_pick_them(content: Content) -> None:
    from bot.core.asks import question

    text, buttons = render(question(content, content.steps[0]))

    assert "  1. Yes" in text
    assert parse("2", buttons) == Choice("safety", "no")
    assert parse("9", buttons) == Text("9")
    assert parse("/help", buttons) == Command("help")
    assert parse("   ", buttons) is None


async def test_the_console_picks_up_where_she_left_off(service: Service, content: Content) -> None:
    await run(service, ["1", "/quit"])
    shown = await run(service, ["2", "/quit"])

    assert content.messages.restart_confirm in shown
    assert content.messages.resumed in shown
    assert content.steps[1].question in shown
