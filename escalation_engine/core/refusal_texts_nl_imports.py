"""Dutch sentence patterns for a refused import (KPI results or a survey round, .xlsx or .csv): the file's
own problems, each row's and column's problem, who may import, and the KPI rules' checks of the figures a row
holds (see `refusal_texts`)."""

from __future__ import annotations

from typing import Any

from escalation_engine.core.refusal_texts_nl import PERIOD_KINDS, SIDES, word

SENTENCES: list[tuple[str, Any]] = [
    # an imported file, refused whole (kpi import, survey import; core.sheets)
    (
        r"refused whole, nothing imported — (\S+) problem\(s\):",
        r"geheel geweigerd, niets geïmporteerd — \1 probleem/problemen:",
    ),
    (r"refused whole, nothing imported — ", "geheel geweigerd, niets geïmporteerd — "),
    (r"^… and (\S+) more$", r"… en nog \1"),
    (r"\n  … and (\S+) more$", r"\n  … en nog \1"),
    (r"\brow (\S+), column (\S+): empty$", r"rij \1, kolom \2: leeg"),
    (r"\brow (\S+), column (\S+): ", r"rij \1, kolom \2: "),
    (
        r"\brow (\S+): same KPI, period and participant as row (\S+)",
        r"rij \1: dezelfde KPI, periode en Deelnemer als rij \2",
    ),
    (r"\brow (\S+): ", r"rij \1: "),
    (r"(\S+ \S+) for (.+?) is already recorded$", r"\1 voor \2 is al vastgelegd"),
    (r" is already recorded$", " is al vastgelegd"),
    (r"unknown topic (.+?) \(known: ", r"onbekend onderwerp \1 (bekend: "),
    (r"(.+?) graded topic (.+?) already in row (\S+)", r"\1 heeft onderwerp \2 al beoordeeld in rij \3"),
    (r": no such file$", ": bestand niet gevonden"),
    (
        r": unsupported file type (.+?): use \.csv or \.xlsx",
        r": niet-ondersteund bestandstype \1: gebruik .csv of .xlsx",
    ),
    (r"\bmissing column\(s\) ", "ontbrekende kolom(men) "),
    (r"\bunknown column\(s\) ", "onbekende kolom(men) "),
    (r"\brepeated column\(s\) ", "herhaalde kolom(men) "),
    (r" \(expected (.+?)\); nothing imported$", r" (verwacht: \1); niets geïmporteerd"),
    (r"; nothing imported$", "; niets geïmporteerd"),
    (r": no data rows;", ": geen rijen met gegevens;"),
    (r": not UTF-8 text \((.+?) at byte (\S+)\);", r": geen UTF-8-tekst (\1 bij byte \2);"),
    (r": the file is empty;", ": het bestand is leeg;"),
    (r": more fields than columns;", ": meer velden dan kolommen;"),
    (
        r": not a readable \.xlsx workbook \(damaged worksheet: ",
        ": geen leesbare .xlsx-werkmap (beschadigd werkblad: ",
    ),
    (r": not a readable \.xlsx workbook \(", ": geen leesbare .xlsx-werkmap ("),
    (r": the first worksheet is empty;", ": het eerste werkblad is leeg;"),
    (
        r"a value in column (\S+), which has no column name in row 1;",
        r"een waarde in kolom \1, die geen kolomnaam heeft in rij 1;",
    ),
    (
        r"the formula (.+?) has no computed value \(open and save the file in Excel\);",
        r"de formule \1 heeft geen berekende waarde (open en bewaar het bestand in Excel);",
    ),
    (r": a whole number$", ": een geheel getal"),
    # who records and imports (kpis.authority, kpis.run)
    (r"importing KPI results is for ", "KPI-resultaten importeren is voorbehouden aan "),
    (
        r"importing a survey round of KPI (\S+) \((.+?)\) is for ",
        r"een ronde van het onderzoek van KPI \1 (\2) importeren is voorbehouden aan ",
    ),
    (
        r"recording results of KPI (\S+) \((.+?)\) is for ",
        r"resultaten van KPI \1 (\2) vastleggen is voorbehouden aan ",
    ),
    (r"recording results of KPI (\S+) \((.+?)\): ", r"resultaten van KPI \1 (\2) vastleggen: "),
    (r"recording results of KPI (\S+) \((.+?)\)$", r"resultaten van KPI \1 (\2) vastleggen"),
    (r"(?<=voorbehouden aan )(\S+(?: or \S+)*)", lambda m: m.group(1).replace(" or ", " of ")),
    (
        r"(\S+) \((\S+)\) records for their own participant (.+?), not for (.+)$",
        r"\1 (\2) legt vast voor de eigen Deelnemer \3, niet voor \4",
    ),
    (
        r"(\S+) (\S+) was recorded by (\S+) \((\S+), (\S+) side\): a supplier-side person \((.+?)\) does not replace it",
        lambda m: (
            f"{m.group(1)} {m.group(2)} is vastgelegd door {m.group(3)} ({m.group(4)}, kant "
            f"{word(SIDES, m.group(5))}): iemand aan de kant van Opdrachtnemer ({m.group(6)}) vervangt dat niet"
        ),
    ),
    # the rules' own checks of figures (kpis.rules.delivery, kpis.rules.waiting_room)
    (r"\bmust be a Decimal percentage 0-100, got ", "moet een Decimal-percentage 0-100 zijn, niet "),
    (r"\bquarter availability of (.+?) in (\S+)", r"kwartaalbeschikbaarheid van \1 in \2"),
    (r"\bmonthly availability of (.+?) in (\S+)", r"maandbeschikbaarheid van \1 in \2"),
    (
        r"\bavailability of (.+?) in (\S+) must be one Decimal or 1-3 monthly Decimals, got ",
        r"beschikbaarheid van \1 in \2 moet één Decimal of 1-3 maandelijkse Decimals zijn, niet ",
    ),
    (r"\bavailability of (.+?) in (\S+)", r"beschikbaarheid van \1 in \2"),
    (r"(\S+) percentage at month (\S+)", r"percentage \1 in maand \2"),
    (
        r"\bmonth (\S+) must be the first day of a month \(a date\)",
        r"maand \1 moet de eerste dag van een maand zijn (een datum)",
    ),
    (
        r"(\S+) is a (\S+), not a quarter like '2026-Q3'",
        lambda m: f"{m.group(1)} is een {word(PERIOD_KINDS, m.group(2))}, geen kwartaal zoals '2026-Q3'",
    ),
    (
        r"no availability figures for any participant in (\S+)",
        r"geen beschikbaarheidscijfers voor een Deelnemer in \1",
    ),
    (r"\bparticipant (.+?) is not a non-empty name", r"Deelnemer \1 is geen niet-lege naam"),
    (
        r"measurement moment (\S+) is not one of months 6, 9 or 12 of execution",
        r"meetmoment \1 is niet een van de maanden 6, 9 of 12 van de uitvoering",
    ),
    (
        r"month of execution (\S+) must be a whole number >= 1",
        r"maand van de uitvoering \1 moet een geheel getal >= 1 zijn",
    ),
    (
        r"no measurement results to evaluate the waiting-room clause on",
        "geen meetresultaten om de wachtkamerclausule op te beoordelen",
    ),
    (
        r"result for month (\S+) is the verdict of month (\S+)",
        r"het resultaat voor maand \1 is het oordeel van maand \2",
    ),
    (
        r"result for month (\S+) must be True/False or a MomentVerdict",
        r"het resultaat voor maand \1 moet True/False of een MomentVerdict zijn",
    ),
]
