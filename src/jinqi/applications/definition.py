"""A policy's application form: JSON Schema for what may be answered, layout hints for how.

The department edits a list of fields (`FormField`); saving compiles it into a JSON Schema
(2020-12) and a layout. The schema is the contract (the API publishes it, and `answer_problems`
validates with it); the layout says which fields the registry fills in (零材料) and when a field
is shown (a conditional field is required only when shown: an `if/then` in the schema).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from jinqi.applications.enums import FieldKind, Reviewer

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_TEXT = 2000
MAX_TEXTAREA = 20000

_JSON_TYPES = {
    FieldKind.TEXT: "string",
    FieldKind.TEXTAREA: "string",
    FieldKind.INTEGER: "integer",
    FieldKind.NUMBER: "number",
    FieldKind.BOOLEAN: "boolean",
    FieldKind.DATE: "string",
    FieldKind.CHOICE: "string",
}


@dataclass(frozen=True)
class ShowWhen:
    """Show (and require) a field only when an earlier field has this value."""

    field: str
    equals: Any


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: str
    required: bool = True
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    show_when: ShowWhen | None = None
    # A registry profile key: the government holds this value, so it is not asked (零材料).
    prefill: str = ""


@dataclass(frozen=True)
class Material:
    key: str
    label: str
    # The department code that holds it (fetched, 零材料), or "" when the enterprise uploads it.
    held_by: str = ""
    required: bool = True


@dataclass(frozen=True)
class ReviewStep:
    label: str
    reviewer: str = Reviewer.DEPARTMENT
    days: int = 10  # working days for this step


@dataclass(frozen=True)
class Definition:
    fields: tuple[FormField, ...] = ()
    materials: tuple[Material, ...] = ()
    steps: tuple[ReviewStep, ...] = field(
        default_factory=lambda: (ReviewStep(label=str(_("Department review"))),)
    )


class DefinitionError(ValueError):
    """A form definition that cannot be saved; `problems` are messages for the editor."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def definition_problems(definition: Definition, profile_keys: Iterable[str]) -> list[str]:
    """What is wrong with a definition, in the active language; empty when it can be saved."""
    problems: list[str] = []
    known = set(profile_keys)
    seen: dict[str, FormField] = {}
    for spec in definition.fields:
        if not KEY.match(spec.key):
            problems.append(
                _(
                    "The field key %(key)r must be lower-case letters, digits and _, starting "
                    "with a letter (at most 40)."
                )
                % {"key": spec.key}
            )
        if spec.key in seen:
            problems.append(_("The field key %(key)s is used twice.") % {"key": spec.key})
        if not spec.label.strip():
            problems.append(_("The field %(key)s needs a label.") % {"key": spec.key})
        if spec.kind not in FieldKind.values:
            problems.append(_("The field %(key)s has an unknown type.") % {"key": spec.key})
        if spec.kind == FieldKind.CHOICE and not spec.choices:
            problems.append(_("The field %(key)s needs a list of choices.") % {"key": spec.key})
        if spec.minimum is not None and spec.maximum is not None and spec.minimum > spec.maximum:
            problems.append(
                _("The field %(key)s has a minimum above its maximum.") % {"key": spec.key}
            )
        if spec.prefill and spec.prefill not in known:
            problems.append(
                _("The field %(key)s is filled from %(prefill)s, which the registry does not hold.")
                % {"key": spec.key, "prefill": spec.prefill}
            )
        if spec.show_when is not None:
            earlier = seen.get(spec.show_when.field)
            if earlier is None:
                problems.append(
                    _("The field %(key)s depends on %(other)s, which must be an earlier field.")
                    % {"key": spec.key, "other": spec.show_when.field}
                )
            elif _value_problem(earlier, spec.show_when.equals) is not None:
                problems.append(
                    _(
                        "The field %(key)s is shown when %(other)s is %(value)r, which that field "
                        "cannot hold."
                    )
                    % {"key": spec.key, "other": earlier.key, "value": spec.show_when.equals}
                )
        seen[spec.key] = spec
    material_keys = [m.key for m in definition.materials]
    for material in definition.materials:
        if not KEY.match(material.key) or material_keys.count(material.key) > 1:
            problems.append(
                _("Each material needs its own key of lower-case letters, digits and _ (%(key)r).")
                % {"key": material.key}
            )
        if not material.label.strip():
            problems.append(_("The material %(key)s needs a name.") % {"key": material.key})
    if not definition.steps:
        problems.append(_("An application needs at least one review step."))
    for step in definition.steps:
        if step.reviewer not in Reviewer.values:
            problems.append(_("A review step has an unknown reviewer."))
        if not 1 <= step.days <= 60:
            problems.append(
                _("A review step's time limit must be 1 to 60 working days (%(label)s).")
                % {"label": step.label}
            )
    return problems


