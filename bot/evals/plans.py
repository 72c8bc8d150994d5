"""`python -m bot content check --plans`: what arrives after her last answer, per persona.

Each of the article's four situations, and one woman on the safety path, walks
the questions through the pure core; the figures are the new messages after
her last answer (the plan's other pages are edits of one message, not new
messages) and their characters, and the pages of her plan.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from bot.content import Content
from bot.core import router
from bot.core.inputs import Command, Input
from bot.core.replies import Reply
from bot.core.state import State

PERSONAS: dict[str, dict[str, tuple[str, ...]]] = {
    "volatile": {
        "safety": ("yes",),
        "how_said": ("hurtful",),
        "cause": ("big_fight",),
        "contact": ("talking",),
        "firmness": ("leaning",),
        "tactics": ("arguing",),
        "goal": ("save",),
    },
    "drifting": {
        "safety": ("yes",),
        "how_said": ("calm",),
        "cause": ("distance",),
        "contact": ("talking",),
        "firmness": ("wavering",),
        "tactics": ("begging", "chasing"),
        "goal": ("understand",),
    },
    "shut_out": {
        "safety": ("yes",),
        "how_said": ("fight",),
        "cause": ("big_fight",),
        "contact": ("shut_out",),
        "firmness": ("leaning",),
        "tactics": ("chasing", "checking"),
        "goal": (),
    },
    "dead_set": {
        "safety": ("yes",),
        "how_said": ("calm",),
        "cause": ("intimacy",),
        "contact": ("barely",),
        "firmness": ("dead_set",),
        "tactics": ("promises",),
        "goal": ("dignity",),
    },
    "not_safe": {
        "safety": ("no",),
        "how_said": ("hurtful",),
        "cause": ("big_fight",),
        "contact": ("barely",),
        "firmness": ("leaning",),
        "tactics": ("begging",),
        "goal": ("save",),
    },
}
"""The four situations of the article, and a woman who said she is not safe."""


def _tap(state: State, replies: tuple[Reply, ...], label: str) -> Input:
    for reply in reversed(replies):
        for row in reply.buttons:
            for button in row:
                if button.label == label:
                    return button.input
    raise LookupError(f"no button {label!r}")


def last_answer(content: Content, answers: Mapping[str, tuple[str, ...]]) -> tuple[Reply, ...]:
    """What the core answers to her last answer, walking her through from /start."""
    outcome = router.respond(content, State(), Command("start"))
    replies = outcome.replies
    for step in content.steps:
        chosen = answers[step.id]
        taps = [a.label for a in step.answers if a.id in chosen]
        if step.multi:
            taps.append(step.done_label if chosen else step.none_label)  # type: ignore[arg-type]
        elif not chosen:
            taps = [step.skip_label]  # type: ignore[list-item]
        for label in taps:
            outcome = router.respond(content, outcome.state, _tap(outcome.state, replies, label))
            replies = outcome.replies or (
                *replies,
                *((outcome.refresh,) if outcome.refresh else ()),
            )
        if outcome.state.held:
            outcome = router.respond(
                content,
                outcome.state,
                _tap(outcome.state, outcome.replies, content.messages.resources_continue),
            )
            replies = outcome.replies
    return outcome.replies


def lines(content: Content) -> Iterator[str]:
    """One `name value unit` line per figure."""
    for name, answers in PERSONAS.items():
        said = last_answer(content, answers)
        pages = next((r.pages for r in said if r.pages), ())
        yield f"plans.{name}.messages {len(said)} messages"
        yield f"plans.{name}.characters {sum(len(r.title) + len(r.text) for r in said)} chars"
        yield f"plans.{name}.pages {len(pages)} pages"
        first = len(pages[0].text) if pages else 0
        yield f"plans.{name}.first_page {first} chars"
        yield f"plans.{name}.all_pages {sum(len(p.title) + len(p.text) for p in pages)} chars"


def points_table(content: Content) -> Iterator[str]:
    """Per coaching persona, which of the article's points her plan carries (plan.yaml:
    article_points): `yes` there, `MISSING`, or `-` not for her case."""
    from bot.content.checks import tactic_texts
    from bot.content.plan import carried

    coaching = {n: a for n, a in PERSONAS.items() if a["safety"] == ("yes",)}
    found = {
        name: carried(content.plan, answers, tactic_texts(content, dict(answers)), False)
        for name, answers in coaching.items()
    }
    width = max(len(p.id) for p in content.plan.article_points) + 2
    yield "# the article's points per persona (plan.yaml: article_points)"
    yield "# " + "point".ljust(width) + "".join(name.ljust(10) for name in coaching)
    for point in content.plan.article_points:
        cells = []
        for name in coaching:
            there = found[name].get(point.id)
            cells.append(("-" if there is None else "yes" if there else "MISSING").ljust(10))
        yield "  " + point.id.ljust(width) + "".join(cells)
