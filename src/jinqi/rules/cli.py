"""`jinqi rules …`: run a rule pack over a Parquet extract, without a database or Django.

    jinqi rules evaluate --rules RULES.json --data PROFILES.parquet --output COUNTS.json
                         [--pairs PAIRS.parquet] [--engine vector|duckdb|spark]
    jinqi rules check --rules RULES.json --data PROFILES.parquet
    jinqi rules sql --rules RULES.json --data PROFILES.parquet --dialect duckdb|postgres|spark

RULES.json is a list of {"id": …, "sql": "<expression>"} (other keys are ignored); the
vocabulary is the Parquet file's columns. COUNTS.json maps each id to its eligible and unknown
row counts; PAIRS.parquet holds the eligible (rule, row) pairs, `rule` dictionary-encoded and
`row` the 0-based row index in the data file, in pack order then row order.

`--engine` chooses who evaluates: the vectorised executor in this process (the default),
DuckDB, or Apache Spark (`engines.py`; under spark-submit, the cluster: docs/scale.md); every
engine writes the same counts and pairs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pyarrow.parquet as pq

from jinqi.rules.engines import ENGINES, evaluate_pack_sql, sql_engine
from jinqi.rules.errors import RuleError, gettext_noop, message
from jinqi.rules.pairs import PairsWriter
from jinqi.rules.parse import Rule, compile_rule
from jinqi.rules.sql import DIALECTS, to_sql
from jinqi.rules.tree import fields_used
from jinqi.rules.types import Vocabulary
from jinqi.rules.vector import Snapshot, evaluate_pack


class PackError(Exception):
    """The rule pack or the data file cannot be used; the message says why, for people."""


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="jinqi rules", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate = commands.add_parser("evaluate", help="count (and list) eligible rows per rule")
    check = commands.add_parser("check", help="validate a rule pack against a data file")
    sql = commands.add_parser(
        "sql", help="print each rule compiled for a database or Spark, as JSON (id → SQL)"
    )
    sql.add_argument("--dialect", choices=DIALECTS, required=True)
    for command in (evaluate, check, sql):
        command.add_argument("--rules", type=Path, required=True)
        command.add_argument("--data", type=Path, required=True)
    evaluate.add_argument("--output", type=Path, required=True)
    evaluate.add_argument("--pairs", type=Path)
    evaluate.add_argument("--engine", choices=ENGINES, default="vector")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            rules = load_pack(args.rules, args.data)
            print(message(gettext_noop("%(count)s rules are valid.")) % {"count": len(rules)})
            return 0
        if args.command == "sql":
            compiled = {
                i: to_sql(rule, args.dialect) for i, rule in load_pack(args.rules, args.data)
            }
            print(json.dumps(compiled, ensure_ascii=False, indent=1))
            return 0
        counts = run_pack(args.rules, args.data, args.output, args.pairs, args.engine)
    except PackError as error:
        print(error, file=sys.stderr)
        return 2
    print(
        message(gettext_noop("%(count)s rules evaluated.")) % {"count": len(counts)},
        file=sys.stderr,
    )
    return 0


def load_pack(rules_path: Path, data_path: Path) -> list[tuple[str, Rule]]:
    """Read and compile a pack against the data file's columns; every bad rule is reported."""
    try:
        items = json.loads(rules_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackError(
            _t(gettext_noop("The rule pack cannot be read: %(error)s"), error=error)
        ) from None
    if not isinstance(items, list) or not all(
        isinstance(i, dict) and isinstance(i.get("id"), str) and isinstance(i.get("sql"), str)
        for i in items
    ):
        raise PackError(
            _t(gettext_noop('The rule pack must be a list of {"id": …, "sql": …} objects.'))
        )
    ids = [item["id"] for item in items]
    if len(set(ids)) != len(ids):
        raise PackError(_t(gettext_noop("Rule ids must be unique.")))
    try:
        schema = pq.read_schema(data_path)
    except (OSError, ValueError) as error:
        raise PackError(
            _t(gettext_noop("The data file cannot be read: %(error)s"), error=error)
        ) from None
    vocabulary = Vocabulary.from_arrow_schema(schema)
    rules, problems = [], []
    for item in items:
        try:
            rules.append((item["id"], compile_rule(item["sql"], vocabulary)))
        except RuleError as error:
            problems.append(f"{item['id']}: {error.message()}")
    if problems:
        raise PackError("\n".join(problems))
    return rules


def run_pack(
    rules_path: Path,
    data_path: Path,
    output: Path,
    pairs_path: Path | None,
    engine: str = "vector",
) -> dict[str, dict[str, int]]:
    pack = load_pack(rules_path, data_path)
    rules = [rule for _, rule in pack]
    writer = None if pairs_path is None else PairsWriter(pairs_path, [i for i, _ in pack])
    try:
        if engine == "vector":
            needed = sorted({name for rule in rules for name in fields_used(rule.tree)})
            table = pq.read_table(data_path, columns=needed, memory_map=True)
            counts = evaluate_pack(rules, Snapshot(table), writer.add if writer else None)
        else:
            with sql_engine(engine, data_path) as connection:
                counts = evaluate_pack_sql(connection, rules, writer.add_pairs if writer else None)
    finally:
        if writer is not None:
            writer.close()
    result = {
        rule_id: {"eligible": eligible, "unknown": unknown}
        for (rule_id, _), eligible, unknown in zip(
            pack, counts.eligible, counts.unknown, strict=True
        )
    }
    output.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def _t(template: str, **params: object) -> str:
    return message(template) % params if params else message(template)


if __name__ == "__main__":  # spark-submit runs this file (docs/scale.md)
    sys.exit(main(sys.argv[1:]))
