"""Explicit `transitions` state machines, one per procedure; guards call pure domain rules; no I/O."""
