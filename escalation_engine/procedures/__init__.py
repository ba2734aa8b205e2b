"""One package per procedure of the contracts, each with its rules, machine, actions, timers, views and tables."""
