"""Load `content/` into typed, validated objects.

Everything the bot says comes from YAML a coach can edit. Loading checks the
whole tree at once and fails loudly, naming the file and the key, so a typo
stops the bot at start-up instead of confusing a user mid-conversation.
`python -m bot content check` runs the same validation by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

CASES = ("volatile", "drifting", "shut_out", "dead_set")
"""The four situations the guidance distinguishes; check-ins are tagged by them."""

END = "end"
"""An answer's `next` that finishes the assessment."""

COMMANDS = (
    "start",
    "help",
    "checkins",
    "progress",
    "pause",
    "resume",
    "stop",
    "cancel",
    "sos",
    "about",
    "mydata",
    "forget",
)
"""Commands the bot understands; each needs a description in messages.yaml."""

TEXT_KEYS = (
    "welcome",
    "restart_confirm",
    "restart_yes",
    "restart_no",
    "resumed",
    "cancelled",
    "nothing_to_cancel",
    "nudge_single",
    "nudge_multi",
    "already_answered",
    "stale_button",
    "idle",
    "after_guidance",
    "resources_continue",
    "resources_paused",
    "answered",
    "none_selected",
    "selected_mark",
    "help_title",
    "help_commands_title",
    "group_refusal",
    "non_text",
    "unknown_command",
    "error",
    "no_token",
    "console_intro",
    "console_bye",
    "emergency_line",
    "directory_title",
    "about",
    "crisis_intro",
    "crisis_idle",
    "country_question",
    "country_other",
    "country_skip",
    "forget_confirm",
    "forget_yes",
    "forget_no",
    "forget_kept",
    "forgotten",
    "mydata_caption",
    "hide_label",
)
"""Keys the code asks `messages.yaml` for; a missing one fails the check."""

PLACEHOLDERS = {
    "answered": ("{question}", "{answer}"),
    "no_token": ("{console_command}",),
    "emergency_line": ("{number}",),
}

CHECKIN_PLACEHOLDERS = {
    "zone_guessed": ("{zone}", "{offset}"),
    "confirmed": ("{when}", "{zone}"),
    "status": ("{plan}", "{zone}", "{when}"),
    "status_paused_open": ("{plan}", "{zone}"),
    "paused_week": ("{when}", "{zone}"),
    "resumed": ("{when}", "{zone}"),
    "not_paused": ("{when}", "{zone}"),
    "reply_low": ("{tactic}",),
    "reply_not_kept": ("{tactic}",),
    "progress_summary": ("{answered}", "{moods}", "{average}", "{streak}"),
}
"""Every text of checkins.yaml the code asks for, with the placeholders it fills."""

CHECKIN_TEXT_KEYS = (
    *CHECKIN_PLACEHOLDERS,
    "offer",
    "offer_yes",
    "offer_no",
    "offer_declined",
    "ask_cadence",
    "ask_weekday",
    "ask_time",
    "ask_zone",
    "zone_from_clock",
    "ask_clock",
    "bad_time",
    "bad_zone",
    "bad_clock",
    "status_off",
    "change_label",
    "pause_label",
    "stop_label",
    "setup_label",
    "keep_label",
    "kept_as_is",
    "setup_cancelled",
    "ask_pause",
    "pause_week_label",
    "pause_open_label",
    "paused_open",
    "stopped",
    "nothing_to_change",
    "checkin_mood",
    "checkin_kept",
    "kept_yes",
    "kept_no",
    "reply_mid",
    "reply_high",
    "reply_kept",
    "note_label",
    "ask_note",
    "note_saved",
    "checkin_gone",
    "progress_title",
    "progress_empty",
    "progress_caption",
)

MAX_TEXT = 3500
"""Longest single text; leaves room under Telegram's 4096 for a title."""

MAX_LABEL = 40
MAX_ENCOURAGEMENT = 400
MIN_ENCOURAGEMENTS = 40
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
"""Ids are short and plain so they fit in 64 bytes of callback data."""


