"""What a rule may name: the vocabulary of typed fields, base and derived."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import pyarrow as pa

from jinqi.rules.errors import RuleError

if TYPE_CHECKING:
    from jinqi.rules.tree import Node


class FieldType(StrEnum):
    BOOLEAN = "boolean"
    INTEGER = "integer"
    NUMBER = "number"
    TEXT = "text"
    DATE = "date"

    @property
    def numeric(self) -> bool:
        return self in (FieldType.INTEGER, FieldType.NUMBER)


# The registry's vocabulary types (money and ratios are numbers to the rules).
_ALIASES = {"money": FieldType.NUMBER, "ratio": FieldType.NUMBER}


def field_type(name: str) -> FieldType:
    return _ALIASES.get(name) or FieldType(name)


@dataclass(frozen=True)
class Vocabulary:
    """Field name → type, plus named derived fields compiled against the base fields.

    `categorical` names the text fields that travel as dictionary codes in columnar snapshots.
    """

    fields: Mapping[str, FieldType]
    derived: Mapping[str, Node] = field(default_factory=dict)
    categorical: frozenset[str] = frozenset()

    def with_derived(self, definitions: Mapping[str, str]) -> Vocabulary:
        """A vocabulary that also knows `definitions` (name → SQL expression), in order: a
        definition may use the ones before it. Raises RuleError on the first bad definition."""
        # rules.parse and rules.tree import this module (the vocabulary they compile against).
        from jinqi.rules.parse import compile_expression
        from jinqi.rules.tree import Derived

        vocabulary = self
        for name, sql in definitions.items():
            if name in vocabulary.fields or name in vocabulary.derived:
                raise RuleError("duplicate_derived", fragment=name, name=name)
            expression = compile_expression(sql, vocabulary)
            derived = {
                **vocabulary.derived,
                name: Derived(name=name, expression=expression, type=expression.type),
            }
            vocabulary = Vocabulary(vocabulary.fields, derived, vocabulary.categorical)
        return vocabulary

    def names(self) -> list[str]:
        return [*self.fields, *self.derived]

    @classmethod
    def from_arrow_schema(cls, schema: pa.Schema) -> Vocabulary:
        """The vocabulary a Parquet file offers: each column whose type rules can use."""
        fields: dict[str, FieldType] = {}
        categorical = set()
        for column in schema:
            kind = column.type
            if pa.types.is_dictionary(kind):
                categorical.add(column.name)
                kind = kind.value_type
            if pa.types.is_boolean(kind):
                fields[column.name] = FieldType.BOOLEAN
            elif pa.types.is_integer(kind):
                fields[column.name] = FieldType.INTEGER
            elif pa.types.is_floating(kind) or pa.types.is_decimal(kind):
                fields[column.name] = FieldType.NUMBER
            elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
                fields[column.name] = FieldType.TEXT
            elif pa.types.is_date(kind):
                fields[column.name] = FieldType.DATE
            # Other column types (timestamps, lists…) are not rule vocabulary.
        return cls(fields, {}, frozenset(categorical & set(fields)))
