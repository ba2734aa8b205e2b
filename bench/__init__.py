"""Benchmarks for escalation-engine: `python -m bench` (see README "Benchmarks")."""
