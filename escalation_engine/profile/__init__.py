"""Contract profiles: the YAML files in `workflows/`, validated on load into one frozen `Profile`.

The profile is composed of the ladder's settings and each procedure's own section (`procedures/<name>/profile.py`)."""
