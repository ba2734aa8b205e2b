"""escalation-engine: governance procedures of supplier contracts in Dutch government procurement."""

__version__ = "0.1.0"
