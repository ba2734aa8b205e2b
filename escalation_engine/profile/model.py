"""Load and validate contract profiles (`workflows/*.yaml`) into frozen settings.

Errors name the file, the key and what is wrong. A contract keeps the exact text of the profile it was
created with (see `Contract.profile_text`), so later edits of a profile file never change running cases.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PositiveInt, ValidationError, model_validator

from escalation_engine.core.errors import BadInput, InvalidProfile
from escalation_engine.core.profile_base import RoleSpec, Side, TermSpec, _Strict
from escalation_engine.procedures.kpis.profile import KpiSection
from escalation_engine.procedures.ladder.rules import Ladder, Level
from escalation_engine.procedures.obligations.profile import (
    ObligationSpec,
    ObligationsSpec,
    obligation_problems,
)
from escalation_engine.procedures.plans.profile import NormPlanSpec, ThreeStepPlanSpec
from escalation_engine.procedures.step_in.profile import StepInSpec

__all__ = [
    "NormPlanSpec",
    "ObligationSpec",
    "ObligationsSpec",
    "Profile",
    "ProfileSpec",
    "RoleSpec",
    "Side",
    "StepInSpec",
    "TermSpec",
    "ThreeStepPlanSpec",
    "available_profiles",
    "find_profile",
    "load_profile_file",
    "parse_profile",
]


class LevelSpec(_Strict):
    level: PositiveInt
    name: str
    raised_by: list[str] = Field(min_length=1)
    counterpart: str
    when: str = ""
    source: str


class LadderSpec(_Strict):
    source: str
    levels: list[LevelSpec] = Field(min_length=1)
    response_window: TermSpec


class ReminderSpec(_Strict):
    offsets_days: list[int] = Field(min_length=1)
    at: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    notify_roles: list[str]
    source: str


class DeadlineRules(_Strict):
    roll_to_working_day: bool
    calendar: Literal["termijnenwet", "weekends-only"]
    source: str


class ProfileSpec(_Strict):
    profile: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: PositiveInt
    title: str
    seed: str
    roles: dict[str, RoleSpec] = Field(min_length=1)
    ladder: LadderSpec
    reminders: ReminderSpec
    deadlines: DeadlineRules
    improvement_plan: ThreeStepPlanSpec | None = None
    norm_failure_plan: NormPlanSpec | None = None
    obligations: ObligationsSpec | None = None
    step_in: StepInSpec | None = None
    kpis: KpiSection | None = None

    @model_validator(mode="after")
    def _cross_references(self) -> ProfileSpec:
        problems = [
            p for index, level in enumerate(self.ladder.levels) for p in self._level_problems(index, level)
        ]
        if self.kpis is not None:
            problems += self.kpis.role_problems({key: spec.side for key, spec in self.roles.items()})
        problems += [
            f"reminders.notify_roles: unknown role {role!r}"
            for role in self.reminders.notify_roles
            if role not in self.roles
        ]
        problems += self._plan_role_problems()
        if self.obligations is not None:
            problems += obligation_problems(self.obligations, self.roles)
        if self.step_in is not None:
            problems += self.step_in.problems(self.roles)
        problems += self._link_problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _link_problems(self) -> list[str]:
        """KPIs naming obligations (B2 §2.1) and scorecard plans naming KPIs and an obligation (TP §2.1.1)."""
        obligations = {item.key for item in self.obligations.items} if self.obligations else None
        refs = {kpi.ref for kpi in self.kpis.definitions} if self.kpis else None
        problems = self.kpis.obligation_problems(obligations) if self.kpis else []
        if self.norm_failure_plan is not None and self.norm_failure_plan.scorecard is not None:
            problems += self.norm_failure_plan.scorecard.problems(refs, obligations)
        return problems

    def _plan_role_problems(self) -> list[str]:
        sections = {"improvement_plan": self.improvement_plan, "norm_failure_plan": self.norm_failure_plan}
        return [
            f"{name}: unknown role {role!r}"
            for name, section in sections.items()
            if section is not None
            for role in dict.fromkeys(section.all_roles())
            if role not in self.roles
        ]

    def _level_problems(self, index: int, level: LevelSpec) -> list[str]:
        where = f"ladder.levels.{index}"
        problems: list[str] = []
        if level.level != index + 1:
            problems.append(f"{where}.level: expected {index + 1} (levels are numbered 1, 2, 3, … in order)")
        for role in level.raised_by:
            spec = self.roles.get(role)
            if spec is None:
                problems.append(f"{where}.raised_by: unknown role {role!r}")
            elif spec.side == "supplier":
                problems.append(
                    f"{where}.raised_by: {role!r} is a supplier role; only client/participant raise"
                )
        counterpart = self.roles.get(level.counterpart)
        if counterpart is None:
            problems.append(f"{where}.counterpart: unknown role {level.counterpart!r}")
        elif counterpart.side != "supplier":
            problems.append(f"{where}.counterpart: {level.counterpart!r} must be a supplier-side role")
        return problems


@dataclass(frozen=True)
class Profile:
    """A validated profile plus the exact text it came from (for pinning) and its digest."""

    spec: ProfileSpec
    text: str
    sha256: str
    origin: str

    @classmethod
    def of(cls, spec: ProfileSpec, text: str, origin: str) -> Profile:
        return cls(spec=spec, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), origin=origin)

    @property
    def name(self) -> str:
        return self.spec.profile

    @property
    def version(self) -> int:
        return self.spec.version

    @property
    def ladder(self) -> Ladder:
        return _ladder_of(self.spec)

    def role(self, key: str) -> RoleSpec | None:
        return self.spec.roles.get(key)


def _ladder_of(spec: ProfileSpec) -> Ladder:
    levels = tuple(
        Level(
            number=lv.level,
            name=lv.name,
            raised_by=tuple(lv.raised_by),
            counterpart=lv.counterpart,
            when=lv.when,
            source=lv.source,
        )
        for lv in spec.ladder.levels
    )
    return Ladder(levels=levels, source=spec.ladder.source)


def _format_error(origin: str, error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        message = re.sub(r"^Value error, ", "", item["msg"])
        lines.append(f"{origin}: {key}: {message}")
    return "\n".join(lines)


def profile_json(text: str) -> str:
    """A valid profile text's settings as JSON (what `contract.profile_json` keeps next to the pinned text)."""
    import yaml

    return json.dumps(yaml.safe_load(text), ensure_ascii=False)


