"""Parameter types that turn bad input into exit code 2 with a clear message."""

from __future__ import annotations

from datetime import date
from typing import Any

import click


class DateParam(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        from escalation_engine.core.dates import parse_date
        from escalation_engine.core.errors import BadInput

        try:
            return parse_date(str(value))
        except BadInput as exc:
            self.fail(exc.message, param, ctx)


DATE = DateParam()
