"""The web application: server-rendered pages (Jinja2) on the same actions and views the CLI uses, for the
category, the participants' contract managers and the suppliers' account managers, signed in as themselves."""
