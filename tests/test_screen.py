"""The crisis screen as it ships: rules and model together, on the labelled sets and on the
messages the issue named; the model's weights, its explanations, its training and the
first-look record."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from bot.content import Content
from bot.core.safety import model as screen_model
from bot.core.safety import patterns as screen_patterns
from bot.core.safety import screen as safety
from bot.evals import screen as safety_eval
from bot.evals import screen_report as safety_report
from bot.evals import screen_train as safety_train
from bot.evals.screen import Labelled
from bot.evals.screen_concepts import CONCEPTS

CATEGORY_FILES = safety_eval.category_sets()


@pytest.fixture(scope="module")
def labelled() -> list[Labelled]:
    return safety_eval.load_all()


@pytest.fixture(scope="module")
def screened(content: Content, labelled: list[Labelled]) -> list[safety.Alarm | None]:
    """The shipped screen's answer to every labelled message, computed once for the module."""
    return [safety.screen(content, m.text) for m in labelled]


def test_the_weights_ship_with_the_package_and_are_small() -> None:
    model = screen_model.packaged()

    assert model is not None
    assert len(model.words) + len(model.chars) > 1_000
    assert screen_model.WEIGHTS.stat().st_size < 300 * 1024


def test_without_its_weights_file_the_screen_goes_on_with_its_rules_and_says_so(
    content: Content,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(screen_model, "WEIGHTS", tmp_path / "missing.json")
    screen_model.packaged.cache_clear()
    try:
        caught = safety.screen(content, "he hit me last night")
        quiet = safety.screen(content, "we had a long talk about the school holidays")
    finally:
        screen_model.packaged.cache_clear()

    assert caught is not None
    assert quiet is None
    assert "model unavailable" in caplog.text
    assert "school holidays" not in caplog.text


def test_the_weights_were_trained_on_todays_sets_behind_todays_benign_list(
    content: Content, labelled: list[Labelled]
) -> None:
    about = screen_model.about()

    assert about["trained_on"]["messages"] == len(labelled), "run: python -m bot safety train"
    assert about["trained_on"]["holdout"] is None
    assert about["benign"] == safety_train.fingerprint(content), "run: python -m bot safety train"
    assert screen_model.packaged().concepts == CONCEPTS, "run: python -m bot safety train"


@pytest.mark.parametrize("path", CATEGORY_FILES, ids=[p.stem for p in CATEGORY_FILES])
def test_every_category_has_forty_crisis_and_forty_ordinary_messages_and_three_later_batches(
    path: Path,
) -> None:
    messages = safety_eval.load(path)

    assert sum(m.crisis for m in messages) >= 40
    assert sum(not m.crisis for m in messages) >= 40
    for split, least in (("fresh", 10), ("second", 8), ("third", 12)):
        batch = [m for m in messages if m.split == split]
        assert sum(m.crisis for m in batch) >= least, split
        assert sum(not m.crisis for m in batch) >= least, split


def test_the_category_sets_hold_at_least_three_thousand_distinct_messages() -> None:
    texts = [m.text.lower() for p in CATEGORY_FILES for m in safety_eval.load(p)]

    assert len(CATEGORY_FILES) >= 15
    assert len(texts) >= 3_000
    assert len(set(texts)) == len(texts)


def test_a_label_that_is_not_ours_is_an_error_not_an_ordinary_message(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text('category: typo\nmessages:\n  - {text: "he hit me", label: crsis}\n')

    with pytest.raises(ValueError, match=r"typo.yaml: messages\[0\]"):
        safety_eval.load(path)


@pytest.mark.parametrize(
    "group", [*(p.stem for p in safety_eval.LEGACY_SETS), *(p.stem for p in CATEGORY_FILES)]
)
def test_the_tuned_screen_catches_every_crisis_message_of_every_set(
    labelled: list[Labelled], screened: list[safety.Alarm | None], group: str
) -> None:
    missed = [
        m.text
        for m, a in zip(labelled, screened, strict=True)
        if m.group == group and m.crisis and a is None
    ]

    assert missed == []


def test_the_tuned_screen_flags_at_most_three_percent_of_ordinary_messages(
    labelled: list[Labelled], screened: list[safety.Alarm | None]
) -> None:
    flagged = [a is not None for a in screened]

    tallies = safety_eval.tally(labelled, flagged)

    assert tallies[safety_eval.OVERALL].false_alarm_rate <= 0.03
    worst = max(tallies.values(), key=lambda t: t.false_alarm_rate)
    assert worst.false_alarm_rate <= 0.05


@pytest.mark.parametrize(
    "message",
    [
        "everyone would be better off without me",
        "i'm such a burden on everyone",
        "i wish i could just stop existing",
        "I won't be around much longer, I just wanted to say thank you",
        "i've been giving my things away, it feels right",
        "i've put all my affairs in order",
        "i've been saving up my pills for a few weeks now",
        "i keep picturing myself stepping off the bridge",
        "i've picked the date. the 14th",
        "it used to be just shouting but now he's started pushing me",
        "he's put a tracking app on my phone",
        "he took my bank card and gives me £20 a week",
        "he told me the dog might have an accident if i keep talking to a solicitor",
        "he goes through my phone every night and makes me unlock it",
    ],
)
def test_what_the_issue_said_the_old_screen_missed_now_raises_an_alarm(
    content: Content, message: str
) -> None:
    assert safety.screen(content, message) is not None


@pytest.mark.parametrize(
    "message",
    [
        "this week will be the death of me",
        "he tracked my parcel and kept me updated",
        "i drove over the bridge to my mum's and cried the whole way",
        "I'm sticking to my guns about the house",
        "took two paracetamol for the headache and had an early night",
        "i choked on my coffee when he said he wanted a divorce",
        "I'm scared he'll really leave",
        "we share locations for the kids' pick ups and it works fine",
    ],
)
def test_ordinary_messages_that_share_the_words_raise_no_alarm(
    content: Content, message: str
) -> None:
    assert safety.screen(content, message) is None


def test_typing_an_answer_or_its_synonym_raises_no_alarm_unless_it_asks_for_help(
    content: Content,
) -> None:
    ordinary = [
        (step.id, word)
        for step in content.steps
        for answer in step.answers
        if not answer.resources_first
        for word in (answer.label, *answer.also)
    ]

    alarmed = [(step, word) for step, word in ordinary if safety.screen(content, word)]

    assert ("safety", "safe") in ordinary
    assert alarmed == []


def test_a_word_or_two_is_left_to_the_rules_the_model_reads_four_words_or_more() -> None:
    toy = screen_model.Model(bias=-1.0, threshold=0.0, words={"quietly": 10.0}, chars={})

    assert not toy.read("quietly").fired
    assert toy.read("he said it quietly to me").fired


def test_the_model_raises_an_alarm_the_rules_would_not_and_names_its_ngrams(
    content: Content,
) -> None:
    message = "lately i feel like a weight on everyone"
    toy = screen_model.Model(bias=-1.0, threshold=0.0, words={"weight": 10.0}, chars={})
    assert safety.rule_alarm(content, message) is None

    alarm = safety.screen(content, message, model=toy)

    assert alarm is not None
    assert alarm.rule == safety.MODEL
    assert alarm.ngrams[0][0] == "weight"
    assert "weight" in alarm.why()


def test_what_the_model_learned_of_one_word_carries_to_the_others_of_its_concept() -> None:
    toy = screen_model.Model(
        bias=-1.0,
        threshold=0.0,
        words={"@pills": 10.0},
        chars={},
        concepts={"tablets": "pills", "codeine": "pills"},
    )

    verdict = toy.read("i have been saving up the codeine for weeks")

    assert verdict.fired
    assert verdict.ngrams[0][0] == "@pills(codeine)"
    assert not toy.read("i have been saving up the money for weeks").fired


def test_words_like_me_and_and_carry_no_weight_of_their_own() -> None:
    grams = screen_model.word_grams(["he", "kept", "me", "updated"])

    assert "me" not in grams
    assert "he" not in grams
    assert {"kept", "kept me", "he _ me"} <= grams


def test_every_model_alarm_on_the_sets_names_ngrams_of_the_message_that_raised_its_score(
    labelled: list[Labelled], screened: list[safety.Alarm | None]
) -> None:
    model_alarms = [
        (m, a) for m, a in zip(labelled, screened, strict=True) if a and a.rule == safety.MODEL
    ]

    assert model_alarms
    for message, alarm in model_alarms:
        words = set(screen_model.tokens(safety.prepare(message.text)))
        assert alarm.ngrams, message.text
        for gram, contribution in alarm.ngrams:
            named = set()
            for part in gram.split():
                if part.startswith("@"):
                    named.update(part.split("(")[1].rstrip(")").split("/"))
                elif part != "_":
                    named.add(part)
            assert named <= words, (gram, message.text)
            assert contribution > 0


def test_a_long_message_about_the_house_with_one_line_of_danger_still_raises_an_alarm(
    content: Content,
) -> None:
    house = "We talked about the house and the mortgage and who keeps the car. " * 40
    message = house + "He said accidents happen to women who live alone. " + house

    assert len(message) > 4_000
    assert safety.screen(content, message) is not None


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "🙂🙂🙂",
        "?" * 4096,
        "a" * 4096,
        "he " * 1365,
        "I'm" * 1365,
        "\u0000\n\t",
        "é" * 4096,
    ],
)
def test_odd_input_is_screened_without_error_and_in_good_time(
    content: Content, message: str
) -> None:
    start = time.perf_counter()

    safety.screen(content, message)

    # A generous bound: it guards against a pattern that backtracks without end, not a timing.
    assert time.perf_counter() - start < 2.0


