"""A registered contract and the profile version it is pinned to."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache

from pydantic import ValidationError
from sqlmodel import Session, col, select

from escalation_engine.core.errors import NotFound
from escalation_engine.core.tables import Contract
from escalation_engine.core.visibility import require_contract
from escalation_engine.profile.model import Profile, ProfileSpec, parse_profile


def get_contract(session: Session, key: str) -> Contract:
    contract = session.get(Contract, key)
    if contract is None:
        raise NotFound(f"contract {key!r} not found")
    require_contract(session, key)
    return contract


def profile_names(session: Session, keys: Iterable[str]) -> dict[str, str]:
    """The name of the profile each of these contracts is pinned to, in one query (for rows already read
    under the reader's visibility: a name only, so no check of its own)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    query = select(Contract.key, Contract.profile_name).where(col(Contract.key).in_(wanted))
    return {key: name for key, name in session.exec(query)}


def lock_contract(session: Session, key: str) -> Contract:
    """`get_contract`, holding the contract's row until the transaction ends: on PostgreSQL the actions
    that check "not recorded / not evaluated yet" and then write take turns per contract (SQLite's
    BEGIN IMMEDIATE already serialises every write)."""
    contract = session.exec(select(Contract).where(Contract.key == key).with_for_update()).first()
    if contract is None:
        raise NotFound(f"contract {key!r} not found")
    require_contract(session, key)
    return contract


def pinned_profile(contract: Contract) -> Profile:
    """The profile exactly as it was when the contract was registered: from its JSON copy, else (or if that
    does not validate) from the pinned YAML text."""
    origin = f"contract {contract.key} (pinned {contract.profile_name} v{contract.profile_version})"
    if contract.profile_json:
        return _from_json(contract.profile_json, contract.profile_text, origin)
    return _parse_pinned(contract.profile_text, origin)


@lru_cache(maxsize=32)
def _from_json(data: str, text: str, origin: str) -> Profile:
    try:
        spec = ProfileSpec.model_validate(json.loads(data))
    except (ValidationError, ValueError, TypeError):
        return _parse_pinned(text, origin)
    return Profile.of(spec, text, origin)


@lru_cache(maxsize=32)
def _parse_pinned(text: str, origin: str) -> Profile:
    """`parse_profile` for a text the engine accepted at registration, read with libyaml when PyYAML has
    it (the pure-Python parser took ~0.1 s of every CLI command); any problem takes the normal path, so
    the messages stay those of `parse_profile`."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            data = yaml.load(text, Loader=loader)  # noqa: S506 (CSafeLoader is the safe loader)
            spec = ProfileSpec.model_validate(data)
        except (yaml.YAMLError, ValidationError, TypeError, ValueError):
            pass
        else:
            return Profile.of(spec, text, origin)
    return parse_profile(text, origin)


def session_profile(session: Session, key: str) -> Profile:
    """`pinned_profile(get_contract(…))`, once per contract per session: the lists read many rows of the
    same few contracts (the contract row is kept too, so later `get_contract` calls are identity-map hits)."""
    cache: dict[str, tuple[Contract, Profile]] = session.info.setdefault(_PROFILES, {})
    found = cache.get(key)
    if found is None:
        contract = get_contract(session, key)
        found = cache[key] = (contract, pinned_profile(contract))
    return found[1]


_PROFILES = "escalation_engine.profiles"


def preload_profiles(session: Session, keys: Iterable[str]) -> None:
    """Read the contracts of a list's rows with one query, so `session_profile` reads none per contract
    (a contract the account may not see still fails in `session_profile`, as `get_contract` does)."""
    cache: dict[str, tuple[Contract, Profile]] = session.info.setdefault(_PROFILES, {})
    missing = sorted(set(keys) - set(cache))
    if not missing:
        return
    held = list(session.exec(select(Contract).where(col(Contract.key).in_(missing))))
    for contract in held:
        session_profile(session, contract.key)