# -- compiling to JSON Schema and back ----------------------------------------------------------


def _property(spec: FormField) -> dict[str, Any]:
    prop: dict[str, Any] = {"title": spec.label, "type": _JSON_TYPES[FieldKind(spec.kind)]}
    if spec.help:
        prop["description"] = spec.help
    if spec.kind == FieldKind.DATE:
        prop["format"] = "date"
    if spec.kind in (FieldKind.TEXT, FieldKind.TEXTAREA):
        limit = MAX_TEXT if spec.kind == FieldKind.TEXT else MAX_TEXTAREA
        prop["maxLength"] = min(spec.max_length or limit, limit)
    if spec.kind in (FieldKind.INTEGER, FieldKind.NUMBER):
        if spec.minimum is not None:
            prop["minimum"] = spec.minimum
        if spec.maximum is not None:
            prop["maximum"] = spec.maximum
    if spec.kind == FieldKind.CHOICE:
        prop["enum"] = list(spec.choices)
    return prop


def json_schema(definition: Definition) -> dict[str, Any]:
    """The JSON Schema of a complete application's answers (prefilled values included)."""
    required = [f.key for f in definition.fields if f.required and f.show_when is None]
    conditional = [
        {
            "if": {
                "properties": {f.show_when.field: {"const": f.show_when.equals}},
                "required": [f.show_when.field],
            },
            "then": {"required": [f.key]},
        }
        for f in definition.fields
        if f.required and f.show_when is not None
    ]
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {f.key: _property(f) for f in definition.fields},
        "required": required,
        "additionalProperties": False,
    }
    if conditional:
        schema["allOf"] = conditional
    return schema


def layout(definition: Definition) -> dict[str, Any]:
    """Layout hints: the order of fields, which are prefilled, when each is shown; materials and
    review steps."""
    return {
        "fields": [
            {
                "key": f.key,
                "widget": f.kind,
                "required": f.required,
                "prefill": f.prefill,
                "show_when": asdict(f.show_when) if f.show_when else None,
            }
            for f in definition.fields
        ],
        "materials": [asdict(m) for m in definition.materials],
        "steps": [asdict(s) for s in definition.steps],
    }


def definition_from(schema: Mapping[str, Any], hints: Mapping[str, Any]) -> Definition:
    """The definition a stored schema and layout were compiled from."""
    properties = schema.get("properties", {})
    fields = []
    for hint in hints.get("fields", []):
        prop = properties[hint["key"]]
        show_when = hint.get("show_when")
        fields.append(
            FormField(
                key=hint["key"],
                label=prop.get("title", hint["key"]),
                kind=hint["widget"],
                required=hint.get("required", True),
                help=prop.get("description", ""),
                minimum=prop.get("minimum"),
                maximum=prop.get("maximum"),
                max_length=prop.get("maxLength") if hint["widget"] == FieldKind.TEXT else None,
                choices=tuple(prop.get("enum", ())),
                show_when=ShowWhen(**show_when) if show_when else None,
                prefill=hint.get("prefill", ""),
            )
        )
    return Definition(
        fields=tuple(fields),
        materials=tuple(Material(**m) for m in hints.get("materials", [])),
        steps=tuple(ReviewStep(**s) for s in hints.get("steps", [])),
    )


