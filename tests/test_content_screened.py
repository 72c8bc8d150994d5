"""The content check refuses a pattern that could take more than linear time on her text.

Each case breaks a copy of the real content in one place (`tests.test_content.broken`) and
expects the bot to refuse to start, naming the file, the key and, for a crisis rule, its id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.content import load_content, screened
from tests.test_content import Mutation, broken, load_error


def rule_repeats_without_bound_beside_a_lookbehind(data: Any) -> str:
    # A lookbehind RE2 cannot stand in for: Python's engine confirms this alternative.
    data["crisis"]["violence"][0]["pattern"] += r"|(?<!not )\bhe hurt\w* me"
    return "crisis.violence[0].pattern"


def rule_refers_back(data: Any) -> str:
    data["crisis"]["fear"][0]["pattern"] += r"|\b(\w{1,9}) \1 me\b"
    return "crisis.fear[0].pattern"


def phrase_matches_nothing(data: Any) -> str:
    data["benign"].append(r"\b(dead set)?")
    return f"benign[{len(data['benign']) - 1}]"


def phrase_repeats_without_bound_beside_a_lookbehind(data: Any) -> str:
    data["benign"][0] = r"(?<!really )\bkilling me\s+softly"
    return "benign[0]"


def heard_repeats_without_bound(data: Any) -> str:
    data["groups"][0]["patterns"][0] += r"|\bcalled me \w+ names"
    return "groups[0].patterns[0]"


def draft_rule_repeats_without_bound(data: Any) -> str:
    data["patterns"][0]["rules"][0]["pattern"] += r"|\bplease\s*stay"
    return "patterns[0].rules[0].pattern"


def draft_phrase_repeats_without_bound(data: Any) -> str:
    data["patterns"][0]["benign"] = [r"\bno rush\w*"]
    return "patterns[0].benign[0]"


BREAKS: list[tuple[str, Mutation, str]] = [
    ("safety.yaml", rule_repeats_without_bound_beside_a_lookbehind, "rule 'struck_me': \\w*"),
    ("safety.yaml", rule_refers_back, "RE2 cannot read"),
    ("safety.yaml", phrase_matches_nothing, "can match nothing"),
    ("safety.yaml", phrase_repeats_without_bound_beside_a_lookbehind, "\\s+ repeats"),
    ("heard.yaml", heard_repeats_without_bound, "bound it, as \\w{1,30}"),
    ("drafts.yaml", draft_rule_repeats_without_bound, "\\s* repeats without an upper bound"),
    ("drafts.yaml", draft_phrase_repeats_without_bound, "\\w* repeats"),
]


@pytest.mark.parametrize(
    ("file", "mutate", "problem"), BREAKS, ids=[m.__name__ for _, m, _ in BREAKS]
)
def test_a_pattern_that_could_take_more_than_linear_time_is_refused_naming_where(
    tmp_path: Path, file: str, mutate: Mutation, problem: str
) -> None:
    directory, key = broken(tmp_path, file, mutate)

    message = load_error(directory)

    assert message.startswith(f"{file}: {key}:"), message
    assert problem in message


def test_a_rule_may_repeat_without_bound_where_re2_alone_decides_it(tmp_path: Path) -> None:
    def unbounded_but_plain(data: Any) -> str:
        data["crisis"]["violence"][0]["pattern"] += r"|\bhe hurt\w* me\b[^.!?]*\bagain"
        data["crisis"]["violence"][1]["pattern"] += r"|\bhe hurt\w* me\b(?! in a game\b)"
        return ""

    directory, _ = broken(tmp_path, "safety.yaml", unbounded_but_plain)

    screened.check(load_content(directory))  # loading checks it too; nothing is refused
