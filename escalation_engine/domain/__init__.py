"""Pure domain rules: standard library only, clock injected (every function takes `now`)."""
