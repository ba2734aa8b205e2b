"""Every clause text (`source:`) of a shipped contract profile that has English words in it has its Dutch form,
and that form speaks Dutch: the seed's quoted words and the clause references stay, the English commentary
is translated ("policy default" is "beleidskeuze"). A text the table does not know stays as stored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from escalation_engine.core.rule_texts import localise_fields, localise_source
from escalation_engine.core.source_texts_nl import SOURCES

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
# the seed's own words, quoted: 'Een Deelnemer bepaalt …' (an apostrophe inside a word — KPI's — is no quote)
QUOTED = re.compile(r"(?<!\w)'.*?'(?!\w)")
# common English words of the commentary; "is", "of", "in" and "met" are Dutch words too, so they are not here
ENGLISH = re.compile(  # whole words: "isv-report" is the name of an obligation
    r"(?<![\w-])(the|are|not|no|sets|and|by|when|which|with|its|does|has|may|must|after|within|without|for|to|from|"
    r"an|on|at|most|policy|default|table|part|central|decentral|yes|records?|supplier|category|client|seed|"
    r"confirms?|approval|report|reports|months?|days?|first|one|every|engine)(?![\w-])"
)


def _sources(node: object) -> list[str]:
    """Every `source:` text anywhere in a profile (nested mappings and lists)."""
    if isinstance(node, dict):
        own = [node["source"]] if isinstance(node.get("source"), str) else []
        return own + [text for value in node.values() for text in _sources(value)]
    if isinstance(node, list):
        return [text for value in node for text in _sources(value)]
    return []


def _english(text: str) -> list[str]:
    return ENGLISH.findall(QUOTED.sub("", text))


PROFILES = sorted(WORKFLOWS.glob("*.yaml"))


@pytest.mark.parametrize("path", PROFILES, ids=lambda path: path.stem)
def test_every_english_clause_text_of_a_shipped_profile_has_a_dutch_form_without_english_words(
    path: Path,
) -> None:
    sources = sorted(set(_sources(yaml.safe_load(path.read_text(encoding="utf-8")))))
    english = [text for text in sources if _english(text)]
    assert len(sources) > 30 and len(english) > 20
    missing = [text for text in english if text not in SOURCES]
    assert missing == [], "add their Dutch form to core/source_texts_nl.py"
    leftovers = {text: _english(localise_source(text, "nl")) for text in sources}
    assert {text: words for text, words in leftovers.items() if words} == {}


def test_the_dutch_form_keeps_the_quoted_seed_words_and_the_clause_references() -> None:
    for english, dutch in SOURCES.items():
        assert QUOTED.findall(english) == QUOTED.findall(dutch), english
        assert re.findall(r"§[\d.]+", english) == re.findall(r"§[\d.]+", dutch), english
        assert ("policy default" in english) == ("beleidskeuze" in dutch), english


def test_a_policy_default_reads_as_a_beleidskeuze_in_dutch_and_stays_english_in_english() -> None:
    text = "policy default — B2 §5.1 sets no response window (not contractual)"
    assert (
        localise_source(text, "nl") == "beleidskeuze — B2 §5.1 stelt geen reactietermijn (niet contractueel)"
    )
    assert localise_source(text, "en") == text


def test_a_composed_clause_text_has_its_parts_in_dutch() -> None:
    threshold = "policy default — B2 §6 does not quantify 'herhaaldelijke escalaties'"
    assert localise_source(f"B2 §6; threshold: {threshold}", "nl") == (
        "B2 §6; drempel: beleidskeuze — B2 §6 kwantificeert 'herhaaldelijke escalaties' niet"
    )


@given(st.text(max_size=60).filter(lambda text: text not in SOURCES and not text.startswith("B2 §6; ")))
def test_a_clause_text_the_table_does_not_know_stays_as_stored(text: str) -> None:
    assert localise_source(text, "nl") == text


def test_a_notice_has_its_clause_texts_in_dutch_also_inside_items_and_lists() -> None:
    english = "TP table 1 (Kwaliteit-3)"
    data = {
        "source": english,
        "item": {"source": english},
        "deadlines": [{"source": english}],
        "text": english,
    }
    dutch = localise_fields(data, "nl")
    assert (
        dutch["source"]
        == dutch["item"]["source"]
        == dutch["deadlines"][0]["source"]
        == "TP tabel 1 (Kwaliteit-3)"
    )
    assert dutch["text"] == english  # a person's own words are never translated
    assert localise_fields(data, "en") == data
