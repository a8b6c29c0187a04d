"""OpenFisca (openfisca-core, vectorised) evaluating a rule pack: the rules-as-code reference.

    uv run --group bench python benchmarks/rules_openfisca.py --rules RULES.json \
        --data PROFILES.parquet --output COUNTS.json [--pairs PAIRS.parquet]

A TaxBenefitSystem with one entity (the enterprise), an input variable per column the pack reads
and a variable per rule whose formula is built from the rule's structured form ("expr"). The
rule variable is an Enum (ineligible / eligible / unknown), as an OpenFisca model would state an
outcome; its formula evaluates SQL three-valued logic with NumPy.

What follows OpenFisca's own conventions, and so differs from the engine:
- float variables are float32 (OpenFisca's storage type); ratios are computed and compared in
  float32, which moves some enterprises across ratio thresholds. The driver counts the pairs
  that differ from the exact (float64) baseline;
- OpenFisca has no NULL, so each nullable column gets a companion boolean input
  `<column>__known`, and the formulas consult it;
- categoricals are integer codes into the column's dictionary (what an OpenFisca Enum stores);
- nothing is shared between rule formulas: each computes its own comparisons, as separately
  written variables do.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from openfisca_core import entities, periods
from openfisca_core.indexed_enums import Enum
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable
from rules_numpy_baseline import PairsWriter, columns_of

PERIOD = "2025"
OPS: dict[str, Callable[[Any, Any], np.ndarray]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "=": np.equal,
    "<>": np.not_equal,
}


class Outcome(Enum):
    ineligible = "ineligible"
    eligible = "eligible"
    unknown = "unknown"


INELIGIBLE, ELIGIBLE, UNKNOWN = 0, 1, 2  # Outcome's indices, in declaration order

Enterprise = entities.build_entity(
    key="enterprise", plural="enterprises", label="Enterprise", is_person=True
)


def variable(name: str, value_type: Any, **attributes: Any) -> type[Variable]:
    return type(
        name,
        (Variable,),
        {
            "value_type": value_type,
            "entity": Enterprise,
            "definition_period": periods.DateUnit.YEAR,
            "label": name,
            **attributes,
        },
    )


class Inputs:
    """What a formula needs to know about the columns: kinds and categorical dictionaries."""

    def __init__(self, schema: pa.Schema, table: pa.Table) -> None:
        self.kinds: dict[str, str] = {}
        self.dictionaries: dict[str, list[str]] = {}
        self.nullable: set[str] = set()
        for name in table.column_names:
            kind = schema.field(name).type
            column = table.column(name)
            if column.null_count:
                self.nullable.add(name)
            if pa.types.is_dictionary(kind):
                self.kinds[name] = "code"
            elif pa.types.is_boolean(kind):
                self.kinds[name] = "bool"
            elif pa.types.is_integer(kind):
                self.kinds[name] = "int"
            else:
                self.kinds[name] = "float"


def formula_for(expr: dict[str, Any], inputs: Inputs) -> Callable[..., np.ndarray]:
    def formula(enterprise: Any, period: Any) -> np.ndarray:
        def known(name: str) -> np.ndarray | None:
            return enterprise(f"{name}__known", period) if name in inputs.nullable else None

        def value(node: Any) -> tuple[Any, np.ndarray | None]:
            """An operand and where it is known (None: everywhere)."""
            if not isinstance(node, dict):
                return node, None
            if "col" in node:
                return enterprise(node["col"], period), known(node["col"])
            (a, ka), (b, kb) = value(node["args"][0]), value(node["args"][1])
            with np.errstate(divide="ignore", invalid="ignore"):
                quotient = a / b
            return quotient, both(both(ka, kb), b != 0)

        def truth(node: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
            """(TRUE, FALSE) masks; unknown is neither."""
            if "col" in node:
                x, k = value(node)
                return restrict(x, k), restrict(~x, k)
            op = node["op"]
            if op == "not":
                t, f = truth(node["args"][0])
                return f, t
            if op in ("and", "or"):
                parts = [truth(a) for a in node["args"]]
                t, f = parts[0]
                for pt, pf in parts[1:]:
                    t, f = (t & pt, f | pf) if op == "and" else (t | pt, f & pf)
                return t, f
            if op == "case":
                t = np.zeros(enterprise.count, dtype=bool)
                f = np.zeros(enterprise.count, dtype=bool)
                remaining = np.ones(enterprise.count, dtype=bool)  # no WHEN was TRUE yet
                for when, then in node["when"]:
                    wt, _ = truth(when)
                    taken = remaining & wt
                    et, ef = truth(then)
                    t |= taken & et
                    f |= taken & ef
                    remaining &= ~wt
                if node.get("else") is not None:
                    et, ef = truth(node["else"])
                    t, f = t | (remaining & et), f | (remaining & ef)
                return t, f
            args = node["args"]
            if op in ("is_null", "is_not_null"):
                _, k = value(args[0])
                present = np.ones(enterprise.count, dtype=bool) if k is None else k
                return (present, ~present) if op == "is_not_null" else (~present, present)
            x, k = value(args[0])
            if op in ("in", "not_in"):
                inside = categorical_in(args[0]["col"], x, args[1])
                t, f = restrict(inside, k), restrict(~inside, k)
                return (f, t) if op == "not_in" else (t, f)
            if op == "between":
                inside = (x >= args[1]) & (x <= args[2])
                return restrict(inside, k), restrict(~inside, k)
            right = args[1]
            if isinstance(right, str):  # `=` on a categorical
                inside = categorical_in(args[0]["col"], x, [right])
                result = inside if op == "=" else ~inside
            else:
                result = OPS[op](x, right)
            return restrict(result, k), restrict(~result, k)

        def categorical_in(name: str, codes: np.ndarray, literals: list[Any]) -> np.ndarray:
            dictionary = inputs.dictionaries[name]
            wanted = set(literals)
            lookup = np.array([v in wanted for v in dictionary] + [False])
            return lookup[codes]

        t, f = truth(expr)
        outcome = np.full(enterprise.count, UNKNOWN, dtype=np.int16)
        outcome[t] = ELIGIBLE
        outcome[f] = INELIGIBLE
        return outcome

    return formula


def both(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    if b is None:
        return a
    return a & b


def restrict(mask: np.ndarray, known: np.ndarray | None) -> np.ndarray:
    return mask if known is None else mask & known


def build(pack: list[dict[str, Any]], table: pa.Table, float64: bool = False) -> tuple[Any, Inputs]:
    inputs = Inputs(table.schema, table)
    system = TaxBenefitSystem([Enterprise])
    value_types = {"float": float, "int": int, "bool": bool, "code": int}
    for name, kind in inputs.kinds.items():
        added = system.add_variable(variable(name, value_types[kind]))
        if float64 and kind == "float":
            # Not OpenFisca's behaviour: only to show that float32 is the whole difference.
            added.dtype = np.float64
        if name in inputs.nullable:
            system.add_variable(variable(f"{name}__known", bool))
    for rule in pack:
        system.add_variable(
            variable(
                rule["id"],
                Enum,
                possible_values=Outcome,
                default_value=Outcome.ineligible,
                formula=formula_for(rule["expr"], inputs),
            )
        )
    return system, inputs


def load(system: Any, inputs: Inputs, table: pa.Table) -> Any:
    simulation = SimulationBuilder().build_default_simulation(system, count=table.num_rows)
    period = periods.period(PERIOD)
    for name, kind in inputs.kinds.items():
        column = table.column(name)
        if kind == "code":
            combined = column.unify_dictionaries().combine_chunks()
            inputs.dictionaries[name] = combined.dictionary.to_pylist()
            array = pc.fill_null(combined.indices, len(inputs.dictionaries[name])).to_numpy()
        elif kind == "bool":
            array = pc.fill_null(column, False).to_numpy()
        else:
            array = pc.fill_null(column, 0).to_numpy()
        simulation.set_input(name, period, array)
        if name in inputs.nullable:
            simulation.set_input(f"{name}__known", period, column.is_valid().to_numpy())
    return simulation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--pairs", type=Path)
    parser.add_argument(
        "--float64", action="store_true", help="store floats as float64 (a check, not OpenFisca)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    pack = json.loads(args.rules.read_text(encoding="utf-8"))
    names: set[str] = set()
    for rule in pack:
        names |= columns_of(rule["expr"])
    table = pq.read_table(args.data, columns=sorted(names))
    system, inputs = build(pack, table, args.float64)
    simulation = load(system, inputs, table)
    rows = table.num_rows
    del table
    period = periods.period(PERIOD)
    writer = PairsWriter(args.pairs, [r["id"] for r in pack], rows) if args.pairs else None
    counts: dict[str, dict[str, int]] = {}
    for position, rule in enumerate(pack):
        outcome = np.asarray(simulation.calculate(rule["id"], period))
        eligible = outcome == ELIGIBLE
        counts[rule["id"]] = {
            "eligible": int(np.count_nonzero(eligible)),
            "unknown": int(np.count_nonzero(outcome == UNKNOWN)),
        }
        if writer is not None:
            writer.add(position, np.flatnonzero(eligible))
    if writer is not None:
        writer.close()
    args.output.write_text(json.dumps(counts, ensure_ascii=False, indent=1), encoding="utf-8")
    total = sum(c["eligible"] for c in counts.values())
    print(f"{len(pack)} rules, {rows} rows, {total} pairs in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
