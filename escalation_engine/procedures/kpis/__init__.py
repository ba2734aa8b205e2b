"""KPI evaluations and the sanctions that follow them (B2 §1, §2, §5; TP §2).

Sanctions live here, not in a package of their own: every sanction case is opened by a failed KPI verdict, in the
verdict's own transaction, with the sanction the KPI's definition names (B2 §5), and a case's report is the KPI
report. Their own rules, machine and actions are in `rules/sanctions.py`, `sanction_machine.py` and `sanctions.py`."""
