"""The hard-moment tools through the Telegram handlers, as she would see them in the chat.

The pure core's cases are in `test_moments.py`; these check that the same
behaviour survives the adapter: what is sent, what is edited in place, and
that her place in the questions is still there afterwards.
"""

from __future__ import annotations

from bot.content import Content
from tests.offline import Chat
from tests.test_telegram import PROFILE, answer_all, label

NEEDY = "Please please don't leave me, answer me right now or it's over"
CRISIS = "if you leave I will kill myself"


async def test_a_draft_mid_assessment_is_read_and_the_same_question_waits(
    her: Chat, content: Content
) -> None:
    await her.send("/start")
    await her.press(label(content, "safety", "yes"))
    await her.press(label(content, "how_said", "fight"))
    assert her.last().plain == content.steps[2].question

    await her.send(f"/draft {NEEDY}")

    said = "\n".join(her.texts())
    assert content.drafts.pattern("begging").name in said
    assert her.last().plain == content.steps[2].question  # her place, with its buttons
    await her.press(label(content, "cause", "distance"))
    assert her.last().plain == content.steps[3].question


async def test_draft_alone_after_her_plan_reads_the_next_message(
    her: Chat, content: Content
) -> None:
    await her.send("/start")
    await answer_all(her, content, **PROFILE, tactics="begging")
    await her.send("/draft")
    assert her.last().plain == content.drafts.texts.ask

    await her.send("The kids need picking up at four on Friday, can you do it?")

    assert content.drafts.texts.nothing_stands_out in her.last().plain


async def test_a_crisis_phrase_in_a_draft_brings_the_lines_and_no_wording_advice(
    her: Chat, content: Content
) -> None:
    await her.send(f"/draft {CRISIS}")

    said = her.texts()
    lines = next(i for i, t in enumerate(said) if t.startswith(content.crisis.own.intro))
    assert said[-1] == content.drafts.texts.crisis_stop  # a kind word, and nothing after it
    assert lines < len(said) - 1
    names = [p.name for p in content.drafts.patterns]
    assert not any(name in t for t in said for name in names)


async def test_talk_turns_its_pages_in_one_message(her: Chat, content: Content) -> None:
    await her.send("/start")
    await answer_all(her, content, **PROFILE)
    await her.send("/talk")
    shown = her.last()
    scripts = content.moments.talk.scripts
    first_page = shown.plain
    assert content.plan.page_label.format(page=1, pages=len(scripts)) in first_page
    count = len(her.visible())

    await her.press(content.plan.next_label, on=shown)

    assert len(her.visible()) == count  # the same message, edited
    assert shown.plain != first_page
    assert content.plan.page_label.format(page=2, pages=len(scripts)) in shown.plain
