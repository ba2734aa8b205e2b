"""One function per user action: load → fire transition → persist state, audit, timers and outbox in ONE
transaction → commit. Notifications leave only through the outbox after commit."""
