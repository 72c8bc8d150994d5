"""The content check for patterns run over what she types: each takes time linear in it.

The crisis screen (`bot.core.safety.engine`) matches safety.yaml's rules and benign phrases with
RE2, and confirms with Python's `re` only the alternatives with a lookaround RE2 cannot stand
in for; `/draft` (drafts.yaml) and the kind words (heard.yaml) run Python's `re` over her text.
Python's engine backtracks: a repeat without an upper bound (`\\w*`, `[^.!?]+`, `{2,}`) beside
another took seconds of processor time on one long message, and every user waited. So a
pattern Python runs over her text must bound every repeat, RE2 must be able to read every
screen pattern, and a benign phrase must not match nothing. `load_content` calls `check`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import re2

from bot.content import pattern_shape
from bot.content.errors import at
from bot.content.safety import Safety

if TYPE_CHECKING:
    from bot.content.load import Content

PYTHON_RUNS_IT = "Python's engine runs this pattern over her text"


def _unbounded(repeats: list[str], why: str) -> str:
    return (
        f"{repeats[0]} repeats without an upper bound, and {why}: Python's engine backtracks, "
        f"and on a long message such a repeat can take seconds; bound it, as "
        f"{pattern_shape.bounded_example(repeats[0])}"
    )


def _readable_by_re2(file: str, path: str, pattern: str) -> None:
    try:
        re2.compile(pattern_shape.without_lookarounds(pattern))
    except re2.error:
        raise at(file, path, f"RE2 cannot read {pattern!r} (a back-reference?)") from None


def _safety(safety: Safety) -> None:
    file = "safety.yaml"
    for category, specs in safety.crisis.items():
        for i, spec in enumerate(specs):
            where = f"crisis.{category}[{i}].pattern"
            _readable_by_re2(file, where, spec.pattern.pattern)
            for part in pattern_shape.alternatives(spec.pattern.pattern):
                leading = pattern_shape.leading_refusal(part)
                if leading is not None:
                    _readable_by_re2(file, where, leading[0])
                if not pattern_shape.confirmed_by_python(part, anywhere=True):
                    continue
                if repeats := pattern_shape.unbounded_repeats(part):
                    why = "Python's engine confirms this alternative (it has a lookaround)"
                    raise at(file, where, f"rule {spec.id!r}: {_unbounded(repeats, why)}")
    for i, phrase in enumerate(safety.benign):
        where = f"benign[{i}]"
        _readable_by_re2(file, where, phrase.pattern)
        if pattern_shape.can_match_nothing(phrase.pattern):
            raise at(file, where, "can match nothing: it would put spaces between her words")
        if not pattern_shape.confirmed_by_python(phrase.pattern, anywhere=False):
            continue
        if repeats := pattern_shape.unbounded_repeats(phrase.pattern):
            why = "Python's engine confirms this phrase (it has a lookaround)"
            raise at(file, where, _unbounded(repeats, why))


def check(content: Content) -> None:
    """Refuse a screen pattern RE2 cannot read, a benign phrase that can match nothing, and a
    pattern Python's engine runs over her text with a repeat that has no upper bound."""
    _safety(content.safety)
    for i, group in enumerate(content.heard.groups):
        for j, pattern in enumerate(group.patterns):
            if repeats := pattern_shape.unbounded_repeats(pattern.pattern):
                where = f"groups[{i}].patterns[{j}]"
                raise at("heard.yaml", where, _unbounded(repeats, PYTHON_RUNS_IT))
    for i, draft in enumerate(content.drafts.patterns):
        found = [(f"rules[{j}].pattern", rule.pattern) for j, rule in enumerate(draft.rules)]
        found += [(f"benign[{j}]", phrase) for j, phrase in enumerate(draft.benign)]
        for path, pattern in found:
            if repeats := pattern_shape.unbounded_repeats(pattern.pattern):
                where = f"patterns[{i}].{path}"
                raise at("drafts.yaml", where, _unbounded(repeats, PYTHON_RUNS_IT))