class ContentError(ValueError):
    """Content that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Answer:
    id: str
    label: str
    also: tuple[str, ...] = ()
    resources_first: bool = False
    next: str | None = None
    tactic: str | None = None


@dataclass(frozen=True)
class Step:
    id: str
    question: str
    answers: tuple[Answer, ...]
    multi: bool = False
    done_label: str = ""
    none_label: str = ""

    def answer(self, answer_id: str) -> Answer | None:
        return next((a for a in self.answers if a.id == answer_id), None)

    def match(self, text: str) -> Answer | None:
        """The answer a typed reply stands for, if it plainly names one."""
        said = normalize(text)
        for answer in self.answers:
            if said == normalize(answer.label) or said in answer.also:
                return answer
        return None


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    text: str
    when: tuple[Mapping[str, frozenset[str]], ...]
    case: str | None = None

    def applies(self, profile: Mapping[str, Sequence[str]]) -> bool:
        return any(
            all(set(profile.get(step, ())) & wanted for step, wanted in alternative.items())
            for alternative in self.when
        )


@dataclass(frozen=True)
class Guidance:
    opening: str
    sections: tuple[Section, ...]
    avoid_title: str
    avoid_picked_note: str
    embrace_title: str
    closing: str


@dataclass(frozen=True)
class Tactic:
    id: str
    name: str
    text: str


@dataclass(frozen=True)
class Tactics:
    avoid: tuple[Tactic, ...]
    embrace: tuple[Tactic, ...]


@dataclass(frozen=True)
class Encouragement:
    id: str
    situations: frozenset[str]
    theme: str
    text: str


@dataclass(frozen=True)
class Line:
    name: str
    contact: str
    kind: str = "other"
    source: str = ""


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    emergency: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Resources:
    intro: str
    directory: tuple[Line, ...]
    countries: tuple[Country, ...]


@dataclass(frozen=True)
class CrisisRule:
    id: str
    category: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Safety:
    """The crisis screen's rules and the phrases no message may contain."""

    rules: tuple[CrisisRule, ...]
    benign: tuple[re.Pattern[str], ...]
    pressure: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Cadence:
    id: str
    label: str
    describe: str


@dataclass(frozen=True)
class Checkins:
    """What the check-ins say and offer (checkins.yaml)."""

    cadences: tuple[Cadence, ...]
    weekdays: tuple[str, ...]
    hours: tuple[tuple[int, int], ...]
    zones: tuple[tuple[str, str], ...]
    moods: tuple[tuple[int, str], ...]
    low_mood: int
    texts: Mapping[str, str]

    def __getitem__(self, key: str) -> str:
        return self.texts[key]

    def cadence(self, cadence_id: str) -> Cadence | None:
        return next((c for c in self.cadences if c.id == cadence_id), None)


CRISIS_CATEGORIES = ("violence", "threat", "fear", "self_harm", "suicide")


@dataclass(frozen=True)
class Messages:
    commands: Mapping[str, str]
    texts: Mapping[str, str]

    def __getitem__(self, key: str) -> str:
        return self.texts[key]


@dataclass(frozen=True)
class Content:
    steps: tuple[Step, ...]
    guidance: Guidance
    tactics: Tactics
    encouragements: tuple[Encouragement, ...]
    resources: Resources
    messages: Messages
    safety: Safety
    checkins: Checkins
    _by_id: Mapping[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {s.id: s for s in self.steps})

    def step(self, step_id: str | None) -> Step | None:
        return self._by_id.get(step_id) if step_id else None

    def after(self, step: Step, answer: Answer | None) -> str:
        """The id of the step that follows `answer` (or `END`)."""
        if answer is not None and answer.next:
            return answer.next
        index = self.steps.index(step)
        return self.steps[index + 1].id if index + 1 < len(self.steps) else END


