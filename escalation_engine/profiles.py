"""Load and validate contract profiles (`workflows/*.yaml`) into frozen settings.

Errors name the file, the key and what is wrong. A contract keeps the exact text of the profile it was
created with (see `Contract.profile_text`), so later edits of a profile file never change running cases.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, model_validator

from .domain.errors import BadInput, InvalidProfile
from .domain.ladder import Ladder, Level
from .kpi_profile import KpiSection

Side = Literal["client", "participant", "supplier"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoleSpec(_Strict):
    side: Side
    label: str
    source: str


class TermSpec(_Strict):
    amount: PositiveInt
    unit: Literal["days", "weeks", "months"]
    source: str
    label: str = ""


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


class ThreeStepPlanSpec(_Strict):
    """The three-step improvement plan (B2 §5.2); optional so profiles without it still validate."""

    source: str
    open_roles: list[str] = Field(min_length=1)
    advance_roles: list[str] = Field(min_length=1)
    skip_step1_roles: list[str] = Field(min_length=1)
    request_step3_roles: list[str] = Field(min_length=1)
    presenter_role: str
    record_presentation_roles: list[str] = Field(min_length=1)
    resolve_roles: list[str] = Field(min_length=1)
    step2_window: TermSpec
    window_reminder_days_before: list[PositiveInt]
    window_notify_roles: list[str] = Field(min_length=1)
    step3_before_window_end: bool
    presentation_reminder_every_days: PositiveInt
    presentation_notify_roles: list[str] = Field(min_length=1)

    def all_roles(self) -> list[str]:
        single = [self.presenter_role]
        lists = (self.open_roles, self.advance_roles, self.skip_step1_roles, self.request_step3_roles)
        more = (self.record_presentation_roles, self.resolve_roles, self.window_notify_roles)
        return single + [r for group in (*lists, *more, self.presentation_notify_roles) for r in group]


class NormPlanSpec(_Strict):
    """The supplier's improvement plan within 14 days of a norm failure (TP §2.1.2); optional."""

    source: str
    term: TermSpec
    first_months: PositiveInt
    require_roles: list[str] = Field(min_length=1)
    submit_roles: list[str] = Field(min_length=1)
    decide_roles: list[str] = Field(min_length=1)
    resolve_roles: list[str] = Field(min_length=1)
    supplier_notify_roles: list[str] = Field(min_length=1)
    client_notify_roles: list[str] = Field(min_length=1)
    reminder_offsets_days: list[int]
    overdue_reminder_every_days: PositiveInt
    resubmit_term: TermSpec

    def all_roles(self) -> list[str]:
        lists = (self.require_roles, self.submit_roles, self.decide_roles, self.resolve_roles)
        return [r for group in (*lists, self.supplier_notify_roles, self.client_notify_roles) for r in group]


class PeriodSpec(_Strict):
    amount: int = Field(ge=0)
    unit: Literal["days", "weeks", "months", "working_days"]


class ObligationSpec(_Strict):
    """One obligation: who owes it to whom, its anchor and how it falls due (SPEC §6), and its clause."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    title_en: str
    owed_by: str
    owed_to: list[str] = Field(min_length=1)
    anchor: Literal["start", "award", "signing", "quarter_end", "fulfilment"]
    after: str | None = None
    first: PeriodSpec
    every: PeriodSpec | None = None
    count: PositiveInt | None = None
    roll_to_working_day: bool | None = None
    source: str


class DigestSpec(_Strict):
    frequency: Literal["daily", "weekly"]
    weekday: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] = "monday"
    at: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    language: Literal["nl", "en"]
    horizon_days: PositiveInt
    source: str


class ObligationReminderSpec(_Strict):
    offsets_days: list[int] = Field(min_length=1)
    at: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    source: str


class ObligationsSpec(_Strict):
    horizon_months: PositiveInt
    term_months: PositiveInt | None = None  # the contract's term: nothing due after start + term; None = open
    escalate_overdue: bool
    escalate_as: str | None = None
    source: str
    reminders: ObligationReminderSpec
    digest: DigestSpec
    items: list[ObligationSpec] = Field(min_length=1)


def obligation_problems(spec: ObligationsSpec, roles: dict[str, RoleSpec]) -> list[str]:
    """Cross-references of the `obligations:` section: roles exist, `after` names an earlier obligation."""
    problems: list[str] = []
    seen: set[str] = set()
    if spec.escalate_as is not None and spec.escalate_as not in roles:
        problems.append(f"obligations.escalate_as: unknown role {spec.escalate_as!r}")
    for index, item in enumerate(spec.items):
        where = f"obligations.items.{index}"
        for role in [item.owed_by, *item.owed_to]:
            if role not in roles:
                problems.append(f"{where}: unknown role {role!r}")
        if item.key in seen:
            problems.append(f"{where}.key: duplicate obligation key {item.key!r}")
        if (item.anchor == "fulfilment") != (item.after is not None):
            problems.append(f"{where}.after: needed exactly when anchor is 'fulfilment'")
        elif item.after is not None and item.after not in seen:
            problems.append(f"{where}.after: {item.after!r} is not an obligation listed before it")
        seen.add(item.key)
    return problems


class StepInThresholdSpec(_Strict):
    """What "repeated escalations" means for a step-in request (B2 §6 does not quantify it)."""

    min_escalations: PositiveInt
    at_top_level: bool
    unresolved: bool
    source: str


class StepInRemindersSpec(_Strict):
    offsets_days: list[int] = Field(min_length=1)
    at: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    notify_roles: list[str] = Field(min_length=1)
    source: str


class StepInSpec(_Strict):
    """Step-in rights (SPEC §3, B2 §6): optional — a profile without this section has none."""

    source: str
    requested_by: list[str] = Field(min_length=1)
    meetings_recorded_by: list[str] = Field(min_length=1)
    threshold: StepInThresholdSpec
    meeting_deadline: TermSpec
    progress_check: TermSpec
    second_meeting_deadline: TermSpec
    reminders: StepInRemindersSpec

    def problems(self, roles: dict[str, RoleSpec]) -> list[str]:
        found: list[str] = []
        for where, keys, side_ok in (
            ("step_in.requested_by", self.requested_by, ("client",)),
            ("step_in.meetings_recorded_by", self.meetings_recorded_by, ("supplier",)),
            (
                "step_in.reminders.notify_roles",
                self.reminders.notify_roles,
                ("client", "participant", "supplier"),
            ),
        ):
            for role in keys:
                spec = roles.get(role)
                if spec is None:
                    found.append(f"{where}: unknown role {role!r}")
                elif spec.side not in side_ok:
                    found.append(f"{where}: {role!r} is a {spec.side} role; expected {' or '.join(side_ok)}")
        return found


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
        if problems:
            raise ValueError("; ".join(problems))
        return self

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


@lru_cache(maxsize=32)
def parse_profile(text: str, origin: str = "<profile>") -> Profile:
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
    return Profile(spec=spec, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), origin=origin)


def load_profile_file(path: Path) -> Profile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidProfile(f"{path}: cannot read profile file: {exc.strerror}") from None
    return parse_profile(text, str(path))


def profile_dirs() -> list[Path]:
    """Where profiles are looked up: $ESCALATION_ENGINE_PROFILES, ./workflows, the checkout's workflows/."""
    dirs: list[Path] = []
    env = os.environ.get("ESCALATION_ENGINE_PROFILES")
    if env:
        dirs.append(Path(env))
    dirs.append(Path.cwd() / "workflows")
    dirs.append(Path(__file__).resolve().parent.parent / "workflows")
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
