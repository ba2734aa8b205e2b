"""The demo's step-in part runs on the engine itself, and the README's step-in diagram is current."""

from __future__ import annotations

from escalation_engine.app import diagrams
from escalation_engine.demo.run import run_demo
from escalation_engine.procedures.step_in.machine import step_in_diagram


def test_the_demo_walks_through_a_step_in_procedure_with_its_refusals() -> None:
    lines: list[str] = []
    result = run_demo(echo=lines.append)
    titles = {s["step"]: s for s in result["steps"]}
    refused = titles["Carla (category) requests step-in naming ESC-1"]["refused"]
    assert refused["exit_code"] == 3 and "repeated escalations" in refused["message"]
    assert titles["Carla tries to record the supplier's meeting herself"]["refused"]["exit_code"] == 3
    closed = titles["Carla closes the procedure with its written result"]["result"]["step_in"]
    assert closed["state"] == "closed"
    assert [m["number"] for m in closed["meetings"]] == [1, 2]
    assert closed["assessment_missing"] is True
    text = "\n".join(lines)
    assert "herinnering: MT-overleg 1 over 3 dag(en), uiterlijk 2026-04-27" in text
    assert "geen beoordeling van de voortgang uiterlijk 2026-05-23 — gemarkeerd" in text


def test_the_readme_shows_the_current_step_in_diagram() -> None:
    readme = diagrams.README.read_text(encoding="utf-8")
    assert diagrams.splice(readme, diagrams.render_block()) == readme
    assert "stepin request --contract KEY" in readme
    assert step_in_diagram().count("-->") > 10
