"""What every procedure uses and no procedure owns: database and transactions, the clock, the timer table and
`process_due` (with its handler registry), the outbox and channels, the audit chain, the error tree, profile building blocks.

The core imports no procedure and no entry point (an import-linter contract in `pyproject.toml`)."""