def normalize(text: str) -> str:
    """Lower-case, straight quotes, single spaces, no trailing punctuation."""
    text = text.replace("\u2019", "'").lower()
    return " ".join(text.split()).strip(" .!?,")


class _Node:
    """A YAML value with the path that leads to it, for error messages."""

    def __init__(self, file: str, path: str, value: Any) -> None:
        self.file, self.path, self.value = file, path, value

    def fail(self, problem: str) -> ContentError:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return ContentError(f"{where}: {problem}")

    def child(self, key: str | int, value: Any) -> _Node:
        path = f"{self.path}[{key}]" if isinstance(key, int) else f"{self.path}.{key}".lstrip(".")
        return _Node(self.file, path, value)

    def get(self, key: str, *, optional: bool = False) -> _Node:
        if not isinstance(self.value, dict):
            raise self.fail("expected a mapping")
        if key not in self.value or self.value[key] is None:
            if optional:
                return self.child(key, None)
            raise self.child(key, None).fail("missing")
        return self.child(key, self.value[key])

    def text(self, key: str, *, limit: int = MAX_TEXT, optional: bool = False) -> str:
        node = self.get(key, optional=optional)
        if node.value is None:
            return ""
        if not isinstance(node.value, str | int | float) or isinstance(node.value, bool):
            raise node.fail("expected text")
        value = str(node.value).strip()
        if not value:
            raise node.fail("is empty")
        if len(value) > limit:
            raise node.fail(f"is {len(value)} characters long; at most {limit}")
        return value

    def ident(self, key: str = "id") -> str:
        value = self.text(key, limit=30)
        if not _ID.match(value):
            raise self.get(key).fail(f"{value!r} is not a plain id (a-z, 0-9, _)")
        return value

    def items(self, key: str, *, optional: bool = False) -> list[_Node]:
        node = self.get(key, optional=optional)
        if node.value is None:
            return []
        if not isinstance(node.value, list) or not node.value:
            raise node.fail("expected a non-empty list")
        return [node.child(i, v) for i, v in enumerate(node.value)]

    def words(self, key: str) -> tuple[str, ...]:
        found = []
        for node in self.items(key, optional=True):
            # YAML reads a bare yes/no as a boolean; insist on text so "no" stays "no".
            if not isinstance(node.value, str | int) or isinstance(node.value, bool):
                raise node.fail("expected text (put quotes around yes, no, on, off)")
            found.append(str(node.value))
        return tuple(found)


def _read(directory: Path, name: str) -> _Node:
    path = directory / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(f"{name}: file not found in {directory}") from None
    except yaml.YAMLError as exc:
        raise ContentError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ContentError(f"{name}: expected a mapping at the top")
    return _Node(name, "", data)


def _unique(nodes: list[_Node], ids: list[str]) -> None:
    seen: set[str] = set()
    for node, ident in zip(nodes, ids, strict=True):
        if ident in seen:
            raise node.get("id").fail(f"duplicate id {ident!r}")
        seen.add(ident)


def _tactics(root: _Node) -> Tactics:
    def read(key: str, body: str) -> tuple[Tactic, ...]:
        nodes = root.items(key)
        found = tuple(Tactic(n.ident(), n.text("name", limit=60), n.text(body)) for n in nodes)
        _unique(nodes, [t.id for t in found])
        return found

    return Tactics(avoid=read("avoid", "why"), embrace=read("embrace", "how"))