@lru_cache(maxsize=32)
def parse_profile(text: str, origin: str = "<profile>") -> Profile:
    import yaml  # here, not at the top: commands read pinned profiles from JSON

    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidProfile(f"{origin}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidProfile(f"{origin}: (top level): expected a mapping of settings")
    try:
        spec = ProfileSpec.model_validate(data)
    except ValidationError as exc:
        raise InvalidProfile(_format_error(origin, exc)) from None
    return Profile.of(spec, text, origin)


def load_profile_file(path: Path) -> Profile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidProfile(f"{path}: cannot read profile file: {exc.strerror}") from None
    return parse_profile(text, str(path))


def profile_dirs() -> list[Path]:
    """Where profiles are looked up: $ESCALATION_ENGINE_PROFILES, ./workflows, then the profiles that come with
    the engine: `escalation_engine/workflows/` in an installed package, the checkout's `workflows/` otherwise."""
    dirs: list[Path] = []
    env = os.environ.get("ESCALATION_ENGINE_PROFILES")
    if env:
        dirs.append(Path(env))
    dirs.append(Path.cwd() / "workflows")
    package = Path(__file__).resolve().parents[1]
    dirs.append(package / "workflows")  # shipped in the wheel (pyproject: package-dir)
    dirs.append(package.parent / "workflows")  # a checkout, or an editable install
    seen: list[Path] = []
    for d in dirs:
        if d.is_dir() and d.resolve() not in [s.resolve() for s in seen]:
            seen.append(d)
    return seen


def available_profiles() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for directory in profile_dirs():
        for path in sorted(directory.glob("*.yaml")):
            found.setdefault(path.stem, path)
    return found


def find_profile(name: str) -> Profile:
    path = available_profiles().get(name)
    if path is None:
        known = ", ".join(sorted(available_profiles())) or "none found"
        raise BadInput(f"unknown profile {name!r} (available: {known})")
    profile = load_profile_file(path)
    if profile.name != name:
        raise InvalidProfile(f"{path}: profile: file is named {name!r} but declares {profile.name!r}")
    return profile
