"""The roles of the shipped profiles (workflows/*.yaml) in Dutch, in the seeds' words: what a page shows for a
role key (`web/labels`, which adds a profile's own words where one key names another person) and what a Dutch
refusal names instead of the key (`refusal_texts_nl.roles`). One table, so the two never differ."""

ROLES = {
    # Leasefietsen voor het Rijk, B2 §5.1
    "category": "Categorie (categoriemanagement)",
    "category_manager": "Categoriemanager",
    "participant_contract_manager": "contractmanager Deelnemer (DCM-er)",
    "account_manager": "accountmanager Opdrachtnemer",
    "service_manager": "manager van Opdrachtnemer verantwoordelijk voor de Dienstverlening",
    "executive": "eindverantwoordelijk management Opdrachtnemer",
    # Re-integratiedienstverlening Defensie, TP §3 table 2
    "case_manager": "casemanager Defensie",
    "regional_head": "regiohoofd Defensie",
    "operational_lead": "H V&R, H-ERD, POC DCR (Defensie)",
    "contract_manager": "CM Defensie (contractmanager Defensie)",
    "directorate": "Directie DCR (Defensie)",
    "jobcoach": "jobcoach, coördinator nazorg (Opdrachtnemer)",
    "senior_jobcoach": "senior jobcoach, POC van regio (Opdrachtnemer)",
    "board": "directie Opdrachtnemer",
}