# -- answers -------------------------------------------------------------------------------------


def visible_fields(definition: Definition, values: Mapping[str, Any]) -> list[FormField]:
    """The fields shown for these values: a conditional field only when its condition holds
    (and the field it depends on is itself shown)."""
    shown: dict[str, FormField] = {}
    for spec in definition.fields:
        condition = spec.show_when
        if condition is None or (
            condition.field in shown and values.get(condition.field) == condition.equals
        ):
            shown[spec.key] = spec
    return list(shown.values())


def answers_cleaned(
    definition: Definition, answers: Mapping[str, Any], prefilled: Mapping[str, Any]
) -> dict[str, Any]:
    """The answers the enterprise may give: no unknown keys, nothing the government already
    holds, nothing for a field that is hidden, no empty values."""
    values = {**answers, **prefilled}
    keep = {f.key for f in visible_fields(definition, values)} - set(prefilled)
    return {k: v for k, v in answers.items() if k in keep and v not in (None, "")}


def answer_problems(
    definition: Definition,
    schema: Mapping[str, Any],
    answers: Mapping[str, Any],
    prefilled: Mapping[str, Any],
) -> dict[str, str]:
    """Field key → what is wrong, for a complete application; empty when it can be submitted."""
    values = {**answers_cleaned(definition, answers, prefilled), **prefilled}
    labels = {f.key: f.label for f in definition.fields}
    problems: dict[str, str] = {}
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    for error in sorted(validator.iter_errors(values), key=lambda e: list(e.absolute_path)):
        for key, message in _messages(error, labels):
            problems.setdefault(key, message)
    return problems


def _messages(error: ValidationError, labels: Mapping[str, str]) -> list[tuple[str, str]]:
    if error.validator == "required":
        return [
            (key, _("%(label)s is required.") % {"label": labels.get(key, key)})
            for key in error.validator_value
            if key not in error.instance
        ]
    key = str(error.absolute_path[0]) if error.absolute_path else ""
    label = labels.get(key, key)
    limit = error.validator_value
    messages = {
        "type": _("%(label)s has the wrong kind of value."),
        "minimum": _("%(label)s must be at least %(limit)s."),
        "maximum": _("%(label)s must be at most %(limit)s."),
        "maxLength": _("%(label)s is longer than %(limit)s characters."),
        "enum": _("%(label)s must be one of the listed choices."),
        "format": _("%(label)s must be a date such as 2026-06-30."),
    }
    template = messages.get(str(error.validator), _("%(label)s is not valid."))
    return [(key, template % {"label": label, "limit": limit})]


def coerce(spec: FormField, raw: str) -> tuple[Any, str | None]:
    """A value typed in a web form → the answer's JSON value, or an error message."""
    text = raw.strip()
    if not text:
        return None, None
    if spec.kind in (FieldKind.INTEGER, FieldKind.NUMBER):
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            return text, _("%(label)s must be a number.") % {"label": spec.label}
        if spec.kind == FieldKind.INTEGER:
            if number != number.to_integral_value():
                return text, _("%(label)s must be a whole number.") % {"label": spec.label}
            return int(number), None
        return float(number), None
    if spec.kind == FieldKind.BOOLEAN:
        return text in ("1", "true", "on", "yes"), None
    if spec.kind == FieldKind.DATE:
        try:
            return dt.date.fromisoformat(text).isoformat(), None
        except ValueError:
            return text, _("%(label)s must be a date such as 2026-06-30.") % {"label": spec.label}
    return text, None


def _value_problem(spec: FormField, value: Any) -> str | None:
    """Whether `value` could be an answer to `spec` (for a condition on it)."""
    prop = _property(spec)
    validator = Draft202012Validator(prop, format_checker=FormatChecker())
    error = next(iter(validator.iter_errors(value)), None)
    return None if error is None else str(error.message)
