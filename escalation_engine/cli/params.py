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


def paging(func: Any) -> Any:
    """`--limit N` and `--offset N`: one page of a list, cut in SQL (the list's order stays the same)."""
    func = click.option(
        "--offset", type=click.IntRange(min=0), default=0, show_default=True, help="Skip the first N rows."
    )(func)
    return click.option("--limit", type=click.IntRange(min=1), help="Show at most N rows.")(func)
