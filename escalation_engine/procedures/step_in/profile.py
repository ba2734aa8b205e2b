"""The `step_in:` section of a contract profile (B2 §6): the thresholds, the 2-week and 30-day terms and their reminders."""

from __future__ import annotations

from pydantic import Field, PositiveInt

from escalation_engine.core.profile_base import (
    RoleSpec,
    TermSpec,
    _Strict,
)


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
    """Step-in rights (B2 §6): optional — a profile without this section has none."""

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
