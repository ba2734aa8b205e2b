"""The building blocks every profile section uses: strict frozen models, sides, roles and terms."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, PositiveInt

Side = Literal["client", "participant", "supplier"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RoleSpec(_Strict):
    side: Side
    label: str
    source: str


class TermSpec(_Strict):
    amount: PositiveInt
    unit: Literal["days", "weeks", "months"]
    source: str
    label: str = ""
