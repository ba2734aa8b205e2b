"""Shared plumbing: build a Machine from a data table and fire a trigger on a plain case object.

A guard that returns False and a trigger that is not allowed from the current state both become a
`RuleRefused` naming the rule — never a silent False.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

from transitions import Machine, MachineError

from escalation_engine.core.errors import RuleRefused


def build_machine(states: type[Enum], transitions: Sequence[dict[str, Any]], initial: Enum) -> Machine:
    return Machine(
        model=None,
        states=[s.value for s in states],
        transitions=[_values(t) for t in transitions],
        initial=initial.value,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
    )


def _values(transition: dict[str, Any]) -> dict[str, Any]:
    out = dict(transition)
    for key in ("trigger", "source", "dest"):
        value = out.get(key)
        if isinstance(value, Enum):
            out[key] = value.value
        elif isinstance(value, list):
            out[key] = [v.value if isinstance(v, Enum) else v for v in value]
    return out


def fire(machine: Machine, case: Any, trigger: Enum, *, rule: str, source: str, **data: Any) -> str:
    """Attach `case`, fire `trigger`, detach; return the new state or raise RuleRefused."""
    machine.add_model(case, initial=case.state)
    try:
        try:
            moved = case.trigger(trigger.value, **data)
        except MachineError:
            raise RuleRefused(
                f"{case.ref} is {case.state.replace('_', ' ')}: '{trigger.value.replace('_', ' ')}' "
                "is not possible in that state",
                rule=f"wrong state ({rule})",
                source=source,
            ) from None
        if not moved:
            raise RuleRefused(f"{case.ref}: {rule} is not met", rule=rule, source=source)
        return str(case.state)
    finally:
        machine.remove_model(case)


def mermaid(states: type[Enum], transitions: Sequence[dict[str, Any]], initial: Enum, title: str) -> str:
    """The machine's diagram, generated from the same table the engine runs on."""
    from transitions.extensions.diagrams import GraphMachine

    class _Model:
        pass

    model = _Model()
    graph_machine = GraphMachine(
        model=model,
        states=[s.value for s in states],
        transitions=[_strip(_values(t)) for t in transitions],
        initial=initial.value,
        auto_transitions=False,
        graph_engine="mermaid",
        title=title,
        show_conditions=True,
    )
    source: str = graph_machine.get_graph().draw(None)
    return source


def _strip(transition: dict[str, Any]) -> dict[str, Any]:
    out = dict(transition)
    for key in ("conditions", "unless"):
        if key in out and not isinstance(out[key], str | list):
            del out[key]
    return out
