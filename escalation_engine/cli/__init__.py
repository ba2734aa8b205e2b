"""`escalation-engine` command line: parse → call an action or a view → print (table, or one JSON document).

Heavy modules (sqlmodel, sqlalchemy, the services) are imported inside the commands so that
`--help` stays fast.
"""

from __future__ import annotations

from escalation_engine.cli.root import main

__all__ = ["main"]