def _steps(root: _Node, tactics: Tactics) -> tuple[Step, ...]:
    avoid_ids = {t.id for t in tactics.avoid}
    nodes = root.items("steps")
    steps = []
    for node in nodes:
        kind = node.text("kind", optional=True) or "single"
        if kind not in ("single", "multi"):
            raise node.get("kind").fail(f"{kind!r} is neither 'single' nor 'multi'")
        answer_nodes = node.items("answers")
        answers = []
        for a in answer_nodes:
            tactic = a.text("tactic", optional=True) or None
            if kind == "multi" and tactic not in avoid_ids:
                raise a.get("tactic").fail(f"{tactic!r} is not an 'avoid' id in tactics.yaml")
            answers.append(
                Answer(
                    id=a.ident(),
                    label=a.text("label", limit=MAX_LABEL),
                    also=tuple(normalize(w) for w in a.words("also")),
                    resources_first=bool(a.get("resources_first", optional=True).value),
                    next=a.text("next", optional=True) or None,
                    tactic=tactic,
                )
            )
        _unique(answer_nodes, [a.id for a in answers])
        multi = kind == "multi"
        steps.append(
            Step(
                id=node.ident(),
                question=node.text("question"),
                answers=tuple(answers),
                multi=multi,
                done_label=node.text("done_label", limit=MAX_LABEL) if multi else "",
                none_label=node.text("none_label", limit=MAX_LABEL) if multi else "",
            )
        )
    _unique(nodes, [s.id for s in steps])
    known = {s.id for s in steps} | {END}
    for node, step in zip(nodes, steps, strict=True):
        for a_node, answer in zip(node.items("answers"), step.answers, strict=True):
            if answer.next and answer.next not in known:
                raise a_node.get("next").fail(f"leads to unknown step {answer.next!r}")
    if not any(a.resources_first for a in steps[0].answers):
        raise nodes[0].fail(
            "the first step must be the safety question (an answer with resources_first)"
        )
    return tuple(steps)


def _guidance(root: _Node, steps: tuple[Step, ...]) -> Guidance:
    answers = {s.id: {a.id for a in s.answers} for s in steps}
    nodes = root.items("sections")
    sections = []
    for node in nodes:
        case = node.text("case", optional=True) or None
        if case is not None and case not in CASES:
            raise node.get("case").fail(f"{case!r} is not one of {', '.join(CASES)}")
        alternatives = []
        for alt in node.items("when"):
            if not isinstance(alt.value, dict) or not alt.value:
                raise alt.fail("expected a mapping of step id to answer ids")
            condition = {}
            for step_id in alt.value:
                if step_id not in answers:
                    raise alt.child(step_id, None).fail(f"unknown step {step_id!r}")
                wanted = alt.words(step_id)
                unknown = set(wanted) - answers[step_id]
                if not wanted or unknown:
                    raise alt.get(step_id).fail(f"unknown answers {sorted(unknown) or wanted}")
                condition[step_id] = frozenset(wanted)
            alternatives.append(condition)
        sections.append(
            Section(
                id=node.ident(),
                title=node.text("title", limit=120),
                text=node.text("text"),
                when=tuple(alternatives),
                case=case,
            )
        )
    _unique(nodes, [s.id for s in sections])
    missing = set(CASES) - {s.case for s in sections}
    if missing:
        raise root.get("sections").fail(f"no section for the cases {sorted(missing)}")
    return Guidance(
        opening=root.text("opening"),
        sections=tuple(sections),
        avoid_title=root.text("avoid_title", limit=120),
        avoid_picked_note=root.text("avoid_picked_note"),
        embrace_title=root.text("embrace_title", limit=120),
        closing=root.text("closing"),
    )


def _encouragements(root: _Node) -> tuple[Encouragement, ...]:
    nodes = root.items("messages")
    found = []
    for node in nodes:
        situations = frozenset(node.words("situations")) or frozenset({"any"})
        unknown = situations - {*CASES, "any"}
        if unknown:
            raise node.get("situations").fail(f"unknown situations {sorted(unknown)}")
        found.append(
            Encouragement(
                id=node.ident(),
                situations=situations,
                theme=node.ident("theme"),
                text=node.text("text", limit=MAX_ENCOURAGEMENT),
            )
        )
    _unique(nodes, [e.id for e in found])
    if len(found) < MIN_ENCOURAGEMENTS:
        raise root.get("messages").fail(f"has {len(found)} messages; at least {MIN_ENCOURAGEMENTS}")
    return tuple(found)