def test_the_rules_compiled_for_speed_find_exactly_what_the_rules_as_written_find(
    content: Content, labelled: list[Labelled]
) -> None:
    readings = {safety.prepare(m.text) for m in labelled}
    rules = [r.pattern for r in content.safety.rules]
    benign = list(content.safety.benign)
    fast = [screen_patterns.compile_fast(p.pattern) for p in rules + benign]

    for text in readings:
        for written, quick in zip(rules, fast, strict=False):
            found, quickly = written.search(text), quick.search(text)
            assert (found and found.span()) == (quickly and quickly.span()), (written, text)
        for written, quick in zip(benign, fast[len(rules) :], strict=True):
            assert written.sub(" ", text) == quick.sub(" ", text), (written, text)
    assert sum(q.pattern.startswith(r"\b(?=[") for q in fast[: len(rules)]) > 0.8 * len(rules)


@pytest.mark.parametrize(
    ("pattern", "checked"),
    [
        (r"\bhit me|\b(punch(ed)?|kick) me", r"\b(?=[hkp])"),
        (r"\b(i )?said no", r"\b(?=[is])"),
        (r"\b(i )?[a-z]+ no", None),
        (r"^goodbye|(?<!not )\btake me", r"\b(?=[gt])"),
        (r"\b[a-z]+ me", None),
        (r"\bhe\b[^.!?]{0,9}\bhit|police", None),
    ],
)
def test_a_rule_gets_a_first_letter_check_only_when_its_first_letters_are_certain(
    pattern: str, checked: str | None
) -> None:
    fast = screen_patterns.compile_fast(pattern)

    if checked is None:
        assert fast.pattern == pattern
    else:
        assert fast.pattern.startswith(checked)


