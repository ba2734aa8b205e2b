"""Every procedure wired into the core's registry, explicitly and once: its timer handlers, its deadline
describers and the hooks it answers (its cases for the audit replay among them). A procedure with timers
that is not listed here never fires."""

from __future__ import annotations

from escalation_engine.core.registry import Registry
from escalation_engine.procedures.kpis import follow_up as kpi_follow_up
from escalation_engine.procedures.kpis import obligation_kpis, sanction_hearing
from escalation_engine.procedures.kpis import replay as kpi_replay
from escalation_engine.procedures.kpis import responsible as kpi_responsible
from escalation_engine.procedures.ladder import replay as ladder_replay
from escalation_engine.procedures.ladder import responsible as ladder_responsible
from escalation_engine.procedures.ladder import timers as ladder_timers
from escalation_engine.procedures.obligations import digests, horizon
from escalation_engine.procedures.obligations import replay as obligation_replay
from escalation_engine.procedures.obligations import responsible as obligation_responsible
from escalation_engine.procedures.obligations import timers as obligation_timers
from escalation_engine.procedures.plans import replay as plan_replay
from escalation_engine.procedures.plans import responsible as plan_responsible
from escalation_engine.procedures.plans import timers as plan_timers
from escalation_engine.procedures.step_in import replay as step_in_replay
from escalation_engine.procedures.step_in import responsible as step_in_responsible
from escalation_engine.procedures.step_in import timers as step_in_timers

REGISTRATIONS = (
    ladder_timers.register,
    plan_timers.register,
    step_in_timers.register,
    kpi_follow_up.register,
    obligation_kpis.register,
    sanction_hearing.register,
    obligation_timers.register,
    horizon.register,
    digests.register,
    # who is responsible for each procedure's deadlines, as SQL (My work and `deadlines --person` page in it)
    ladder_responsible.register,
    plan_responsible.register,
    step_in_responsible.register,
    kpi_responsible.register,
    obligation_responsible.register,
    # each procedure's cases for `audit verify`'s replay of the trail against the stored states
    ladder_replay.register,
    plan_replay.register,
    step_in_replay.register,
    kpi_replay.register,
    obligation_replay.register,
)


def wire(registry: Registry) -> None:
    """Add every procedure's handlers, describers and hooks to `registry`."""
    for register in REGISTRATIONS:
        register(registry)
