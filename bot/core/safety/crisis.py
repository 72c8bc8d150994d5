"""Resources first when her words suggest a risk, whatever she was doing; a question when unsure.

Every text she types is read by the graded screen (`reading`) before any
handler sees it. What it hears decides the answer:

- her own life, read with confidence: the crisis lines for her country, a kind
  word, one small next step, someone to be with tonight (`own_life`). Not the
  domestic-violence plan, and her path does not change;
- danger from him, read with confidence: the domestic-violence lines, and the
  safety path from now on;
- either, read in the middle band: she is asked directly and kindly (`asking`);
  "No, I'm okay" puts her back where she was and the same words are not asked
  about again.

The questions wait (held) until she chooses to go on, and anything asked on top
of them (a confirmation, a check-in set-up) gives way.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from bot.content import Content
from bot.core import asks
from bot.core.replies import Reply
from bot.core.safety.reading import HIM, OWN, Reading, read
from bot.core.safety.resources import resources
from bot.core.state import Asked, Mode, Setup, State, Updating, graver
from bot.core.turn import Outcome


def fingerprint(text: str) -> str:
    """A short fingerprint of her words, so "No, I'm okay" is remembered without them."""
    from bot.core.safety.screen import prepare

    return hashlib.sha256(prepare(text).encode()).hexdigest()[:16]


def _with_risks(state: State, risks: tuple[str, ...]) -> State:
    """`state` with `risks` on record; danger from him also puts her on the safety path."""
    kept = tuple(r for r in (OWN, HIM) if r in state.risks or r in risks)
    unsafe = graver(state.unsafe, "alarm") if HIM in risks else state.unsafe
    return replace(state, risks=kept, unsafe=unsafe)


def own_life(content: Content, state: State) -> tuple[Reply, ...]:
    """The answer for her own life: the crisis lines first, a kind word, one small next step,
    someone to be with tonight."""
    own = content.crisis.own
    care = "\n\n".join((own.kind_word, own.next_step, own.tonight))
    return (resources(content, state.country, OWN), Reply(text=care))


def _lines(content: Content, state: State, risks: tuple[str, ...]) -> tuple[Reply, ...]:
    """What the confident risks bring, before anything else."""
    ask = () if state.country else asks.safety_replies(content, state)[1:]
    if HIM not in risks:
        return (*own_life(content, state), *ask)
    intro = Reply(text=content.messages.crisis_intro, kind="resources")
    if OWN not in risks:
        return (intro, *asks.safety_replies(content, state))
    # Both: every line (the domestic-violence ones first), and the words for her own life.
    own = content.crisis.own
    care = Reply(text="\n\n".join((own.kind_word, own.next_step, own.tonight)))
    return (intro, resources(content, state.country), care, *ask)


def confident(content: Content, state: State, risks: tuple[str, ...]) -> Outcome:
    """The resources for `risks` at once; the questions wait, held, where she left them."""
    calm = _with_risks(replace(state, overlay=None), risks)
    shown = _lines(content, calm, risks)
    if content.step(calm.step) is None:
        idle = content.crisis.own.idle if HIM not in risks else content.messages.crisis_idle
        return Outcome(calm, (*shown, Reply(text=idle)))
    held = replace(calm, held=True)
    return Outcome(held, (*shown, asks.go_on(content)))


def ask(
    content: Content, state: State, risks: tuple[str, ...], words: str, *, draft: bool = False
) -> Outcome:
    """Ask her directly about the first of `risks`; what she was doing waits underneath."""
    back = state.overlay if isinstance(state.overlay, Setup | Updating) else None
    asking = replace(state, overlay=Asked(risks, words, draft, back))
    return Outcome(asking, asks.prompt(content, asking))


def respond(
    content: Content, state: State, text: str, reading: Reading, *, draft: bool = False
) -> Outcome | None:
    """What her words bring, by the reading: resources, a question, or nothing (None).

    In a draft to him (`draft`) the words may quote him or dramatise: a confident reading of
    her own life still brings its lines, but danger from him is asked about, never taken as
    read, and her path moves only on her own answer."""
    if reading.quiet:
        return None
    words = fingerprint(text)
    alarm = reading.alarm
    asked = tuple(r for r in reading.ask if words not in state.declined)
    if draft and HIM in alarm:
        alarm = tuple(r for r in alarm if r != HIM)
        asked = (HIM, *(r for r in asked if r != HIM)) if words not in state.declined else asked
    if alarm:
        done = confident(content, state, alarm)
        later = tuple(r for r in asked if r not in alarm)
        if not later:
            return done
        then = ask(content, done.state, later, words, draft=draft)
        return Outcome(then.state, (*done.replies[:-1], *then.replies))
    if asked:
        return ask(content, state, asked, words, draft=draft)
    return None


def intercept(content: Content, state: State, text: str) -> Outcome | None:
    """What her free text brings before any handler sees it, or None.

    A reply that plainly names one of the answers on offer ("calmly", "not safe") is that
    answer, not free text: the questions take it, and the answers that mean danger show the
    resources themselves. Only free text is read, which spares a typed answer the screen.
    """
    step = content.step(state.step)
    if step is not None and state.mode is Mode.ASKING and step.match(text) is not None:
        return None
    return respond(content, state, text, read(content, text))
