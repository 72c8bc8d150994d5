"""The graded crisis screen as it ships: rules and heads together, on the labelled sets and on the
messages the issues named; the heads' weights, their explanations, their training and the
first-look record."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.content import Content
from bot.core.safety import heads as screen_heads
from bot.core.safety import model as screen_model
from bot.core.safety import reading
from bot.core.safety import screen as safety
from bot.evals import graded, graded_report
from bot.evals import screen as safety_eval
from bot.evals import screen_report as safety_report
from bot.evals import screen_train as safety_train
from bot.evals.screen import Labelled
from bot.evals.screen_concepts import CONCEPTS

CATEGORY_FILES = safety_eval.category_sets()
TUNED_ON = ("dev", "fresh", "second", "third", "fourth")
"""The splits the rules were tuned on, message by message (the `extra` training batches were
tuned on by family, and the heads learn them all)."""


@pytest.fixture(scope="module")
def labelled() -> list[Labelled]:
    return safety_eval.load_all()


@pytest.fixture(scope="module")
def readings(content: Content, labelled: list[Labelled]) -> list[reading.Reading]:
    """The shipped screen's reading of every labelled message, computed once for the module."""
    return [reading.read(content, m.text) for m in labelled]


def test_the_heads_ship_with_the_package_and_are_small() -> None:
    shipped = screen_heads.packaged()

    assert shipped is not None
    assert set(shipped) == {"own", "him"}
    for head in shipped.values():
        assert len(head.model.words) + len(head.model.chars) > 1_000
        assert head.ask_at < head.alarm_at
    assert screen_heads.WEIGHTS.stat().st_size < 500 * 1024


def test_without_its_weights_file_the_screen_goes_on_with_its_rules_and_says_so(
    content: Content,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(screen_heads, "WEIGHTS", tmp_path / "missing.json")
    screen_heads.packaged.cache_clear()
    try:
        caught = reading.read(content, "he hit me last night")
        quiet = reading.read(content, "we had a long talk about the school holidays")
    finally:
        screen_heads.packaged.cache_clear()

    assert caught.alarm == ("him",)
    assert quiet.quiet
    assert "heads unavailable" in caplog.text
    assert "school holidays" not in caplog.text


def test_the_heads_were_trained_on_todays_sets_behind_todays_benign_list(
    content: Content, labelled: list[Labelled]
) -> None:
    about = screen_heads.about()

    assert about["trained_on"]["messages"] == len(labelled), "run: python -m bot safety train"
    assert about["trained_on"]["holdout"] == []
    assert about["benign"] == safety_train.fingerprint(content), "run: python -m bot safety train"
    shipped = screen_heads.packaged()
    assert shipped is not None
    assert shipped["own"].model.concepts == CONCEPTS, "run: python -m bot safety train"


@pytest.mark.parametrize("path", CATEGORY_FILES, ids=[p.stem for p in CATEGORY_FILES])
def test_every_category_has_forty_crisis_and_forty_ordinary_messages_and_five_later_batches(
    path: Path,
) -> None:
    messages = safety_eval.load(path)

    assert sum(m.crisis for m in messages) >= 40
    assert sum(not m.crisis for m in messages) >= 40
    for split, least in (
        ("fresh", 10),
        ("second", 8),
        ("third", 12),
        ("fourth", 16),
        ("fifth", 16),
    ):
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


def test_the_tuned_screen_meets_the_sets_it_was_tuned_on_and_lectures_few(
    labelled: list[Labelled], readings: list[reading.Reading]
) -> None:
    tuned_on = [(m, r) for m, r in zip(labelled, readings, strict=True) if m.split in TUNED_ON]
    missed = [m.text for m, r in tuned_on if m.crisis and r.quiet]
    figures = graded.bands(labelled, readings)["overall"]

    # What the README reports as tuned: met on everything 96.8% (the target of 100% is not
    # met: the two training batches in many styles stay at 92-93%), on what the rules were
    # tuned on message by message at least 99%; ordinary messages shown the lines at most 1%,
    # asked at most 5%.
    crisis = sum(m.crisis for m, _ in tuned_on)
    assert len(missed) <= 0.01 * crisis, missed
    assert figures["met"] >= 96.5
    assert figures["shown"] <= 1.0
    assert figures["asked"] <= 5.0
    assert figures["right_risk"] >= 97.0


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
        "i just want to disappear",
        "what's the point of me",
        "the kids would be better off without me weighing them down",
        "i stood at the edge of the platform for a long time today",
        "i've set a date for it",
        "i've been giving my things away",
        "he's hitting me every few days now",
        "he said I'd have an accident",
    ],
)
def test_what_the_issues_said_was_missed_is_now_met_with_the_lines_or_a_question(
    content: Content, message: str
) -> None:
    assert not reading.read(content, message).quiet


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
        "he said he'd be better off without me",
        "I keep going over it in my head",
        "my husband said something hurtful",
        "my husband told me he wants to leave",
        "my husband says he doesn't love me anymore",
        "he said he needs space and I don't know what to do",
    ],
)
def test_ordinary_messages_that_share_the_words_are_not_lectured(
    content: Content, message: str
) -> None:
    assert reading.read(content, message).quiet


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

    heard = [(step, word) for step, word in ordinary if not reading.read(content, word).quiet]

    assert ("safety", "safe") in ordinary
    assert heard == []


def test_a_word_or_two_is_left_to_the_rules_the_model_reads_four_words_or_more() -> None:
    toy = screen_model.Model(bias=-1.0, threshold=0.0, words={"quietly": 10.0}, chars={})

    assert not toy.read("quietly").fired
    assert toy.read("he said it quietly to me").fired


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


