"""The naive way: a per-enterprise Python loop over all rules, on a sample, extrapolated.

    uv run python benchmarks/rules_pyloop.py --rules RULES.json --data PROFILES.parquet \
        --output RESULT.json [--sample 2000] [--evaluator engine|reference] [--repeat 300]

For each sampled enterprise (a dict of its values, NULL as None) it evaluates every rule, and
reports the time per enterprise and the time extrapolated to every row of the file (labelled as
extrapolated; it stops early after --max-seconds, and says how many rows it did). It then times
"one enterprise against all rules, with explanations" as a median over --repeat enterprises (or
fewer, within a quarter of the budget): the engine's goal is under 1 ms for 500 rules.

`--evaluator engine` (the default) compiles every rule once with `compile_rule`, then loops with
`jinqi.rules.evaluate` (the decision alone) and times `jinqi.rules.explain`; `reference` uses
the small interpreter below over the structured form (same semantics; for runs before the engine
exists, and a cross-check). The sample's eligible (rule, row) pairs go into RESULT.json so the
driver can compare them with the baseline.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

# --- reference interpreter (SQL three-valued logic; None is unknown) --------------------------

COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
}


def value(node: Any, row: dict[str, Any]) -> Any:
    if not isinstance(node, dict):
        return node
    if "col" in node:
        return row[node["col"]]
    numerator, denominator = value(node["args"][0], row), value(node["args"][1], row)
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def truth(node: dict[str, Any], row: dict[str, Any]) -> bool | None:
    if "col" in node:
        return row[node["col"]]
    op = node["op"]
    if op == "and":
        result: bool | None = True
        for arg in node["args"]:
            r = truth(arg, row)
            if r is False:
                return False
            if r is None:
                result = None
        return result
    if op == "or":
        result = False
        for arg in node["args"]:
            r = truth(arg, row)
            if r is True:
                return True
            if r is None:
                result = None
        return result
    if op == "not":
        r = truth(node["args"][0], row)
        return None if r is None else not r
    if op == "case":
        for when, then in node["when"]:
            if truth(when, row) is True:
                return truth(then, row)
        return truth(node["else"], row) if node.get("else") is not None else None
    args = node["args"]
    x = value(args[0], row)
    if op == "is_null":
        return x is None
    if op == "is_not_null":
        return x is not None
    if x is None:
        return None
    if op == "in":
        return x in args[1]
    if op == "not_in":
        return x not in args[1]
    if op == "between":
        return args[1] <= x <= args[2]
    right = value(args[1], row)
    return None if right is None else COMPARE[op](x, right)


def reference_explain(node: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """The result and, for a top-level AND, each condition's result (what an explanation shows)."""
    parts = node["args"] if node.get("op") == "and" else [node]
    conditions = [truth(part, row) for part in parts]
    if False in conditions:
        result: bool | None = False
    elif None in conditions:
        result = None
    else:
        result = True
    return {"result": result, "conditions": conditions}


# --- the contenders' evaluators ----------------------------------------------------------------


def evaluators(
    pack: list[dict[str, Any]], data: Path, kind: str
) -> tuple[list[Callable[[dict], Any]], list[Callable[[dict], Any]]]:
    """Per rule: the decision alone (the loop) and the decision with its explanation."""
    if kind == "reference":
        return (
            [partial(truth, rule["expr"]) for rule in pack],
            [partial(reference_explain, rule["expr"]) for rule in pack],
        )
    from jinqi.rules import Vocabulary, compile_rule, evaluate, explain

    vocabulary = Vocabulary.from_arrow_schema(pq.read_schema(data))
    compiled = [compile_rule(rule["sql"], vocabulary) for rule in pack]
    return (
        [partial(evaluate, rule) for rule in compiled],
        [partial(explain, rule) for rule in compiled],
    )


def pack_explainers(pack: list[dict[str, Any]], data: Path) -> dict[str, Callable[[dict], Any]]:
    from jinqi.rules import Vocabulary, compile_rule
    from jinqi.rules.explain import PythonPack

    vocabulary = Vocabulary.from_arrow_schema(pq.read_schema(data))
    compiled = PythonPack([compile_rule(rule["sql"], vocabulary) for rule in pack])
    return {"decide": compiled.decide, "explanations": compiled.explanations}


