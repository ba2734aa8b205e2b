"""Adapters: database, scheduler, notification channels, clock. Reached only through the service layer."""
