"""`python -m escalation_engine …` is the same as `escalation-engine …`."""

from escalation_engine.cli import main

main()