def _line(node: _Node) -> Line:
    return Line(
        name=node.text("name", limit=120),
        contact=node.text("contact", limit=200),
        kind=node.text("kind", optional=True) or "other",
        source=node.text("source", optional=True),
    )


def _resources(root: _Node) -> Resources:
    countries = []
    for node in root.items("countries"):
        code = node.text("code", limit=2).upper()
        countries.append(
            Country(
                code=code,
                name=node.text("name", limit=80),
                emergency=node.text("emergency", limit=40),
                lines=tuple(_line(n) for n in node.items("lines")),
            )
        )
    return Resources(
        intro=root.text("intro"),
        directory=tuple(_line(n) for n in root.items("directory")),
        countries=tuple(countries),
    )


def _check_placeholders(
    node: _Node, key: str, text: str, placeholders: Mapping[str, tuple[str, ...]] = PLACEHOLDERS
) -> None:
    """Every placeholder the code fills must be there, and nothing it cannot fill.

    A stray brace would otherwise load fine and break her conversation at the
    moment the text is shown.
    """
    wanted = placeholders.get(key, ())
    if not wanted:
        if "{" in text or "}" in text:
            raise node.fail("has a brace; this text is shown as is and takes no placeholders")
        return
    for placeholder in wanted:
        if placeholder not in text:
            raise node.fail(f"must contain {placeholder}")
    try:
        text.format(**{p.strip("{}"): "" for p in wanted})
    except (KeyError, IndexError, ValueError) as exc:
        raise node.fail(
            f"has a placeholder the bot cannot fill ({exc}); use only {wanted}"
        ) from None


def _pattern(node: _Node) -> re.Pattern[str]:
    if not isinstance(node.value, str) or not node.value.strip():
        raise node.fail("expected a regular expression")
    try:
        return re.compile(node.value.strip())
    except re.error as exc:
        raise node.fail(f"is not a valid regular expression: {exc}") from None


def _safety(root: _Node) -> Safety:
    crisis = root.get("crisis")
    rules = []
    for category in CRISIS_CATEGORIES:
        for node in crisis.items(category):
            rules.append(CrisisRule(node.ident(), category, _pattern(node.get("pattern"))))
    unknown = set(crisis.value) - set(CRISIS_CATEGORIES)
    if unknown:
        raise crisis.fail(f"unknown categories {sorted(unknown)}")
    return Safety(
        rules=tuple(rules),
        benign=tuple(_pattern(n) for n in root.items("benign")),
        pressure=tuple(_pattern(n) for n in root.items("pressure")),
    )


def _shown_texts(content: Content) -> Iterator[tuple[str, str]]:
    """Every text the bot can send, with the file and key it comes from."""
    for key, text in content.messages.texts.items():
        yield f"messages.yaml: texts.{key}", text
    g = content.guidance
    for key in ("opening", "avoid_picked_note", "closing"):
        yield f"guidance.yaml: {key}", getattr(g, key)
    for i, section in enumerate(g.sections):
        yield f"guidance.yaml: sections[{i}].text", section.text
    for kind in ("avoid", "embrace"):
        for i, tactic in enumerate(getattr(content.tactics, kind)):
            yield f"tactics.yaml: {kind}[{i}]", tactic.text
    for i, message in enumerate(content.encouragements):
        yield f"encouragements.yaml: messages[{i}].text", message.text
    for i, step in enumerate(content.steps):
        yield f"assessment.yaml: steps[{i}].question", step.question
    yield "resources.yaml: intro", content.resources.intro
    for key, text in content.checkins.texts.items():
        yield f"checkins.yaml: texts.{key}", text


def _no_pressure(content: Content) -> None:
    """Refuse any text that pressures her to keep talking or guilts her for going quiet."""
    for where, text in _shown_texts(content):
        lowered = normalize(text)
        for rule in content.safety.pressure:
            if rule.search(lowered):
                raise ContentError(
                    f"{where}: pressures her ({rule.pattern!r} in safety.yaml: pressure); "
                    "the bot never pushes her to keep talking"
                )


