"""The escalation ladder (B2 §5.1, TP §3 table 2): open, respond, assess, raise, refuse, close; levels are never skipped."""