def test_training_twice_on_the_same_messages_gives_the_same_weights(
    content: Content, labelled: list[Labelled]
) -> None:
    sample = labelled[::20]
    texts = [safety.blank(content, m.text) for m in sample]
    crisis = [m.crisis for m in sample]

    first = safety_train.train(texts, crisis, keep=500)
    second = safety_train.train(texts, crisis, keep=500)

    assert first == second
    assert len(first.words) + len(first.chars) == 500


def test_a_trained_model_survives_its_weights_file(
    tmp_path: Path, content: Content, labelled: list[Labelled]
) -> None:
    sample = labelled[::20]
    texts = [safety.blank(content, m.text) for m in sample]
    model = safety_train.train(texts, [m.crisis for m in sample], keep=300)
    path = tmp_path / "model.json"

    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    loaded = screen_model.load(path)

    for text in texts[:20]:
        assert loaded.score(text) == pytest.approx(model.score(text), abs=1e-3)


@pytest.mark.parametrize("section", ["first_look", "second_look", "third_look"])
def test_each_look_was_recorded_once_and_cannot_be_recorded_again(
    tmp_path: Path, content: Content, section: str
) -> None:
    path = tmp_path / "first_look.yaml"
    shutil.copy(safety_eval.FIRST_LOOK, path)

    with pytest.raises(ValueError, match=f"already has '{section}'"):
        safety_report.record(content, section, path)

    assert path.read_bytes() == safety_eval.FIRST_LOOK.read_bytes()


def test_safety_eval_prints_first_look_tuned_and_timing_figures(content: Content) -> None:
    lines, missed = safety_report.report(content, cross_validate=False)

    names = {line.split()[0] for line in lines if line and not line.startswith(("#", " "))}
    assert missed == 0
    assert {
        "safety.first_look.recall",
        "safety.second_look.recall",
        "safety.third_look.recall",
        "safety.tuned.recall",
        "safety.tuned.false_alarm_rate",
    } <= names
    assert any(name.startswith("safety.screen_4096") for name in names)
