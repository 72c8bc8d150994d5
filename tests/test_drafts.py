"""/draft: what may land badly in a message to him, measured on the labelled drafts."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.__main__ import main
from bot.content import DEFAULT_CONTENT_DIR, Content, ContentError, load_content
from bot.content.drafts import Drafts
from bot.core.drafts import MAX_QUOTE, check, reply
from bot.evals import drafts as drafts_eval
from bot.evals import drafts_safety

WARM = "I love you and I'll respect the time you need"


@pytest.fixture(scope="module")
def rules(content: Content) -> Drafts:
    return content.drafts


@pytest.fixture(scope="module")
def labelled(rules: Drafts) -> list[drafts_eval.Labelled]:
    return drafts_eval.load(drafts_eval.LABELLED, {p.id for p in rules.patterns})


# ------------------------------------------------------------------ the labelled set


def test_labelled_set_is_big_enough_for_every_pattern(
    rules: Drafts, labelled: list[drafts_eval.Labelled]
) -> None:
    # Boundaries and self-blame are measured on the safety-path set (test_drafts_safety.py).
    scored = [p for p in rules.patterns if p.id not in drafts_safety.NAMED]
    per_pattern = {p.id: sum(p.id in d.patterns for d in labelled) for p in scored}
    calm = [d for d in labelled if not d.patterns]

    assert len(labelled) >= 300
    assert len(calm) >= 100
    assert min(per_pattern.values()) >= 25, per_pattern
    assert {"warm", "sad", "logistics", "innocent"} <= {d.calm for d in calm}


def test_tuned_rules_catch_every_pattern_and_leave_calm_drafts_alone(
    rules: Drafts, labelled: list[drafts_eval.Labelled]
) -> None:
    report = drafts_eval.evaluate(rules, labelled)

    assert report.missed_targets() == [], "\n".join(report.detail_lines())
    assert all(s.recall >= 90.0 for s in report.scores.values())
    assert report.calm_flagged_rate <= 5.0


def test_first_look_is_stored_for_every_pattern(
    rules: Drafts, labelled: list[drafts_eval.Labelled]
) -> None:
    stored = yaml.safe_load(drafts_eval.FIRST_LOOK.read_text(encoding="utf-8"))
    now = drafts_eval.evaluate(rules, labelled).figures()

    assert stored["date"]
    assert stored["protocol"]
    assert set(stored["figures"]["patterns"]) == set(now["patterns"])
    assert all({"recall", "precision"} <= set(f) for f in stored["figures"]["patterns"].values())
    assert set(stored["figures"]) == set(now)
    assert stored["figures"]["calm_drafts"] == now["calm_drafts"]


def test_eval_command_prints_each_figure_beside_its_first_look(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["drafts", "eval"])

    out = capsys.readouterr().out
    assert code == 0, out
    recall = next(line for line in out.splitlines() if line.startswith("drafts.begging.recall "))
    assert recall.split()[2] == "%"
    assert "(first look" in recall
    assert "drafts.calm_flagged " in out
    assert "drafts.heldout.sarcasm.recall " in out


def test_eval_command_fails_when_a_target_is_missed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "drafts.yaml"
    data.write_text(
        yaml.safe_dump(
            {
                "drafts": [
                    {"text": "a draft no rule could know is begging", "patterns": ["begging"]},
                    {"text": "see you at 5", "calm": "logistics"},
                ]
            }
        ),
        encoding="utf-8",
    )

    code = main(["drafts", "eval", "--data", str(data)])

    assert code == 1
    assert "target missed: recall of begging is 0.0%" in capsys.readouterr().out


# ------------------------------------------------------------------ what she sees


def test_a_warm_honest_message_is_not_flagged(rules: Drafts) -> None:
    findings = check(rules, WARM)

    assert findings == []
    assert "this reads calm and kind" in reply(rules, findings)


@pytest.mark.parametrize(
    "draft",
    [
        WARM,
        "please pick up milk",
        "I promise to drop the kids at 5",
        "answer when you can, no rush",
        "I'm sad today, and that's okay",
        "have fun with the kids this weekend!",
        "I'll be a bit late, sorry",
        "give me a call when you're free",
        "Text me the address of the party",
        "I'll be there in 10 minutes",
        "either Saturday or Sunday works for me",
        "you'll see them Saturday as usual",
        "I'll call your mum about Sunday lunch",
        "If you're running late, I'll take them to school",
        "I know you're busy this week, so I'll handle the dentist",
        "like you said, the kids need a routine",
        "Ben can't eat sesame, remember",
        "I have nothing planned Saturday, I can take them",
        "you're the only one who can fix the boiler",
        "I need you here by 5 for the handover",
        "I hope you're happy in the new flat, truly",
        "that was nice of you",
        "I called your mum to wish her happy birthday",
        "can you find my passport? I think it's in your drawer",
        "Come home safe ❤️",
        "You always make the kids laugh",
        "well done Ava 👏👏",
        "I'm learning to live without you, and I'm okay",
        "where are you taking them for lunch?",
        "I'm not going to beg you to stay. I love you, and I want you to choose freely.",
    ],
)
def test_everyday_messages_that_share_the_patterns_words_are_not_flagged(
    rules: Drafts, draft: str
) -> None:
    assert check(rules, draft) == []


def test_begging_pressure_and_an_ultimatum_in_one_draft_are_all_named(rules: Drafts) -> None:
    draft = "Please don't leave me. Answer me right now or I'm telling your mother everything."

    findings = check(rules, draft)

    assert {f.pattern for f in findings} == {"begging", "pressure", "ultimatum"}
    text = reply(rules, findings)
    for pattern_id in ("begging", "pressure", "ultimatum"):
        assert rules.pattern(pattern_id).name in text


def test_findings_quote_her_exact_words_even_stretched_or_with_curly_quotes(
    rules: Drafts,
) -> None:
    draft = "Pleeease don\u2019t go\nWHERE ARE YOU??"

    findings = check(rules, draft)

    quotes = {f.pattern: f.quote for f in findings}
    assert quotes["begging"] == "Pleeease don\u2019t go"
    assert quotes["checking"] == "WHERE ARE YOU"
    assert all(draft[f.start : f.end] == f.quote for f in findings)


def test_a_quote_is_her_whole_phrase_not_the_fragment_a_rule_matched(rules: Drafts) -> None:
    draft = "I can't live without you. Where are you?? So you have time for everyone. Great."

    quotes = {f.pattern: f.quote for f in check(rules, draft)}

    assert quotes == {
        "desperation": "I can't live without you",
        "checking": "Where are you",
        "sarcasm": "Great.",
    }


def test_every_finding_on_the_labelled_set_quotes_words_from_that_draft(
    rules: Drafts, labelled: list[drafts_eval.Labelled]
) -> None:
    for draft in labelled:
        for finding in check(rules, draft.text):
            assert finding.quote.strip() == finding.quote != ""
            assert draft.text[finding.start : finding.end] == finding.quote


def test_findings_follow_the_order_of_her_draft(rules: Drafts) -> None:
    findings = check(rules, "where are you?? answer me. you never listen. please come home")

    assert [f.pattern for f in findings] == ["checking", "pressure", "blame", "begging"]


def test_the_calmer_shapes_hold_nothing_of_her_draft(rules: Drafts) -> None:
    draft = "Gerald please come home, Zanzibar was a mistake. Where are you? Answer me!!"
    findings = check(rules, draft)

    text = reply(rules, findings)

    quoted = [line for line in text.splitlines() if "Your words:" in line]
    rest = "\n".join(line for line in text.splitlines() if line not in quoted)
    assert len(quoted) == len(findings) >= 3
    assert "Gerald" not in rest
    assert "Zanzibar" not in rest
    for finding in findings:
        assert rules.pattern(finding.pattern).instead in text


def test_on_the_safety_path_her_safety_comes_before_any_wording_advice(rules: Drafts) -> None:
    findings = check(rules, "please don't leave me")

    text = reply(rules, findings, safety_path=True)

    assert text.startswith(rules.texts.safety_first)
    assert text.index(rules.texts.safety_first) < text.index(rules.pattern("begging").name)
    assert reply(rules, [], safety_path=True).startswith(rules.texts.safety_first)


def test_on_the_safety_path_no_calmer_shape_moves_her_toward_him(rules: Drafts) -> None:
    plea = "please don't leave me, I love you, I'll do anything, I promise I'll change"
    findings = check(rules, plea)

    text = reply(rules, findings, safety_path=True)

    assert {"begging", "promises"} <= {f.pattern for f in findings}
    for pattern in rules.patterns:
        if pattern.instead:
            assert pattern.instead not in text
        if pattern.id in {f.pattern for f in findings}:
            assert pattern.safe in text
    assert rules.texts.instead_label not in text


def test_a_boundary_is_named_clear_and_firm_not_a_promise_on_every_path(rules: Drafts) -> None:
    draft = "Please stop calling me. Only contact me about the kids from now on."
    findings = check(rules, draft)

    assert [f.pattern for f in findings] == ["boundary"]
    coaching, safety = reply(rules, findings), reply(rules, findings, safety_path=True)
    assert "clear and firm" in coaching
    assert "clear and firm" in safety
    assert "advocate" in safety
    assert rules.texts.intro not in coaching  # nothing to change in it


def test_self_blame_is_named_kindly_and_never_echoed(rules: Drafts) -> None:
    findings = check(rules, "It was all my fault. I made you angry.")

    text = reply(rules, findings)

    assert "self_blame" in {f.pattern for f in findings}
    assert "all of the blame" in text
    assert rules.pattern("promises").instead not in text
    assert "my part" not in text


def test_a_draft_showing_every_pattern_still_fits_one_telegram_message(rules: Drafts) -> None:
    draft = (
        "Please please don't leave. " + "I keep thinking about how it used to be " * 10 + ". "
        "Answer me now. If you leave I'll tell everyone. You ruined everything. "
        "I promise I'll change. I can't live without you. After everything I did for you. "
        "Enjoy your freedom. Who are you with?"
    )

    findings = check(rules, draft)
    text = reply(rules, findings)

    needy = {p.id for p in rules.patterns if p.id not in drafts_safety.NAMED}
    assert {f.pattern for f in findings} == needy
    assert len(text) < 4096
    assert all(len(line) <= MAX_QUOTE + 20 for line in text.splitlines() if "Your words" in line)


def test_a_finding_never_shows_her_words_when_printed_or_logged(rules: Drafts) -> None:
    (finding,) = check(rules, "who are you with tonight")

    assert finding.quote == "who are you with tonight"
    assert "who are you" not in repr(finding)
    assert "tonight" not in repr(finding)
    assert "checking" in repr(finding)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_anything_she_types_is_checked_without_error_and_quoted_exactly(
    rules: Drafts, text: str
) -> None:
    findings = check(rules, text)

    assert all(text[f.start : f.end] == f.quote for f in findings)
    assert len({f.pattern for f in findings}) == len(findings)
    assert isinstance(reply(rules, findings), str)


@pytest.mark.parametrize(
    "pasted",
    ["\n" * 4096, " \n" * 2048, "?\n" * 2048, ".\n" * 2048, "please\n" * 585, "\t\n " * 1365],
)
def test_a_whole_page_of_blank_lines_or_symbols_is_checked_without_hanging(
    rules: Drafts, pasted: str
) -> None:
    # A generous bound: it guards against rules that backtrack for minutes (one did, on
    # 4096 newlines, before every repeat in drafts.yaml was bounded), not a benchmark.
    started = time.perf_counter()

    check(rules, pasted)

    assert time.perf_counter() - started < 2.0


def test_the_draft_core_runs_without_telegram_or_the_database() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, bot.core.drafts, bot.content.drafts, bot.evals.drafts; "
            "print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in ('telegram', 'sqlalchemy') or m.startswith('bot.db')))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )

    assert loaded.stdout.strip() == "[]"


def test_no_draft_text_pressures_her_to_keep_talking(rules: Drafts, content: Content) -> None:
    texts = [*rules.texts.model_dump().values()]
    texts += [t for p in rules.patterns for t in (p.name, p.why, p.instead, p.safe) if t]

    for text in texts:
        for rule in content.safety.pressure:
            assert not rule.search(text.lower()), (rule.pattern, text)


# ------------------------------------------------------------------ content that cannot be used


def _broken(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the real content with drafts.yaml changed."""
    directory = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, directory)
    path = directory / "drafts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return directory


