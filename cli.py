"""Run the engine from a checkout: `python cli.py …` is the same as `escalation-engine …`."""

from escalation_engine.cli import main

if __name__ == "__main__":
    main()
