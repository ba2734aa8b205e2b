"""Dutch words for the clause texts (`source`) the engine stores in English (see `rule_texts.localise_source`).

Every deadline, rule and refusal names where it comes from: the `source:` of a contract profile (stored as it
was in the pinned profile and in `timer.source`) or a clause the procedures cite. The text mixes the seed's
own Dutch words (quoted, kept as they are), clause references ("B2 §5.1", kept) and English commentary;
SOURCES maps each English text to its Dutch form, looked up exactly. This module holds the texts of the
leasefietsen-rijk profile (B2), the policy defaults and the clauses the procedures compose; those of the
reintegratie-defensie profile (TP) are in `source_texts_nl_tp`. A test fails when a shipped profile has a
source with English words and no Dutch form here. PREFIXES are composed sources: a fixed English start
followed by a source of the table ("B2 §6; threshold: <the profile's source>").
"""

from __future__ import annotations

from escalation_engine.core.source_texts_nl_tp import TP

_B2: dict[str, str] = {
    "B2 §2.1 — the MVOI KPIs are judged by the Categorie 'conform rapportages' (Meetmethode) from the "
    "supplier's plans and reports; the category manager heads the Categorie (B2 §5.1)": (
        "B2 §2.1 — de Categorie beoordeelt de MVOI-KPI's 'conform rapportages' (Meetmethode) op basis van de "
        "plannen en rapportages van Opdrachtnemer; de Categoriemanager staat aan het hoofd van de Categorie "
        "(B2 §5.1)"
    ),
    "B2 §2.1.1 PI1 — due within 6 months of the start (obligations.items isv-plan, which cites the PI text over "
    "the Beoordelingsfrequentie's 'na de gunning'); met when delivered by then, a late or missing plan fails the "
    "PI (B2 §2.1: 'Bij het niet behalen van een PI')": (
        "B2 §2.1.1 PI1 — uiterlijk 6 maanden na de start (obligations.items isv-plan, dat de tekst van de PI "
        "volgt boven 'na de gunning' van de Beoordelingsfrequentie); behaald als het plan dan geleverd is, een "
        "te laat of niet geleverd plan betekent dat de PI niet is behaald (B2 §2.1: 'Bij het niet behalen van "
        "een PI')"
    ),
    "B2 §2.1.1 PI2 — 'jaarlijks te rapporteren op ISV' (first one a year after the start: policy default)": (
        "B2 §2.1.1 PI2 — 'jaarlijks te rapporteren op ISV' (de eerste een jaar na de start: beleidskeuze)"
    ),
    "B2 §2.1.1 PI2 — met by achieving the yearly milestone of the plan ('Opdrachtnemer voldoet aan PI2 door "
    "haar geformuleerde jaarlijkse mijlpaal ... te behalen'), shown in the yearly report (obligations.items "
    "isv-report): the category records yes/no for the year the report is due; a report not delivered by its "
    "due date fails the PI without a value (policy default — 'Meetmethode: Conform rapportages')": (
        "B2 §2.1.1 PI2 — behaald door de jaarlijkse mijlpaal van het plan te halen ('Opdrachtnemer voldoet aan "
        "PI2 door haar geformuleerde jaarlijkse mijlpaal ... te behalen'), aangetoond in de jaarrapportage "
        "(obligations.items isv-report): de Categorie legt ja/nee vast voor het jaar waarin de rapportage "
        "verschuldigd is; een rapportage die niet uiterlijk op de vervaldatum is geleverd, betekent zonder "
        "waarde dat de PI niet is behaald (beleidskeuze — 'Meetmethode: Conform rapportages')"
    ),
    "B2 §2.1.2 PI1 — 'De Opdrachtgever keurt het plan van aanpak Social return goed': the client side records "
    "the approval, never the supplier": (
        "B2 §2.1.2 PI1 — 'De Opdrachtgever keurt het plan van aanpak Social return goed': de kant van "
        "Opdrachtgever legt de goedkeuring vast, nooit Opdrachtnemer"
    ),
    "B2 §2.1.2 PI1 — the plan approved within 3 months of award (obligations.items sr-plan) and execution "
    "started within 3 months of approval (sr-execution); each met when fulfilled by its due date, late or "
    "missing fails the PI": (
        "B2 §2.1.2 PI1 — het plan goedgekeurd binnen 3 maanden na de gunning (obligations.items sr-plan) en de "
        "uitvoering gestart binnen 3 maanden na de goedkeuring (sr-execution); elk behaald als het uiterlijk op "
        "de vervaldatum is nagekomen, te laat of ontbrekend betekent dat de PI niet is behaald"
    ),
    "B2 §2.1.2 PI2 — 'de Social return jaarlijks te rapporteren' (first one a year after the start: policy "
    "default)": (
        "B2 §2.1.2 PI2 — 'de Social return jaarlijks te rapporteren' (de eerste een jaar na de start: "
        "beleidskeuze)"
    ),
    "B2 §2.1.2 PI2 — met by achieving the yearly milestone of the plan ('Opdrachtnemer voldoet aan PI2 door "
    "haar geformuleerde jaarlijkse mijlpaal ... te behalen'), shown in the yearly report (obligations.items "
    "sr-report): the category records yes/no for the year the report is due; a report not delivered by its due "
    "date fails the PI without a value (policy default — 'Meetmethode: Conform rapportages')": (
        "B2 §2.1.2 PI2 — behaald door de jaarlijkse mijlpaal van het plan te halen ('Opdrachtnemer voldoet aan "
        "PI2 door haar geformuleerde jaarlijkse mijlpaal ... te behalen'), aangetoond in de jaarrapportage "
        "(obligations.items sr-report): de Categorie legt ja/nee vast voor het jaar waarin de rapportage "
        "verschuldigd is; een rapportage die niet uiterlijk op de vervaldatum is geleverd, betekent zonder "
        "waarde dat de PI niet is behaald (beleidskeuze — 'Meetmethode: Conform rapportages')"
    ),
    "B2 §2.1.3 (at most 3 PIs)": "B2 §2.1.3 (ten hoogste 3 PI's)",
    "B2 §2.1.3 — the PI's yes/no is recorded for the half-year in which its circularity report is due "
    "(obligations.items circularity-report); a report not delivered by its due date fails every PI it reports "
    "(policy default — 'Meetmethode: Conform halfjaarlijkse rapportages': without the report no PI is shown to "
    "be met)": (
        "B2 §2.1.3 — het ja/nee van de PI wordt vastgelegd voor het halfjaar waarin de "
        "circulariteitsrapportage verschuldigd is (obligations.items circularity-report); een rapportage die "
        "niet uiterlijk op de vervaldatum is geleverd, betekent dat geen van de PI's waarover zij rapporteert "
        "is behaald (beleidskeuze — 'Meetmethode: Conform halfjaarlijkse rapportages': zonder de rapportage is "
        "van geen PI aangetoond dat zij is behaald)"
    ),
    "B2 §2.2 (central part)": "B2 §2.2 (centraal deel)",
    "B2 §2.2 (decentral part)": "B2 §2.2 (decentraal deel)",
    "B2 §2.2 — 'Een Deelnemer bepaalt per maand of de beschikbaarheid ... ≥95% is geweest' (the DCM-er, B2 §5.1 "
    "Tactisch niveau); the Categorie works from 'de door de Deelnemers aangeleverde "
    "leverbetrouwbaarheidsgegevens' and may record them for a Deelnemer (policy default)": (
        "B2 §2.2 — 'Een Deelnemer bepaalt per maand of de beschikbaarheid ... ≥95% is geweest' (de DCM-er, "
        "B2 §5.1 Tactisch niveau); de Categorie werkt met 'de door de Deelnemers aangeleverde "
        "leverbetrouwbaarheidsgegevens' en mag ze voor een Deelnemer vastleggen (beleidskeuze)"
    ),
    "B2 §2.3 (S4; S4+ = S4 with one or more of S1, S2, S3, S5)": (
        "B2 §2.3 (S4; S4+ = S4 met een of meer van S1, S2, S3, S5)"
    ),
    "B2 §2.3 Beoordelingsproces — 'De Categorie evalueert met de Deelnemers' in a KTO 'waarin de Categorie de "
    "... belevingsfactoren beoordeelt': the category imports the round of all Deelnemers' grades (one DCM-er "
    "does not: policy default); never the supplier it grades": (
        "B2 §2.3 Beoordelingsproces — 'De Categorie evalueert met de Deelnemers' in een KTO 'waarin de "
        "Categorie de ... belevingsfactoren beoordeelt': de Categorie importeert de ronde met de cijfers van "
        "alle Deelnemers (één DCM-er niet: beleidskeuze); nooit Opdrachtnemer die zij beoordeelt"
    ),
    "B2 §2.3, table 'Belevingsfactoren & onderwerpen' (the worked examples use a longer a/b/c list: the list "
    "is profile data)": (
        "B2 §2.3, tabel 'Belevingsfactoren & onderwerpen' (de uitgewerkte voorbeelden gebruiken een langere "
        "a/b/c-lijst: de lijst staat in het profiel)"
    ),
    # texts of earlier versions of the profile (a contract stays pinned to the version it was created with)
    "B2 §2.1.1 PI1 ('binnen zes (6) maanden na ingangsdatum'; its Beoordelingsfrequentie says 'na de gunning' "
    "— the PI text is used)": (
        "B2 §2.1.1 PI1 ('binnen zes (6) maanden na ingangsdatum'; de Beoordelingsfrequentie zegt 'na de "
        "gunning' — de tekst van de PI geldt)"
    ),
    # clauses the procedures cite themselves
    "TP §2.1.2 (the Deelnemer and the Opdrachtgever establish the norm); B2 §2": (
        "TP §2.1.2 (de Deelnemer en de Opdrachtgever stellen de norm vast); B2 §2"
    ),
    "B2 §5.2 (last paragraph)": "B2 §5.2 (laatste alinea)",
    "accounts: shared mode": "accounts: gedeelde modus",
}

