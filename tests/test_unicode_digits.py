"""Digits from anywhere in Unicode, in forged buttons and typed lines, never crash anything.

`str.isdigit()` accepts "²" and "①", which `int()` refuses; a forged button
such as `a|mood|²:1` used to crash the handler, and the same digit typed in
the console ended the program with her input in the traceback.
"""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.console.screen import parse
from bot.content import Content
from bot.core.checkins.answers import referenced
from bot.core.inputs import Action
from bot.core.replies import Button
from bot.telegram import render
from tests.offline import Chat

DIGITS = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isdigit()]
"""Every character `isdigit()` accepts: the decimal digits of every script (which `int()`
reads) and 128 others it refuses: superscripts, subscripts, circled digits, ..."""
TRICKY = [c for c in DIGITS if not c.isdecimal()]

digits = st.text(
    alphabet=st.one_of(
        st.sampled_from(DIGITS),
        st.characters(categories=("Nd", "No", "Nl")),
        st.sampled_from("0123456789:"),
    ),
    max_size=8,
)


@given(head=digits, tail=digits, name=st.sampled_from(["mood", "kept", "note", "ci_weekday"]))
def test_any_digits_in_a_forged_button_are_read_or_refused_never_crash(
    head: str, tail: str, name: str
) -> None:
    event = render.decode(f"a|{name}|{head}:{tail}")
    assert isinstance(event, Action)
    found = referenced(event)
    first = head.split(":", 1)[0]
    assert found is None or (first.isdecimal() and found == int(first))


@given(line=digits)
def test_any_digits_typed_in_the_console_are_a_choice_or_text_never_a_crash(line: str) -> None:
    buttons = [Button("One", Action("continue")), Button("Two", Action("continue", "x"))]
    parse(line, buttons)


def test_a_pasted_page_of_digits_in_the_console_is_text_not_a_crash() -> None:
    buttons = [Button("One", Action("continue"))]

    assert parse("7" * 5000, buttons) is not None  # int() refuses more than 4300 digits


async def test_forged_buttons_with_non_decimal_digits_get_no_apology(
    her: Chat, content: Content
) -> None:
    await her.send("/checkins")
    shown = her.last()
    some = TRICKY[::8]  # every kind (superscript, subscript, circled, ...), and quickly
    forged = [
        data
        for digit in some
        for data in (f"a|mood|{digit}:1", f"a|mood|1:{digit}", f"a|ci_weekday|{digit}")
    ]
    for data in forged:
        await her.press("", on=shown, data=data)

    assert {unicodedata.name(c).split()[0] for c in some} >= {"SUPERSCRIPT", "CIRCLED"}
    assert content.messages.error not in her.texts()
