"""Dutch words for the clause texts of the reintegratie-defensie profile (TP, Bijlage Tussenrapportages).

Part of the table `source_texts_nl.SOURCES` (English source text → its Dutch form); the quoted words of the
seed stay as they are, clause references too ("TP §2.1.2", "table 2" becomes "tabel 2").
"""

from __future__ import annotations

_KWALITEIT = {f"TP table 1 (Kwaliteit-{n})": f"TP tabel 1 (Kwaliteit-{n})" for n in range(1, 12)}
_TABLE_2 = {
    f"TP §3 table 2{level}": f"TP §3 tabel 2{level}"
    for level in (
        "",
        " (Dossier → Regionaal)",
        " (Dossier)",
        " (Operationeel → Tactisch)",
        " (Operationeel)",
        " (Regionaal → Operationeel)",
        " (Regionaal)",
        " (Strategisch)",
        " (Tactisch → Strategisch)",
        " (Tactisch)",
        " (Tactisch, Strategisch)",
    )
}

TP: dict[str, str] = {
    **_KWALITEIT,
    **_TABLE_2,
    "TP table 1 'Uitvoer door: Opdrachtnemer', TP §1.5 and §2.1.1 ('De scores worden gezamenlijk vastgelegd en "
    "gerapporteerd door Opdrachtnemer'): the account manager, responsible for the whole relation (TP §3), "
    "records the reported scores; TP §2.1.2 — 'De Deelnemer en Opdrachtgever zullen het al dan niet behalen van "
    "de Norm vaststellen op basis van de maandrapportage, eigen bevindingen en onderzoek': CM Defensie and CM "
    "CAT record them too (which roles: policy default, the Tactisch level of table 2)": (
        "TP tabel 1 'Uitvoer door: Opdrachtnemer', TP §1.5 en §2.1.1 ('De scores worden gezamenlijk vastgelegd "
        "en gerapporteerd door Opdrachtnemer'): de accountmanager, verantwoordelijk voor de hele relatie "
        "(TP §3), legt de gerapporteerde scores vast; TP §2.1.2 — 'De Deelnemer en Opdrachtgever zullen het al "
        "dan niet behalen van de Norm vaststellen op basis van de maandrapportage, eigen bevindingen en "
        "onderzoek': ook CM Defensie en CM CAT leggen ze vast (welke rollen: beleidskeuze, het Tactisch niveau "
        "van tabel 2)"
    ),
    "TP table 1 (Kwaliteit-12: 'eerste binnen 12 maanden na ingangsdatum')": (
        "TP tabel 1 (Kwaliteit-12: 'eerste binnen 12 maanden na ingangsdatum')"
    ),
    "TP table 1 (Kwaliteit-12; excluded from the waiting-room clause, TP §2.1.2)": (
        "TP tabel 1 (Kwaliteit-12; uitgezonderd van de wachtkamerbepaling, TP §2.1.2)"
    ),
    "TP table 1 (Rapportage); TP §2.1.3": "TP tabel 1 (Rapportage); TP §2.1.3",
    "TP table 1 (Rapportage, invoicing)": "TP tabel 1 (Rapportage, facturatie)",
    "TP table 1 Kwaliteit-12 — '1x per jaar een door Deelnemer goedgekeurd verbeter- of innovatievoorstel': "
    "the approval is the Deelnemer's, so CM Defensie (or CM CAT) records it, not the supplier": (
        "TP tabel 1 Kwaliteit-12 — '1x per jaar een door Deelnemer goedgekeurd verbeter- of "
        "innovatievoorstel': de goedkeuring is aan de Deelnemer, dus legt CM Defensie (of CM CAT) die vast, "
        "niet Opdrachtnemer"
    ),
    "TP table 1 Rapportage (facturatie) — 'Steekproef door Opdrachtgever', uitvoer door Opdrachtgever: CM CAT; "
    "CM Defensie with it, the invoices being the Deelnemer's (policy default)": (
        "TP tabel 1 Rapportage (facturatie) — 'Steekproef door Opdrachtgever', uitvoer door Opdrachtgever: "
        "CM CAT; CM Defensie erbij, omdat de facturen van de Deelnemer zijn (beleidskeuze)"
    ),
    "TP §1.5 — 'Opdrachtgever en Deelnemer meten de kwaliteit van de te leveren management-rapportages' (table "
    "1 has the supplier report it; the quality of its own reports is judged by the receivers, TP §2.1.3: CM "
    "Defensie and CM CAT)": (
        "TP §1.5 — 'Opdrachtgever en Deelnemer meten de kwaliteit van de te leveren management-rapportages' "
        "(volgens tabel 1 rapporteert Opdrachtnemer die; de kwaliteit van de eigen rapportages beoordelen de "
        "ontvangers, TP §2.1.3: CM Defensie en CM CAT)"
    ),
    "TP §2.1, table 1": "TP §2.1, tabel 1",
    "TP §2.1.1 — 'Indien de Norm niet wordt behaald ... Opdrachtnemer voegt bovendien een verbeterplan toe aan "
    "de managementrapportage' (KPI's Kwaliteit 1 t/m 12); in the first 12 months within 14 days (TP §2.1.2: "
    "'Bij de eerste vaststelling in de eerste 12 maanden ... binnen 14 dagen een verbeterplan'; NB: also when "
    "the waiting-room norm is met but the table-1 score is not)": (
        "TP §2.1.1 — 'Indien de Norm niet wordt behaald ... Opdrachtnemer voegt bovendien een verbeterplan toe "
        "aan de managementrapportage' (KPI's Kwaliteit 1 t/m 12); in de eerste 12 maanden binnen 14 dagen "
        "(TP §2.1.2: 'Bij de eerste vaststelling in de eerste 12 maanden ... binnen 14 dagen een "
        "verbeterplan'; NB: ook als de wachtkamernorm wel is behaald maar de score van tabel 1 niet)"
    ),
    "TP §2.1.2 (quality KPIs 1-11 summed; KPI 12 excluded); the client is told (policy default: CM CAT, CM "
    "Defensie, Directie DCR)": (
        "TP §2.1.2 (kwaliteits-KPI's 1-11 opgeteld; KPI 12 uitgezonderd); Opdrachtgever wordt ingelicht "
        "(beleidskeuze: CM CAT, CM Defensie, Directie DCR)"
    ),
    "TP §2.1.2 — 'In de eerste twaalf (12) maanden na start van de uitvoering levert Opdrachtnemer maandelijks "
    "een rapportage aan de Deelnemer' (due a month after the start of each month of execution: policy "
    "default)": (
        "TP §2.1.2 — 'In de eerste twaalf (12) maanden na start van de uitvoering levert Opdrachtnemer "
        "maandelijks een rapportage aan de Deelnemer' (verschuldigd een maand na het begin van elke "
        "uitvoeringsmaand: beleidskeuze)"
    ),
    "TP §2.1.2 — 'levert Opdrachtnemer maandelijks een rapportage aan de Deelnemer': the Deelnemer's contract "
    "manager (CM Defensie) confirms it": (
        "TP §2.1.2 — 'levert Opdrachtnemer maandelijks een rapportage aan de Deelnemer': de contractmanager van "
        "de Deelnemer (CM Defensie) bevestigt die"
    ),
    "TP §2.1.3 — the management report is delivered 'bij de decentraal contractmanager van de Deelnemer en de "
    "centrale contractmanager van de Categorie'; TP §3 — 'Opdrachtgever zorgt voor de verslaglegging van de "
    "kwartaalgesprekken' and of the yearly evaluation 'wordt door de contractmanager verslag opgemaakt' (CM "
    "Defensie, CM CAT)": (
        "TP §2.1.3 — de managementrapportage wordt geleverd 'bij de decentraal contractmanager van de Deelnemer "
        "en de centrale contractmanager van de Categorie'; TP §3 — 'Opdrachtgever zorgt voor de verslaglegging "
        "van de kwartaalgesprekken' en van de jaarlijkse evaluatie 'wordt door de contractmanager verslag "
        "opgemaakt' (CM Defensie, CM CAT)"
    ),
    "TP §3 table 2 Strategisch — 'Halfjaarlijks (fysiek), Evaluatie over frequentie na eerste jaar'": (
        "TP §3 tabel 2 Strategisch — 'Halfjaarlijks (fysiek), Evaluatie over frequentie na eerste jaar'"
    ),
    "TP §3 — 'De Deelnemer initieert samen met Opdrachtgever vier (4) keer per jaar een kwartaalgesprek'; "
    "table 2 Tactisch 'Ieder kwartaal' (every 3 months after the first one: policy default)": (
        "TP §3 — 'De Deelnemer initieert samen met Opdrachtgever vier (4) keer per jaar een kwartaalgesprek'; "
        "tabel 2 Tactisch 'Ieder kwartaal' (elke 3 maanden na het eerste: beleidskeuze)"
    ),
    "TP §3, table 2 (Operationeel, Tactisch)": "TP §3, tabel 2 (Operationeel, Tactisch)",
}