_POLICY: dict[str, str] = {
    "policy default — B2 §2.1 says the Categorie *can* apply sanctions (S1, S2, S3, S5) when a PI is not met; "
    "the engine opens no escalation by itself": (
        "beleidskeuze — volgens B2 §2.1 *kan* de Categorie sancties toepassen (S1, S2, S3, S5) als een PI niet "
        "is behaald; het systeem opent zelf geen escalatie"
    ),
    "policy default — B2 §5 makes the Categorie the sanctioner but sets no term for hearing the supplier": (
        "beleidskeuze — B2 §5 maakt de Categorie de sanctionerende partij, maar stelt geen termijn voor het "
        "horen van Opdrachtnemer"
    ),
    "policy default — B2 §5.1 sets no response window (not contractual)": (
        "beleidskeuze — B2 §5.1 stelt geen reactietermijn (niet contractueel)"
    ),
    "policy default — B2 §6 does not quantify 'herhaaldelijke escalaties'": (
        "beleidskeuze — B2 §6 kwantificeert 'herhaaldelijke escalaties' niet"
    ),
    "policy default — B2 §6 requires a 2nd meeting but sets no term; 14 days after insufficient progress is "
    "found": (
        "beleidskeuze — B2 §6 vereist een 2e overleg, maar stelt geen termijn; 14 dagen nadat onvoldoende "
        "voortgang is vastgesteld"
    ),
    "policy default — B2 §6 sets no reminder schedule": "beleidskeuze — B2 §6 stelt geen herinneringsschema",
    "policy default — TP table 2 sets meeting frequencies, not a response window (not contractual)": (
        "beleidskeuze — TP tabel 2 stelt overlegfrequenties, geen reactietermijn (niet contractueel)"
    ),
    "policy default — TP §2.1.2 sets no term for a rejected plan; the original 14 days again": (
        "beleidskeuze — TP §2.1.2 stelt geen termijn voor een afgewezen plan; opnieuw de oorspronkelijke 14 "
        "dagen"
    ),
    "policy default — TP §2.1.3 makes timely reporting a norm; the engine opens no escalation by itself": (
        "beleidskeuze — TP §2.1.3 maakt tijdig rapporteren tot norm; het systeem opent zelf geen escalatie"
    ),
    "policy default — TP §2.1.3 sets the reporting norm but names no consequence; the plan of TP §2.1.1, with "
    "the next management report (TP §3: the client may ask for a verbeterplan)": (
        "beleidskeuze — TP §2.1.3 stelt de rapportagenorm, maar noemt geen gevolg; het plan van TP §2.1.1, bij "
        "de volgende managementrapportage (TP §3: Opdrachtgever kan om een verbeterplan vragen)"
    ),
    "policy default — a daily digest per person (monthly reports in the first year); a person may choose "
    "weekly": (
        "beleidskeuze — een dagelijks overzicht per persoon (maandrapportages in het eerste jaar); een persoon "
        "kan voor wekelijks kiezen"
    ),
    "policy default — contractual terms do not roll; KPI 7 and 8 count werkdagen on the Algemene termijnenwet "
    "calendar": (
        "beleidskeuze — contractuele termijnen schuiven niet door; KPI 7 en 8 tellen werkdagen volgens de "
        "kalender van de Algemene termijnenwet"
    ),
    "policy default — one weekly digest per person instead of single mails; a person may choose daily": (
        "beleidskeuze — één wekelijks overzicht per persoon in plaats van losse mails; een persoon kan voor "
        "dagelijks kiezen"
    ),
    "policy default — the Algemene termijnenwet extends statutory terms only; contractual terms do not roll": (
        "beleidskeuze — de Algemene termijnenwet verlengt alleen wettelijke termijnen; contractuele termijnen "
        "schuiven niet door"
    ),
    "policy default — the Categorie convenes the meeting and owes it to the Deelnemers and the supplier "
    "(B2 §5.1), who confirm it was held; the seed names no minute-taker": (
        "beleidskeuze — de Categorie roept het overleg bijeen en is het verschuldigd aan de Deelnemers en "
        "Opdrachtnemer (B2 §5.1), die bevestigen dat het is gehouden; de brontekst noemt geen notulist"
    ),
    "policy default — the party an obligation is owed to confirms its fulfilment: the Categorie receives and "
    "judges the supplier's MVOI plans and reports (B2 §2.1, 'Meetmethode: conform rapportages'; the category "
    "manager heads the Categorie, B2 §5.1)": (
        "beleidskeuze — de partij aan wie een verplichting verschuldigd is, bevestigt de nakoming: de Categorie "
        "ontvangt en beoordeelt de MVOI-plannen en -rapportages van Opdrachtnemer (B2 §2.1, 'Meetmethode: "
        "conform rapportages'; de Categoriemanager staat aan het hoofd van de Categorie, B2 §5.1)"
    ),
    "policy default — the seed sets no reminder schedule": "beleidskeuze — de brontekst stelt geen herinneringsschema",
    "policy default — the seed sets no reminder schedule for obligations": (
        "beleidskeuze — de brontekst stelt geen herinneringsschema voor verplichtingen"
    ),
    "policy default — recurring obligations continue for as long as the contract runs": (
        "beleidskeuze — terugkerende verplichtingen lopen door zolang het contract loopt"
    ),
}

SOURCES: dict[str, str] = {**_B2, **_POLICY, **TP}

PREFIXES: dict[str, str] = {"B2 §6; threshold: ": "B2 §6; drempel: "}