def _median_run(
    rows: list[dict[str, Any]], run: Callable[[dict], Any], args: argparse.Namespace
) -> list[float]:
    run(rows[0])  # the first call also builds the explanation texts, once per pack
    timings: list[float] = []
    budget = time.perf_counter() + args.max_seconds / 4
    for i in range(args.repeat):
        row = rows[i % len(rows)]
        began = time.perf_counter()
        run(row)
        timings.append(time.perf_counter() - began)
        if began > budget and len(timings) >= 11:
            break
    return timings


def _summary(timings: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(timings) * 1000,
        "p90": sorted(timings)[int(0.9 * (len(timings) - 1))] * 1000,
        "min": min(timings) * 1000,
        "repeat": len(timings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--evaluator", choices=("engine", "reference"), default="engine")
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--max-seconds", type=float, default=120, help="stop the loop after this long"
    )
    args = parser.parse_args()

    pack = json.loads(args.rules.read_text(encoding="utf-8"))
    table = pq.read_table(args.data)
    total_rows = table.num_rows
    rng = np.random.default_rng(args.seed)
    sample = np.sort(rng.choice(total_rows, min(args.sample, total_rows), replace=False))
    rows = table.take(sample).to_pylist()  # dictionary columns come back as their strings
    del table
    deciders, explainers = evaluators(pack, args.data, args.evaluator)

    # The naive way: every enterprise through every rule, one at a time (within a time budget).
    outcomes: list[list[bool | None]] = []
    started = time.perf_counter()
    for row in rows:
        outcomes.append([decide(row) for decide in deciders])
        if time.perf_counter() - started > args.max_seconds:
            break
    loop_s = time.perf_counter() - started
    sample = sample[: len(outcomes)]
    rows = rows[: len(outcomes)]
    eligible: dict[str, list[int]] = {rule["id"]: [] for rule in pack}
    unknown = dict.fromkeys(eligible, 0)
    for row_number, per_rule in zip(sample.tolist(), outcomes, strict=True):
        for rule, result in zip(pack, per_rule, strict=True):
            if result is True:
                eligible[rule["id"]].append(row_number)
            elif result is None:
                unknown[rule["id"]] += 1

    # One enterprise against every rule, with explanations: the interactive case. The engine
    # compiles the pack once (`PythonPack`, sub-expressions shared across rules): `decide` gives
    # each rule's decision and each of its conditions' results (what an explanation states);
    # `explanations` also dresses every condition with its text and the values it read.
    if args.evaluator == "engine":
        explained = pack_explainers(pack, args.data)
        timings = _median_run(rows, explained["decide"], args)
        dressed = _median_run(rows, explained["explanations"], args)
    else:
        timings = _median_run(rows, lambda row: [explain(row) for explain in explainers], args)
        dressed = timings

    per_enterprise = loop_s / len(rows)
    report = {
        "evaluator": args.evaluator,
        "rules": len(pack),
        "sample_rows": len(rows),
        "sample_seconds": loop_s,
        "per_enterprise_ms": per_enterprise * 1000,
        "rows_in_file": total_rows,
        "extrapolated_seconds": per_enterprise * total_rows,
        "one_enterprise_all_rules_ms": _summary(timings),
        "one_enterprise_all_rules_dressed_ms": _summary(dressed),
        "sample": sample.tolist(),
        "sample_eligible": eligible,
        "sample_unknown": unknown,
    }
    args.output.write_text(json.dumps(report), encoding="utf-8")
    print(
        f"{args.evaluator}: {len(rows)} enterprises x {len(pack)} rules in {loop_s:.2f} s, "
        f"extrapolated to {total_rows} rows: {report['extrapolated_seconds']:.0f} s; "
        f"one enterprise x all rules: median "
        f"{report['one_enterprise_all_rules_ms']['median']:.3f} ms "
        f"({report['one_enterprise_all_rules_dressed_ms']['median']:.3f} ms with every "
        f"explanation dressed)"
    )


if __name__ == "__main__":
    main()
