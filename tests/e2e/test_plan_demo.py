"""The demo's improvement-plan part runs on the engine and shows its refusals and deadlines."""

from __future__ import annotations

from escalation_engine.demo.run import run_demo


def test_the_demo_runs_both_improvement_plans_with_their_refusals() -> None:
    steps = run_demo(echo=None)["steps"]
    refused = [s["step"] for s in steps if "refused" in s]
    assert "Carla (category) wants to skip step 1" in refused
    assert "Carla asks for step 3 straight away" in refused
    results = {s["step"]: s["result"] for s in steps if "result" in s}
    presented = results["Eva (final-responsible manager) presents; the steps are recorded"]
    assert presented["state"] == "step_3_presented"
    assert results["Chris rejects it: no measurable targets"]["plan_due"] == "2026-09-30"
    assert results["Chris accepts it"]["state"] == "accepted"
    fired = [f["outcome"] for s in steps if "fired" in s for f in s["fired"]]
    assert "due for step 3" in fired and "overdue" in fired
