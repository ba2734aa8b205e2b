"""Step-in rights (B2 §6): the request, the management-team meeting within 2 weeks, the 30-day check, advice."""
