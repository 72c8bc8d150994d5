"""Loading `content/`: the shipped files pass, and a coach's typo stops the bot loudly.

Broken content is made from a copy of the real files with one change, so each
test shows exactly which mistake is caught and that the error names the file
and the key a coach has to fix.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content import DEFAULT_CONTENT_DIR, Content, ContentError, load_content
from bot.core import router
from bot.core.inputs import Choice, Command
from bot.core.state import State

FIXTURES = Path(__file__).parent / "fixtures"

Mutation = Callable[[Any], str]
"""Changes the loaded YAML of one file in place; returns the key path it broke."""


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def broken(tmp_path: Path, file: str, mutate: Mutation) -> tuple[Path, str]:
    """A copy of the real content with one file changed; the key path that was broken."""
    directory = copy_content(tmp_path)
    path = directory / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    key = mutate(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return directory, key


def load_error(directory: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_content(directory)
    return str(caught.value)


def multi_step_index(data: Any) -> int:
    return next(i for i, s in enumerate(data["steps"]) if s.get("kind") == "multi")


# ---- the shipped content -------------------------------------------------------------------


def test_the_shipped_content_loads(content: Content) -> None:
    assert content.steps
    assert content.plan.pieces
    assert content.resources.countries


def test_there_are_at_least_forty_encouragements(content: Content) -> None:
    assert len(content.encouragements) >= 40


def test_every_encouragement_is_for_a_known_situation(content: Content) -> None:
    known = {c.id for c in (*content.plan.cases, *content.plan.exceptions)} | {"any", "safety"}
    for encouragement in content.encouragements:
        assert encouragement.situations
        assert encouragement.situations <= known, encouragement.id


def test_every_case_and_exception_has_a_piece_of_its_own(content: Content) -> None:
    for case in (*content.plan.cases, *content.plan.exceptions):
        assert any(case.id in p.serves for p in content.plan.pieces if p.path == "coaching"), (
            case.id
        )


def test_the_first_question_is_about_safety(content: Content) -> None:
    first = content.steps[0]

    assert any(a.resources_first for a in first.answers)
    assert any(not a.resources_first for a in first.answers)


def test_an_unchanged_copy_loads_the_same_as_the_real_content(
    tmp_path: Path, content: Content
) -> None:
    directory, _ = broken(tmp_path, "assessment.yaml", lambda data: "")

    assert load_content(directory) == content


# ---- broken content ------------------------------------------------------------------------


def answer_to_nowhere(data: Any) -> str:
    data["steps"][1]["answers"][0]["next"] = "nowhere"
    return "steps[1].answers[0].next"


def question_missing(data: Any) -> str:
    del data["steps"][2]["question"]
    return "steps[2].question"


def tactic_unknown(data: Any) -> str:
    at = multi_step_index(data)
    data["steps"][at]["answers"][0]["tactic"] = "sulking"
    return f"steps[{at}].answers[0].tactic"


def answer_id_twice(data: Any) -> str:
    answers = data["steps"][0]["answers"]
    answers[1]["id"] = answers[0]["id"]
    return "steps[0].answers[1].id"


def no_safety_answer(data: Any) -> str:
    for answer in data["steps"][0]["answers"]:
        answer.pop("resources_first", None)
    return "steps[0]"


def label_too_long(data: Any) -> str:
    data["steps"][0]["answers"][0]["label"] = "y" * 41
    return "steps[0].answers[0].label"


def step_id_not_plain(data: Any) -> str:
    data["steps"][1]["id"] = "How he said it"
    return "steps[1].id"


def piece_text_empty(data: Any) -> str:
    data["pieces"][0]["text"] = "   "
    return "pieces[0].text"


def when_unknown_step(data: Any) -> str:
    at = piece_index(data, "faded_feelings")
    data["pieces"][at]["when"][0]["his_mood"] = ["angry"]
    return f"pieces[{at}].when[0].his_mood"


def piece_index(data: Any, piece_id: str) -> int:
    return next(i for i, p in enumerate(data["pieces"]) if p["id"] == piece_id)


def contradiction_allowed(data: Any) -> str:
    # "Bring back some warmth" no longer steps aside when he is dead set.
    data["pieces"][piece_index(data, "warmth")]["unless"] = ["shut_out"]
    return f"pieces[{piece_index(data, 'mind_made_up')}].never_with"


def heading_claims_too_much(data: Any) -> str:
    # "When he says his feelings have faded" would reach a woman who named money worries.
    at = piece_index(data, "faded_feelings")
    data["pieces"][at]["when"] = [{"cause": ["intimacy", "stress"]}]
    return f"pieces[{at}].claims"


def marriage_tactic_untagged(data: Any) -> str:
    at = piece_index(data, "for_you")
    data["pieces"][at]["text"] += "\n• Plan one good moment with him this week."
    return f"pieces[{at}].text"


def embrace_point_dropped(data: Any) -> str:
    at = piece_index(data, "hold_on_to")
    text = data["pieces"][at]["text"]
    data["pieces"][at]["text"] = "\n".join(
        line for line in text.split("\n") if "pushover" not in line
    )
    return "article_points"


def reason_measured_by_him(data: Any) -> str:
    at = piece_index(data, "after_the_storm")
    data["pieces"][at]["text"] += (
        "\nEvery fight gives him one more reason to believe leaving is right."
    )
    return f"pieces[{at}].text"


def confrontation_untagged(data: Any) -> str:
    at = piece_index(data, "after_the_storm")
    data["pieces"][at]["text"] += "\n• Insist that he apologises first."
    return f"pieces[{at}].text"


def text_key_missing(data: Any) -> str:
    del data["nudge_single"]
    return "nudge_single"


def answered_without_answer(data: Any) -> str:
    data["answered"] = "{question}"
    return "answered"


def too_few_encouragements(data: Any) -> str:
    data["messages"] = data["messages"][:39]
    return "messages"


def command_undescribed(data: Any) -> str:
    del data["commands"]["help"]
    return "commands.help"


def unknown_case(data: Any) -> str:
    data["pieces"][0]["serves"] = ["hopeless"]
    return "pieces[0].serves"


BREAKS: list[tuple[str, Mutation, str]] = [
    ("assessment.yaml", answer_to_nowhere, "nowhere"),
    ("assessment.yaml", question_missing, "missing"),
    ("assessment.yaml", tactic_unknown, "sulking"),
    ("assessment.yaml", answer_id_twice, "duplicate"),
    ("assessment.yaml", no_safety_answer, "resources_first"),
    ("assessment.yaml", label_too_long, "41 characters"),
    ("assessment.yaml", step_id_not_plain, "not a plain id"),
    ("plan.yaml", piece_text_empty, "empty"),
    ("plan.yaml", when_unknown_step, "unknown step"),
    ("plan.yaml", unknown_case, "hopeless"),
    ("plan.yaml", contradiction_allowed, "would stand beside"),
    ("plan.yaml", heading_claims_too_much, "does not fit"),
    ("plan.yaml", marriage_tactic_untagged, "moves her toward him"),
    ("plan.yaml", embrace_point_dropped, "not_a_pushover"),
    ("plan.yaml", reason_measured_by_him, "measures her by him"),
    ("plan.yaml", confrontation_untagged, "confront him"),
    ("messages.yaml", text_key_missing, "missing"),
    ("messages.yaml", answered_without_answer, "{answer}"),
    ("messages.yaml", command_undescribed, "missing"),
    ("encouragements.yaml", too_few_encouragements, "39"),
]


@pytest.mark.parametrize(
    ("file", "mutate", "problem"), BREAKS, ids=[m.__name__ for _, m, _ in BREAKS]
)
def test_broken_content_is_refused_naming_the_file_and_the_key(
    tmp_path: Path, file: str, mutate: Mutation, problem: str
) -> None:
    directory, key = broken(tmp_path, file, mutate)

    message = load_error(directory)

    assert message.startswith(f"{file}: {key}:"), message
    assert problem in message


def test_a_bare_no_in_a_synonym_list_asks_for_quotes(tmp_path: Path) -> None:
    def bare_no(data: Any) -> str:
        data["steps"][0]["answers"][1]["also"] = ["BARE_WORD", "nope"]
        return "steps[0].answers[1].also[0]"

    directory, key = broken(tmp_path, "assessment.yaml", bare_no)
    path = directory / "assessment.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("BARE_WORD", "no"), encoding="utf-8")
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["steps"][0]["answers"][1]["also"] == [
        False,
        "nope",
    ]

    message = load_error(directory)

    assert message.startswith(f"assessment.yaml: {key}:"), message
    assert "quotes" in message
    assert "no" in message.split(":", 2)[-1]


def test_invalid_yaml_is_refused_naming_the_file(tmp_path: Path) -> None:
    directory = copy_content(tmp_path)
    (directory / "plan.yaml").write_text("opening: [never closed\n", encoding="utf-8")

    message = load_error(directory)

    assert message.startswith("plan.yaml: not valid YAML")


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    directory = copy_content(tmp_path)
    (directory / "resources.yaml").unlink()

    message = load_error(directory)

    assert message.startswith("resources.yaml: file not found")


def test_the_committed_broken_fixture_is_refused_naming_the_file_and_the_key() -> None:
    message = load_error(FIXTURES / "broken_next")

    assert message.startswith("assessment.yaml: steps[1].answers[0].next:"), message
    assert "divorce_papers" in message


@pytest.mark.parametrize(
    ("key", "extra"),
    [("answered", " ({when})"), ("answered", " :-}"), ("emergency_line", " in {country}")],
)
def test_a_placeholder_the_bot_cannot_fill_never_reaches_her(
    tmp_path: Path, key: str, extra: str
) -> None:
    def add_placeholder(data: Any) -> str:
        data[key] += extra
        return key

    directory, path = broken(tmp_path, "messages.yaml", add_placeholder)

    refused = ""
    try:
        edited = load_content(directory)
    except ContentError as error:
        refused = str(error)
    if refused:
        assert refused.startswith(f"messages.yaml: {path}:"), refused
        return
    # Loaded anyway: then answering the first question must still work.
    asked = router.respond(edited, State(), Command("start")).state
    for answer in edited.steps[0].answers:
        assert router.respond(edited, asked, Choice(edited.steps[0].id, answer.id)).replies
