"""The escalation ladder (B2 §4, TP §2.3): open, respond, assess, raise, refuse, close; levels are never skipped."""
