"""The words rules about enterprises are written in (policies' eligibility, financing products'):
the profile vocabulary and the shared derived fields (`derived.toml`, beside this module). It
lives in the registry, below every app that writes such rules."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jinqi.core.errors import DomainError
from jinqi.registry.exporting import DICTIONARY_KEYS
from jinqi.registry.vocabulary import FIELDS
from jinqi.registry.vocabulary import label as field_label
from jinqi.rules import RuleError, Vocabulary, compile_rule
from jinqi.rules.errors import KIND_NAMES
from jinqi.rules.types import field_type

DERIVED = Path(__file__).resolve().parent / "derived.toml"


@dataclass(frozen=True)
class DerivedSpec:
    name: str
    sql: str
    label: str
    label_en: str


@cache
def derived_fields() -> dict[str, DerivedSpec]:
    data = tomllib.loads(DERIVED.read_text(encoding="utf-8"))
    return {
        name: DerivedSpec(name, spec["sql"], spec.get("label", name), spec.get("label_en", name))
        for name, spec in data.items()
    }


@cache
def rules_vocabulary() -> Vocabulary:
    base = Vocabulary(
        {spec.key: field_type(spec.type) for spec in FIELDS},
        categorical=DICTIONARY_KEYS,
    )
    return base.with_derived({name: spec.sql for name, spec in derived_fields().items()})


def label(name: str) -> str:
    """A field's or derived field's label in the active language."""
    derived = derived_fields().get(name)
    if derived is None:
        return field_label(name)
    return derived.label_en if (get_language() or "").startswith("en") else derived.label


def rule_validate(sql: str) -> None:
    """Raise DomainError with the rule engine's message (pointing at the offending part)."""
    try:
        compile_rule(sql, rules_vocabulary())
    except RuleError as error:
        params = {k: _(KIND_NAMES.get(str(v), str(v))) for k, v in error.params.items()}
        raise DomainError(
            _(error.template) % {"fragment": f"「{error.fragment}」", **params}
        ) from error
