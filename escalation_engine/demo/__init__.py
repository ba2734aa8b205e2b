"""`escalation-engine demo`: a narrated walk through every procedure on a throw-away database, a chapter each."""
