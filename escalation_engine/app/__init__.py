"""The application: wires the procedures into the core (one timer registry, the whole schema) and does what spans
procedures: registering and re-pinning contracts, the calendar feed, the daemon, the state diagrams."""
