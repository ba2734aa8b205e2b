"""Improvement plans: the three-step plan (B2 §5.2) and the supplier's 14-day plan after a norm failure (TP §2.1.2)."""
