"""The pure KPI rules (standard library only): norms, periods, delivery reliability, the survey, the waiting room, sanctions."""