def test_a_head_raises_what_the_rules_would_not_and_names_its_ngrams(content: Content) -> None:
    message = "lately i feel like a weight on everyone"
    toy = screen_model.Model(bias=-1.0, threshold=0.0, words={"weight": 10.0}, chars={})
    heads = screen_heads.Heads(own=screen_heads.Head(toy, ask_at=0.0, alarm_at=1.0))
    assert safety.rule_alarms(content, message) == ()

    heard = reading.read(content, message, heads=heads)

    assert heard.alarm == ("own",)
    assert heard.why[0].rule == "own"
    assert heard.why[0].ngrams[0][0] == "weight"
    assert "weight" in heard.why[0].why()


def test_a_head_between_its_two_thresholds_asks_instead_of_showing_the_lines(
    content: Content,
) -> None:
    message = "lately i feel like a weight on everyone"
    toy = screen_model.Model(bias=-1.0, threshold=0.0, words={"weight": 3.0}, chars={})
    heads = screen_heads.Heads(own=screen_heads.Head(toy, ask_at=-0.5, alarm_at=5.0))

    heard = reading.read(content, message, heads=heads)

    assert heard.ask == ("own",)
    assert heard.alarm == ()


def test_every_head_alarm_on_the_sets_names_ngrams_of_the_message_that_raised_its_score(
    labelled: list[Labelled], readings: list[reading.Reading]
) -> None:
    from_heads = [
        (m, a)
        for m, r in zip(labelled, readings, strict=True)
        for a in r.why
        if a.category == safety.MODEL
    ]

    assert from_heads
    for message, alarm in from_heads:
        words = set(screen_model.tokens(safety.prepare(message.text)))
        for gram, contribution in alarm.ngrams:
            named = set()
            for part in gram.replace("+", " ").split():
                if part.startswith("@"):
                    named.update(part.split("(")[1].rstrip(")").split("/"))
                elif part != "_":
                    named.add(part)
            assert named <= words, (gram, message.text)
            assert contribution > 0


def test_a_long_message_about_the_house_with_one_line_of_danger_is_still_met(
    content: Content,
) -> None:
    house = "We talked about the house and the mortgage and who keeps the car. " * 40
    message = house + "He said accidents happen to women who live alone. " + house

    assert len(message) > 4_000
    assert "him" in reading.read(content, message).risks


@pytest.mark.parametrize(
    "message",
    ["", "   ", "🙂🙂🙂", "?" * 4096, "a" * 4096, "he " * 1365, "I'm" * 1365, "\u0000\n\t"],
)
def test_odd_input_is_read_without_error(content: Content, message: str) -> None:
    heard = reading.read(content, message)

    assert heard.risks == () or set(heard.risks) <= {"own", "him"}


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


def test_trained_heads_survive_their_weights_file(
    tmp_path: Path, content: Content, labelled: list[Labelled]
) -> None:
    sample = labelled[::20]
    texts = [safety.blank(content, m.text) for m in sample]
    own = safety_train.train(texts, [m.crisis and m.risk == "own" for m in sample], keep=300)
    him = safety_train.train(texts, [m.crisis and m.risk == "him" for m in sample], keep=300)
    trained = safety_train.Trained(
        screen_heads.Heads(
            own=screen_heads.Head(own, 0.1, 1.0), him=screen_heads.Head(him, 0.2, 2.0)
        ),
        sample,
        {},
        [],
    )
    path = tmp_path / "heads.json"

    path.write_text(json.dumps(safety_train.to_json(trained)), encoding="utf-8")
    loaded = screen_heads.load(path)

    assert (loaded["own"].ask_at, loaded["him"].alarm_at) == (0.1, 2.0)
    for text in texts[:20]:
        for risk, model in (("own", own), ("him", him)):
            assert loaded[risk].model.score(text) == pytest.approx(model.score(text), abs=1e-3)


@pytest.mark.parametrize("section", ["graded_first_look", "fourth_before", "fifth_look"])
def test_each_graded_look_was_recorded_once_and_cannot_be_recorded_again(
    tmp_path: Path, content: Content, section: str
) -> None:
    path = tmp_path / "first_look.yaml"
    shutil.copy(safety_eval.FIRST_LOOK, path)

    with pytest.raises(ValueError, match=f"already has '{section}'"):
        graded_report.record(content, section, "test", path=path)

    assert path.read_bytes() == safety_eval.FIRST_LOOK.read_bytes()


def test_the_first_look_was_measured_on_the_rules_kept_beside_it() -> None:
    import hashlib

    import yaml

    recorded = yaml.safe_load(safety_eval.FIRST_LOOK.read_text(encoding="utf-8"))
    kept = (safety_eval.DATA / "graded_first_look_rules.yaml").read_text(encoding="utf-8")
    rules = "".join(kept.splitlines(keepends=True)[4:])

    digest = hashlib.sha256(rules.encode("utf-8")).hexdigest()[:16]
    assert digest == recorded["graded_first_look"]["rules_sha256"]


def test_safety_eval_prints_every_look_tuned_and_timing_figures(content: Content) -> None:
    lines, _ = safety_report.report(content, cross_validate=False)

    names = {line.split()[0] for line in lines if line and not line.startswith(("#", " "))}
    assert {
        "safety.first_look.recall",
        "safety.third_look.recall",
        "safety.graded.first_look.met",
        "safety.graded.first_look.shown",
        "safety.graded.first_look.asked",
        "safety.graded.fifth_look.met",
        "safety.graded.fifth_look.shown",
        "safety.graded.tuned.met",
        "safety.graded.tuned.shown",
        "safety.graded.tuned.asked",
    } <= names
    assert any(name.startswith("safety.screen_4096") for name in names)