def _at(pattern_id: str) -> int:
    data = yaml.safe_load((DEFAULT_CONTENT_DIR / "drafts.yaml").read_text(encoding="utf-8"))
    return next(i for i, p in enumerate(data["patterns"]) if p["id"] == pattern_id)


def _pattern(data: dict[str, Any], pattern_id: str) -> dict[str, Any]:
    return data["patterns"][_at(pattern_id)]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: _pattern(d, "begging")["rules"][0].update(pattern="(please"),
            f"drafts.yaml: patterns[{_at('begging')}].rules[0].pattern: "
            "is not a valid regular expression",
        ),
        (
            lambda d: _pattern(d, "pressure")["rules"][0].update(pattern="(x)?"),
            f"drafts.yaml: patterns[{_at('pressure')}].rules[0].pattern: matches an empty message",
        ),
        (
            lambda d: _pattern(d, "guilt").pop("why"),
            f"drafts.yaml: patterns[{_at('guilt')}].why: missing",
        ),
        (
            lambda d: _pattern(d, "blame").update(instead="Say {what_he_did} calmly."),
            f"drafts.yaml: patterns[{_at('blame')}].instead: has a brace",
        ),
        (
            lambda d: _pattern(d, "sarcasm").update(id="checking"),
            "drafts.yaml: patterns: duplicate ids ['checking']",
        ),
        (
            lambda d: d["texts"].update(you_wrote="You wrote this."),
            "drafts.yaml: texts.you_wrote: must contain {words}",
        ),
        (lambda d: d["texts"].update(intro="   "), "drafts.yaml: texts.intro: is empty"),
    ],
)
def test_unusable_drafts_content_fails_naming_the_file_and_the_key(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], expected: str
) -> None:
    directory = _broken(tmp_path, change)

    with pytest.raises(ContentError) as failure:
        load_content(directory)

    assert str(failure.value).startswith(expected), str(failure.value)


def test_drafts_content_that_is_not_yaml_fails_naming_the_file(tmp_path: Path) -> None:
    directory = _broken(tmp_path, lambda d: None)
    (directory / "drafts.yaml").write_text("texts: [never closed\n", encoding="utf-8")

    with pytest.raises(ContentError, match=r"^drafts\.yaml: not valid YAML"):
        load_content(directory)
