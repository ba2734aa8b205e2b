"""Sanction codes S1-S5 (B2 §5, table 'Sancties') and how they combine.

The seed's table gives each code a measure ('maatregel'); code and description together form the
sanction, and the Categorie is the sanctioner for all five. Sanctions are imposed only when the supplier
is culpable ('toerekenbaar tekortschiet', B2 §5), and the Categorie reserves the right to apply a sanction
or not (B2 §1): the engine therefore only *proposes*; applying or waiving is a recorded decision.

When several norms are missed at once, several sanctions may apply, and they become "een Sanctie op
zwaarstwegend niveau" (B2 §1): the heaviest prevails. See ``SEVERITY_ORDER`` for the order used.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from escalation_engine.core.errors import BadInput

SANCTION_SOURCE = "B2 §5"
SANCTIONER = "Categorie"


class Sanction(StrEnum):
    """A sanction code from the B2 §5 table; ``.value`` is the code ("S1" ... "S5")."""

    S1 = "S1"
    S2 = "S2"
    S3 = "S3"
    S4 = "S4"
    S5 = "S5"

    @property
    def description_nl(self) -> str:
        return _DESCRIPTIONS[self][0]

    @property
    def description_en(self) -> str:
        return _DESCRIPTIONS[self][1]

    @property
    def severity(self) -> int:
        """Rank in ``SEVERITY_ORDER`` (0 = lightest). A policy default, see the note there."""
        return SEVERITY_ORDER.index(self)

    def describe(self) -> str:
        return f"{self.value} ({SANCTION_SOURCE}): {self.description_en}"


_DESCRIPTIONS: dict[Sanction, tuple[str, str]] = {
    Sanction.S1: (
        "In overleg met de Categorie levert Opdrachtnemer een verbetervoorstel op met duidelijke doelen en "
        "resultaat. Dit wordt besproken in elk regulier overleg met de Categorie.",
        "In consultation with the category the supplier delivers an improvement proposal with clear goals "
        "and results; it is discussed in every regular meeting with the category.",
    ),
    Sanction.S2: (
        "De Categorie krijgt spreektijd in het directie-overleg van Opdrachtnemer.",
        "The category gets speaking time in the supplier's board meeting.",
    ),
    Sanction.S3: (
        "Opdrachtnemer legt verantwoording af aan de Strategische Klantenraad Vervoer. Afgevaardigde van "
        "Opdrachtnemer, die verantwoording komt afleggen, is een eindverantwoordelijk persoon.",
        "The supplier accounts to the Strategic Customer Council (Vervoer); the supplier's delegate is a "
        "person with final responsibility.",
    ),
    Sanction.S4: (
        "In opvolgend KTO moeten verbeteringen zichtbaar zijn.",
        "Improvements must be visible in the next customer-satisfaction survey (KTO).",
    ),
    Sanction.S5: (
        "Opdrachtnemer krijgt geen akkoord op een volgende indexering.",
        "The supplier gets no approval of the next price indexation.",
    ),
}

# Severity, lightest first. POLICY DEFAULT: B2 §1 says only that combined sanctions become a sanction
# "op zwaarstwegend niveau" and gives no explicit ranking. We use S1 < S4 < S2 < S3 < S5: an improvement
# proposal in regular meetings (S1) and improvements visible in the next survey (S4) stay at the
# operational/tactical table; speaking time in the supplier's board (S2) and accounting to the Strategic
# Customer Council by a final-responsible person (S3) raise it to management; withholding the next price
# indexation (S5) is the only one with a direct financial effect. A profile may override this order.
SEVERITY_ORDER: tuple[Sanction, ...] = (Sanction.S1, Sanction.S4, Sanction.S2, Sanction.S3, Sanction.S5)


def heaviest(sanctions: Iterable[Sanction]) -> Sanction | None:
    """The heaviest sanction by ``SEVERITY_ORDER`` ("zwaarstwegend niveau", B2 §1); None for no sanctions."""
    chosen: Sanction | None = None
    for sanction in sanctions:
        checked = parse_sanction(sanction)
        if chosen is None or checked.severity > chosen.severity:
            chosen = checked
    return chosen


def parse_sanction(code: str) -> Sanction:
    """A sanction code such as ``"S3"`` (a ``Sanction`` passes through); BadInput for anything else."""
    if isinstance(code, Sanction):
        return code
    try:
        return Sanction(code.strip().upper() if isinstance(code, str) else code)
    except ValueError:
        raise BadInput(
            f"unknown sanction code {code!r}: expected one of S1-S5", source=SANCTION_SOURCE
        ) from None


# S4+ (B2 §2.3): S4 combined with one or more of these, at the Categorie's choice.
S4_PLUS_COMBINES_WITH: tuple[Sanction, ...] = (Sanction.S1, Sanction.S2, Sanction.S3, Sanction.S5)


class SurveySanction(StrEnum):
    """Outcome of the customer-satisfaction survey (KTO, B2 §2.3): no sanction, S4, or S4+."""

    NONE = "none"
    S4 = "S4"
    S4_PLUS = "S4+"

    @property
    def base(self) -> Sanction | None:
        """The sanction code always part of the outcome (S4 for both S4 and S4+)."""
        return None if self is SurveySanction.NONE else Sanction.S4

    @property
    def combinable_with(self) -> tuple[Sanction, ...]:
        """Codes the Categorie may add: one or more of S1, S2, S3, S5 for S4+, nothing otherwise."""
        return S4_PLUS_COMBINES_WITH if self is SurveySanction.S4_PLUS else ()

    def describe(self) -> str:
        if self is SurveySanction.NONE:
            return "no sanction"
        if self is SurveySanction.S4:
            return f"S4: {Sanction.S4.description_en}"
        extra = ", ".join(code.value for code in S4_PLUS_COMBINES_WITH)
        return f"S4+: S4 combined with one or more of {extra}, at the category's choice (B2 §2.3)"
