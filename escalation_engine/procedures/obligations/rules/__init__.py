"""The pure obligation rules (standard library only): due dates of obligations and the rolling horizon."""
