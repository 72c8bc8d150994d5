"""What reaches Telegram: messages under its length limit, safe HTML, callback data that fits."""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterator

import pytest

from bot.content import Content
from bot.core import asks, commands, plan
from bot.core.inputs import CONTINUE, DONE, KEEP, NONE, RESTART, Action, Choice
from bot.core.replies import Button, Reply
from bot.core.safety.told import Told
from bot.core.state import Confirm, State
from bot.telegram.render import LIMIT, decode, encode, keyboard, split, to_html

CALLBACK_LIMIT = 64
"""Telegram's limit on callback data, in bytes."""


def paragraphs_of_words(total: int) -> str:
    """Numbered words in paragraphs of varying length, about `total` characters in all."""
    words = (f"word{i:05d}" for i in itertools.count())
    paragraphs: list[str] = []
    size = 0
    for n in itertools.cycle((40, 7, 90, 15, 200)):
        paragraph = " ".join(itertools.islice(words, n))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
        if size >= total:
            return "\n\n".join(paragraphs)
    raise AssertionError("unreachable")


def visible(part: str) -> str:
    """What she sees of one HTML message: the bold tags gone, the entities read back."""
    return html.unescape(part.replace("<b>", "").replace("</b>", ""))


def every_button(content: Content) -> Iterator[Button]:
    """Every button the flow shows for this content: questions (ticked or not) and holds."""
    for step in content.steps:
        for selected in ((), tuple(a.id for a in step.answers)):
            for row in asks.question(content, step, selected).buttons:
                yield from row
        for hold in ({"held": True}, {"overlay": Confirm("restart")}):
            for reply in asks.prompt(content, State(step=step.id, **hold)):  # type: ignore[arg-type]
                for row in reply.buttons:
                    yield from row


# ---- splitting long texts ------------------------------------------------------------------


def test_a_long_text_is_split_into_messages_that_keep_every_word_in_order() -> None:
    text = paragraphs_of_words(10_000)
    assert len(text) >= 10_000

    pieces = split(text)

    assert len(pieces) >= 3
    assert all(len(p) <= LIMIT for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_a_long_text_is_split_between_paragraphs() -> None:
    text = paragraphs_of_words(10_000)
    paragraphs = set(text.split("\n\n"))

    pieces = split(text)

    for piece in pieces:
        assert set(piece.split("\n\n")) <= paragraphs


def test_a_long_text_without_blank_lines_is_split_between_lines() -> None:
    lines = [f"• line {i:04d} " + "x" * 60 for i in range(150)]
    text = "\n".join(lines)

    pieces = split(text)

    assert all(len(p) <= LIMIT for p in pieces)
    assert [line for piece in pieces for line in piece.split("\n")] == lines


def test_a_single_huge_word_is_cut_hard_and_nothing_is_lost() -> None:
    word = "".join(chr(ord("a") + i % 26) for i in range(9_000))

    pieces = split(word)

    assert all(0 < len(p) <= LIMIT for p in pieces)
    assert len(pieces) == 3
    assert "".join(pieces) == word


def test_a_short_text_is_sent_as_it_is(content: Content) -> None:
    welcome = content.messages.welcome

    assert split(welcome) == [welcome]


def test_a_text_of_exactly_the_limit_stays_one_message() -> None:
    text = "y" * LIMIT

    assert split(text) == [text]
    assert split(text + "z") == ["y" * LIMIT, "z"]


# ---- HTML ----------------------------------------------------------------------------------


def test_what_anyone_typed_cannot_break_the_formatting() -> None:
    reply = Reply(title="Tom & Jerry <3", text="if a < b && b > c then <b>bold</b>")

    [part] = to_html(reply)

    assert part == (
        "<b>Tom &amp; Jerry &lt;3</b>\n\n"
        "if a &lt; b &amp;&amp; b &gt; c then &lt;b&gt;bold&lt;/b&gt;"
    )


def test_a_reply_without_a_title_has_no_bold(content: Content) -> None:
    [part] = to_html(Reply(text=content.messages.idle))

    assert "<b>" not in part
    assert visible(part) == content.messages.idle


def test_a_title_is_bold_and_only_on_the_first_message(content: Content) -> None:
    title = content.messages.avoid_title
    reply = Reply(title=title, text=paragraphs_of_words(9_000))

    parts = to_html(reply)

    assert len(parts) >= 3
    assert parts[0].startswith(f"<b>{html.escape(title, quote=False)}</b>\n\n")
    assert all("<b>" not in p for p in parts[1:])


@pytest.mark.parametrize("filler", ["&", "<>", "a & b < c > d ", "&amp; "])
def test_escaping_never_pushes_a_message_over_the_limit(filler: str) -> None:
    reply = Reply(title="A & B <title>", text=(filler * 6_000).strip())

    parts = to_html(reply)

    assert len(parts) >= 2
    assert all(len(visible(p)) <= LIMIT for p in parts)
    assert "".join(visible(p) for p in parts).replace("\n", "").replace(" ", "") == (
        f"{reply.title}{reply.text}".replace("\n", "").replace(" ", "")
    )


def test_every_reply_she_can_get_fits_in_telegram_messages(content: Content) -> None:
    replies: list[Reply] = [*commands.help_replies(content, Told())]
    for hold in ({"held": True}, {"overlay": Confirm("restart")}):
        replies += asks.prompt(content, State(step=content.steps[1].id, **hold))  # type: ignore[arg-type]
    for step in content.steps:
        replies.append(asks.question(content, step))
    everything = {s.id: tuple(a.id for a in s.answers) for s in content.steps}
    replies += plan.pages(content, everything)

    for reply in replies:
        parts = to_html(reply)

        assert parts, reply
        assert all(len(visible(p)) <= LIMIT for p in parts)
        if reply.title:
            assert parts[0].startswith(f"<b>{html.escape(reply.title, quote=False)}</b>")


# ---- buttons and callback data -------------------------------------------------------------


@pytest.mark.parametrize(
    "event",
    [
        Choice("safety", "yes"),
        Choice("tactics", "begging"),
        Action(CONTINUE),
        Action(RESTART),
        Action(KEEP),
        Action(DONE, "tactics"),
        Action(NONE, "tactics"),
    ],
    ids=repr,
)
def test_a_button_press_comes_back_as_the_same_input(event: Choice | Action) -> None:
    assert decode(encode(event)) == event


def test_every_button_of_the_real_content_fits_in_callback_data(content: Content) -> None:
    pressed = list(every_button(content))
    assert len(pressed) > sum(len(s.answers) for s in content.steps)

    for button in pressed:
        data = encode(button.input)

        assert len(data.encode("utf-8")) <= CALLBACK_LIMIT, data
        assert decode(data) == button.input


def test_a_keyboard_carries_every_button_row_by_row(content: Content) -> None:
    question = asks.question(content, content.steps[-1])

    markup = keyboard(question)

    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [
        [b.label for b in row] for row in question.buttons
    ]
    assert [
        decode(b.callback_data if isinstance(b.callback_data, str) else None)
        for row in markup.inline_keyboard
        for b in row
    ] == [b.input for row in question.buttons for b in row]


def test_a_reply_without_buttons_has_no_keyboard(content: Content) -> None:
    assert keyboard(Reply(text=content.messages.idle)) is None


@pytest.mark.parametrize(
    "data", [None, "", "x|y", "c||", "a||", "zzz|1|2", "c|safety|", "c||yes", "a|b|c|d", "|||"]
)
def test_callback_data_we_did_not_make_is_ignored(data: str | None) -> None:
    assert decode(data) is None
