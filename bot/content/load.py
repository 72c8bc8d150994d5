"""Read `content/` into one typed `Content`, or fail naming the file and the key.

Each YAML file is validated by its model (fields.py says what each value may
be); then `checks.py` looks across files (an answer's next step exists, a
tactic an answer names is on the list, no text pressures her). The bot
refuses to start on content that fails, so a coach's typo never reaches her.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot import paths
from bot.content import checks, screened
from bot.content.checkins import Checkins
from bot.content.crisis import Crisis
from bot.content.drafts import Drafts
from bot.content.encouragements import Encouragement, Encouragements
from bot.content.errors import ContentError, from_validation
from bot.content.heard import Heard
from bot.content.messages import Messages
from bot.content.moments import Moments
from bot.content.plan import Plan
from bot.content.questions import END, Answer, Assessment, Step
from bot.content.resources import Resources
from bot.content.safety import Safety
from bot.content.safety_plan import SafetyPlan
from bot.content.tactics import Tactics

DEFAULT_CONTENT_DIR = paths.content_dir()

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Content:
    """Everything the bot says and asks, validated. One instance for the life of a process."""

    assessment: Assessment
    plan: Plan
    tactics: Tactics
    encouragement_file: Encouragements
    resources: Resources
    messages: Messages
    safety: Safety
    safety_plan: SafetyPlan
    heard: Heard
    checkins: Checkins
    drafts: Drafts
    moments: Moments
    crisis: Crisis
    _by_id: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {s.id: s for s in self.assessment.steps})

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.assessment.steps

    @property
    def encouragements(self) -> tuple[Encouragement, ...]:
        return self.encouragement_file.messages

    def step(self, step_id: str | None) -> Step | None:
        return self._by_id.get(step_id) if step_id else None

    def after(self, step: Step, answer: Answer | None) -> str:
        """The id of the step that follows `answer` (or `END`)."""
        if answer is not None and answer.next:
            return answer.next
        index = self.steps.index(step)
        return self.steps[index + 1].id if index + 1 < len(self.steps) else END


# LibYAML's parser reads the content about ten times faster than the pure-Python one
# (the bot starts that much sooner); both resolve and construct values the same way.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(directory: Path, name: str) -> Any:
    path = directory / name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except FileNotFoundError:
        raise ContentError(f"{name}: file not found in {directory}") from None
    except yaml.YAMLError as exc:
        raise ContentError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ContentError(f"{name}: expected a mapping at the top")
    return data


def read(directory: Path, name: str, model: type[M]) -> M:
    """One file, validated by its model."""
    try:
        return model.model_validate(read_yaml(directory, name))
    except ValidationError as exc:
        raise from_validation(name, exc) from None


def load_content(directory: Path = DEFAULT_CONTENT_DIR) -> Content:
    """Read and validate every content file; raise `ContentError` on the first problem."""
    tactics = read(directory, "tactics.yaml", Tactics)
    assessment = read(directory, "assessment.yaml", Assessment)
    checks.assessment(assessment, tactics)
    plan = read(directory, "plan.yaml", Plan)
    checks.plan(plan, assessment)
    content = Content(
        assessment=assessment,
        plan=plan,
        tactics=tactics,
        encouragement_file=read(directory, "encouragements.yaml", Encouragements),
        resources=read(directory, "resources.yaml", Resources),
        messages=read(directory, "messages.yaml", Messages),
        safety=read(directory, "safety.yaml", Safety),
        safety_plan=read(directory, "safety_plan.yaml", SafetyPlan),
        heard=read(directory, "heard.yaml", Heard),
        checkins=read(directory, "checkins.yaml", Checkins),
        drafts=read(directory, "drafts.yaml", Drafts),
        moments=read(directory, "moments.yaml", Moments),
        crisis=read(directory, "crisis.yaml", Crisis),
    )
    checks.unique_ids(content)
    checks.combinations(content)
    checks.no_pressure(content)
    checks.safe_on_the_safety_path(content)
    screened.check(content)
    checks.never_measured_by_him(content)
    checks.no_confrontation_when_guarded(content)
    return content
