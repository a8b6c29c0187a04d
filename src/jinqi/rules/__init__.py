"""The rules language: eligibility as SQL expressions over a declared vocabulary.

Free of Django (an import-linter contract says so), so `jinqi rules evaluate` runs without the
web framework and department tools can use it on a data extract.
"""

from jinqi.rules.errors import RuleError
from jinqi.rules.explain import ConditionResult, Explanation, evaluate, explain
from jinqi.rules.parse import Rule, compile_expression, compile_rule
from jinqi.rules.render import render
from jinqi.rules.types import FieldType, Vocabulary

__all__ = [
    "ConditionResult",
    "Explanation",
    "FieldType",
    "Rule",
    "RuleError",
    "Vocabulary",
    "compile_expression",
    "compile_rule",
    "evaluate",
    "explain",
    "render",
]