def _checkins(root: _Node) -> Checkins:
    from bot.schedule import CADENCES, parse_clock, zone_of

    cadence_nodes = root.items("cadences")
    cadences = []
    for node in cadence_nodes:
        ident = node.ident()
        if ident not in CADENCES:
            raise node.get("id").fail(f"{ident!r} is not one of {list(CADENCES)}")
        describe = node.text("describe", limit=MAX_LABEL)
        wanted = ("{time}", "{weekday}") if ident == "weekly" else ("{time}",)
        _check_placeholders(node.get("describe"), "describe", describe, {"describe": wanted})
        cadences.append(Cadence(ident, node.text("label", limit=MAX_LABEL), describe))
    _unique(cadence_nodes, [c.id for c in cadences])
    weekdays = root.words("weekdays")
    if len(weekdays) != 7:
        raise root.get("weekdays").fail("expected the seven days, Monday first")
    hours = []
    for node in root.items("hours"):
        clock = parse_clock(str(node.value))
        if clock is None:
            raise node.fail("expected a time like 19:30")
        hours.append(clock)
    zones = []
    for node in root.items("zones"):
        zone = node.text("id", limit=64)
        try:
            zone_of(zone)
        except ValueError:
            raise node.get("id").fail(f"{zone!r} is not an IANA time zone") from None
        zones.append((zone, node.text("label", limit=MAX_LABEL)))
    moods = []
    for node in root.items("moods"):
        value = node.get("value").value
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise node.get("value").fail("expected a whole number from 1 to 5")
        moods.append((value, node.text("label", limit=MAX_LABEL)))
    if [v for v, _ in moods] != [1, 2, 3, 4, 5]:
        raise root.get("moods").fail("expected the values 1, 2, 3, 4 and 5, in order")
    low = root.get("low_mood").value
    if not isinstance(low, int) or isinstance(low, bool) or not 1 <= low < 5:
        raise root.get("low_mood").fail("expected a whole number from 1 to 4")
    texts_node = root.get("texts")
    texts = {}
    for key in CHECKIN_TEXT_KEYS:
        texts[key] = texts_node.text(key)
        _check_placeholders(texts_node.get(key), key, texts[key], CHECKIN_PLACEHOLDERS)
    return Checkins(
        cadences=tuple(cadences),
        weekdays=weekdays,
        hours=tuple(hours),
        zones=tuple(zones),
        moods=tuple(moods),
        low_mood=low,
        texts=texts,
    )


def _messages(root: _Node) -> Messages:
    commands = {name: root.get("commands").text(name, limit=256) for name in COMMANDS}
    texts_node = root.get("texts")
    texts = {}
    for key in TEXT_KEYS:
        # selected_mark is a prefix like "✓ ": its trailing space matters.
        value = texts_node.get(key).value
        texts[key] = value if key == "selected_mark" else texts_node.text(key)
        _check_placeholders(texts_node.get(key), key, str(texts[key]))
    return Messages(commands=commands, texts=texts)


def load_content(directory: Path = DEFAULT_CONTENT_DIR) -> Content:
    """Read and validate every content file; raise `ContentError` on the first problem."""
    tactics = _tactics(_read(directory, "tactics.yaml"))
    steps = _steps(_read(directory, "assessment.yaml"), tactics)
    content = Content(
        steps=steps,
        guidance=_guidance(_read(directory, "guidance.yaml"), steps),
        tactics=tactics,
        encouragements=_encouragements(_read(directory, "encouragements.yaml")),
        resources=_resources(_read(directory, "resources.yaml")),
        messages=_messages(_read(directory, "messages.yaml")),
        safety=_safety(_read(directory, "safety.yaml")),
        checkins=_checkins(_read(directory, "checkins.yaml")),
    )
    _no_pressure(content)
    return content
