"""What she sends besides plain text is read too: words under a photo, and her edits.

A photo captioned "he hit me last night and I'm scared to go home" used to get "I can
only read text messages", and an edited message got no answer at all.
"""

from __future__ import annotations

from bot.content import Content
from bot.core.graph import ALARM
from tests.offline import Chat
from tests.test_telegram import label

PHOTO = [{"file_id": "p1", "file_unique_id": "p1", "width": 90, "height": 90}]


async def send_photo(her: Chat, caption: str) -> None:
    await her.feed({"message": her.message("", photo=PHOTO, caption=caption)})


async def edit(her: Chat, text: str) -> None:
    """She edits a message she sent a moment ago (Telegram sends the new text)."""
    await her.feed({"edited_message": her.message(text, edit_date=1)})


async def test_a_photo_captioned_with_danger_brings_the_lines_first(
    her: Chat, content: Content
) -> None:
    await send_photo(her, "he hit me last night and I'm scared to go home")

    said = her.texts()
    assert said[0] == content.messages.crisis_intro
    assert content.messages.non_text not in said


async def test_words_under_a_photo_are_answered_like_words_typed_alone(
    her: Chat, content: Content
) -> None:
    await her.send("/start")
    await send_photo(her, label(content, "safety", "yes"))  # the answer, typed under a photo

    assert her.last().plain == content.steps[1].question


async def test_a_photo_with_nothing_under_it_still_gets_the_gentle_answer(
    her: Chat, content: Content
) -> None:
    await her.feed({"message": her.message("", photo=PHOTO)})

    assert her.last().plain == content.messages.non_text


async def test_an_edit_is_answered_once_and_not_taken_as_an_answer(
    her: Chat, content: Content
) -> None:
    await her.send("/start")
    before = len(her.request.called("sendMessage"))

    await edit(her, label(content, "safety", "no"))  # her earlier message, changed

    sent = her.request.called("sendMessage")[before:]
    assert [m["text"] for m in sent] == [content.messages.saw_edit]
    await her.press(label(content, "safety", "yes"))  # the question still waits for her
    assert her.last().plain == content.steps[1].question


async def test_an_edit_that_speaks_of_danger_brings_the_lines(her: Chat, content: Content) -> None:
    await her.send("/start")
    await edit(her, ALARM)

    said = her.texts()
    assert content.messages.crisis_intro in said
    assert content.messages.saw_edit not in said
