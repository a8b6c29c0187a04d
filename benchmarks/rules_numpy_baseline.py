"""Hand-written NumPy evaluation of a rule pack: the yardstick for `jinqi rules evaluate`.

    uv run python benchmarks/rules_numpy_baseline.py --rules RULES.json --data PROFILES.parquet \
        --output COUNTS.json [--pairs PAIRS.parquet]

Standalone on purpose (numpy, pyarrow and the standard library only): it is what a careful
engineer would write by hand for this one pack, and the engine must come within 1.5× of its time
and 2× of its peak memory. It reads the structured form of each rule ("expr", see rules_pack.py),
not the SQL.

How it is fast:
- only the columns the pack reads are loaded; NULL floats become NaN (a comparison with NaN is
  false both ways, which is exactly "neither true nor false"), dictionary columns stay as codes;
- every distinct sub-expression that occurs more than once in the pack (a comparison, a ratio, a
  tiered CASE) is computed once and dropped after its last use;
- truth values are bitsets of 64 rows a word, kept as two sets, TRUE and FALSE (unknown is
  neither), so Kleene AND/OR are two word-wise operations and NOT is a swap;
- pairs are streamed to Parquet in batches, in pack order, without holding them all.

Semantics (must equal the engine's): SQL three-valued logic; a NULL operand makes a comparison,
BETWEEN or IN unknown; `a / b` is float64 division, NULL when b = 0 or either side is NULL;
CASE takes the first WHEN that is TRUE (a NULL WHEN falls through) and is NULL with no ELSE;
IS [NOT] NULL is never unknown; only TRUE is eligible; "unknown" counts rows whose result is NULL.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

PAIRS_BATCH_ROWS = 1 << 22  # pairs buffered before a write: bounded memory, large row groups
NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "=": "<>", "<>": "="}
FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "<>": "<>"}
UFUNCS = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "=": np.equal,
    "<>": np.not_equal,
}


class Bits:
    """Row bitsets: little-endian bit order in uint64 words, the tail beyond `rows` kept zero."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.words = (rows + 63) // 64
        self.tail = np.full(self.words, np.uint64(0xFFFFFFFFFFFFFFFF))
        if rows % 64:
            self.tail[-1] = np.uint64((1 << (rows % 64)) - 1)

    def pack(self, mask: np.ndarray) -> np.ndarray:
        packed = np.packbits(mask, bitorder="little")
        out = np.zeros(self.words * 8, dtype=np.uint8)
        out[: packed.size] = packed
        return out.view(np.uint64)

    def invert(self, bits: np.ndarray) -> np.ndarray:
        out = np.invert(bits)
        out &= self.tail
        return out

    def unpack(self, bits: np.ndarray) -> np.ndarray:
        return np.unpackbits(bits.view(np.uint8), count=self.rows, bitorder="little").view(bool)

    @staticmethod
    def count(bits: np.ndarray) -> int:
        return int(np.bitwise_count(bits).sum(dtype=np.int64))


class Column:
    """A loaded column: numbers as float64/int (NaN = NULL), booleans, or dictionary codes."""

    def __init__(self, array: pa.ChunkedArray) -> None:
        kind = array.type
        self.nullable = array.null_count > 0
        self.dictionary: list[str] | None = None
        if pa.types.is_dictionary(kind):
            combined = array.unify_dictionaries().combine_chunks() if array.num_chunks else array
            if isinstance(combined, pa.ChunkedArray):
                combined = combined.chunk(0)
            self.dictionary = combined.dictionary.to_pylist()
            # NULL gets the code one past the dictionary, so lookup tables answer it too.
            codes = pc.fill_null(combined.indices, len(self.dictionary))
            # The narrowest code type: lookups and equality tests read a quarter of the bytes.
            size = len(self.dictionary)
            narrow = np.uint8 if size < 255 else np.uint16 if size < 65535 else np.int32
            self.values = codes.to_numpy(zero_copy_only=False).astype(narrow)
        elif pa.types.is_boolean(kind):
            self.values = pc.fill_null(array, False).to_numpy()
            self.valid = array.is_valid().to_numpy() if self.nullable else None
        elif self.nullable:
            self.values = pc.cast(array, pa.float64()).to_numpy()  # NULL -> NaN
        else:
            self.values = array.to_numpy()


class Evaluator:
    def __init__(self, columns: dict[str, Column], rows: int, pack: list[dict[str, Any]]) -> None:
        self.columns = columns
        self.bits = Bits(rows)
        self.uses: Counter[str] = Counter()
        self.keys: dict[int, str] = {}
        for rule in pack:
            self._count(rule["expr"])
        self.cache: dict[str, Any] = {}
        self.code_bits: dict[tuple[str, int], np.ndarray] = {}

    # --- sharing: a node computed once when it occurs more than once ----------------------

    def _key(self, node: dict[str, Any]) -> str:
        key = self.keys.get(id(node))
        if key is None:
            key = json.dumps(node, sort_keys=True, separators=(",", ":"))
            self.keys[id(node)] = key
        return key

    def _children(self, node: dict[str, Any]) -> list[dict[str, Any]]:
        children = [a for a in node.get("args", []) if isinstance(a, dict)]
        for when, then in node.get("when", []):
            children += [when, then]
        if isinstance(node.get("else"), dict):
            children.append(node["else"])
        return children

    def _count(self, node: dict[str, Any]) -> None:
        self.uses[self._key(node)] += 1
        for child in self._children(node):
            self._count(child)

    def _release(self, node: dict[str, Any]) -> None:
        """Account for a subtree that a cached ancestor made unnecessary to visit."""
        for child in self._children(node):
            key = self._key(child)
            self.uses[key] -= 1
            if self.uses[key] == 0:
                self.cache.pop(key, None)
            self._release(child)

    def _shared(self, node: dict[str, Any], compute: Any) -> Any:
        key = self._key(node)
        self.uses[key] -= 1
        if key in self.cache:
            result = self.cache[key]
            if self.uses[key] == 0:
                del self.cache[key]
            self._release(node)
            return result
        result = compute(node)
        if self.uses[key] > 0:
            self.cache[key] = result
        return result

    # --- values ------------------------------------------------------------------------------

    def value(self, node: Any) -> tuple[np.ndarray, bool]:
        """A numeric operand as an array (NaN = NULL) and whether it can be NULL."""
        if "col" in node:
            column = self.columns[node["col"]]
            return column.values, column.nullable
        return self._shared(node, self._divide)

    def _divide(self, node: dict[str, Any]) -> tuple[np.ndarray, bool]:
        (numerator, _), (denominator, _) = (self.value(a) for a in node["args"])
        with np.errstate(divide="ignore", invalid="ignore"):
            quotient = np.divide(numerator, denominator, dtype=np.float64)
        quotient[denominator == 0] = np.nan  # division by zero is NULL
        return quotient, True

    # --- truth values: (TRUE bits, FALSE bits) ------------------------------------------------

    def truth(self, node: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        op = node.get("op")
        if op == "not":
            true, false = self.truth(node["args"][0])
            return false, true
        if op in ("and", "or"):
            return self._combine(node)  # cheap word-wise work, not worth caching
        return self._shared(node, self._leaf)

    def _combine(self, node: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        conjunction = node["op"] == "and"
        results = [self.truth(a) for a in node["args"]]
        true, false = results[0][0].copy(), results[0][1].copy()
        for t, f in results[1:]:
            if conjunction:
                true &= t
                false |= f
            else:
                true |= t
                false &= f
        return true, false

    def _from_masks(
        self, true: np.ndarray, false: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        t = self.bits.pack(true)
        return t, (self.bits.invert(t) if false is None else self.bits.pack(false))

    def _leaf(self, node: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        if "col" in node:  # a boolean column
            column = self.columns[node["col"]]
            if column.valid is None:
                return self._from_masks(column.values, None)
            return self._from_masks(column.values & column.valid, ~column.values & column.valid)
        if node["op"] == "case":
            return self._case(node)
        op, args = node["op"], node["args"]
        if op in ("is_null", "is_not_null"):
            column = self.columns[args[0]["col"]]
            if column.dictionary is not None:
                present = column.values != len(column.dictionary)
            elif column.values.dtype == np.bool_:
                present = column.valid if column.valid is not None else np.ones_like(column.values)
            else:
                present = ~np.isnan(column.values) if column.nullable else None
            t, f = self._from_masks(present, None) if present is not None else self._all()
            return (t, f) if op == "is_not_null" else (f, t)
        if op in ("in", "not_in"):
            return self._in(args[0], args[1], op == "not_in")
        if op == "between":
            x, nullable = self.value(args[0])
            inside = (x >= args[1]) & (x <= args[2])
            return self._from_masks(inside, ((x < args[1]) | (x > args[2])) if nullable else None)
        if op in UFUNCS:
            left, right = args
            if not isinstance(left, dict):
                left, right, op = right, left, FLIPPED[op]
            if "col" in left and self.columns[left["col"]].dictionary is not None:
                return self._in(left, [right], op == "<>")
            x, nullable = self.value(left)
            true = UFUNCS[op](x, right)
            return self._from_masks(true, UFUNCS[NEGATED[op]](x, right) if nullable else None)
        raise ValueError(f"unknown op {op!r}")

    def _all(self) -> tuple[np.ndarray, np.ndarray]:
        return self.bits.tail.copy(), np.zeros(self.bits.words, dtype=np.uint64)

    def _in(self, operand: dict[str, Any], literals: list[Any], negated: bool) -> tuple[Any, Any]:
        column = self.columns[operand["col"]]
        if column.dictionary is None:  # IN over numbers
            x, nullable = self.value(operand)
            inside = np.isin(x, literals)
            outside = ~inside & ~np.isnan(x) if nullable else None
        else:
            wanted = set(literals)
            lookup = np.array([v in wanted for v in column.dictionary] + [False])
            hits = np.flatnonzero(lookup)
            if hits.size <= 16:
                # Each code's rows are one shared bitset, so an IN list is a few word-wise ORs.
                true = np.zeros(self.bits.words, dtype=np.uint64)
                for code in hits.tolist():
                    true |= self._code_bits(operand["col"], code)
                false = self.bits.invert(true)
                if column.nullable:
                    false &= self._code_bits(operand["col"], -1)
                return (false, true) if negated else (true, false)
            inside = np.take(lookup, column.values)
            outside = None
            if column.nullable:
                lookup = ~lookup
                lookup[-1] = False
                outside = np.take(lookup, column.values)
        t, f = self._from_masks(inside, outside)
        return (f, t) if negated else (t, f)

    def _code_bits(self, name: str, code: int) -> np.ndarray:
        """Rows holding one dictionary code (-1: rows that are not NULL), computed once."""
        found = self.code_bits.get((name, code))
        if found is None:
            column = self.columns[name]
            assert column.dictionary is not None
            if code < 0:
                found = self.bits.pack(column.values != len(column.dictionary))
            else:
                found = self.bits.pack(column.values == code)
            self.code_bits[(name, code)] = found
        return found

    def _case(self, node: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        remaining = self.bits.tail.copy()  # rows no earlier WHEN has taken
        true = np.zeros(self.bits.words, dtype=np.uint64)
        false = np.zeros(self.bits.words, dtype=np.uint64)
        branches = [(when, then) for when, then in node["when"]]
        if node.get("else") is not None:
            branches.append((None, node["else"]))
        for when, then in branches:
            taken = remaining if when is None else remaining & self.truth(when)[0]
            t, f = self.truth(then)
            true |= taken & t
            false |= taken & f
            if when is not None:
                remaining &= ~taken
        return true, false


def load(data: Path, names: set[str]) -> tuple[dict[str, Column], int]:
    table = pq.read_table(data, columns=sorted(names), memory_map=True)
    return {name: Column(table.column(name)) for name in names}, table.num_rows


def columns_of(node: Any) -> set[str]:
    if not isinstance(node, dict):
        return set()
    if "col" in node:
        return {node["col"]}
    found: set[str] = set()
    for arg in node.get("args", []):
        found |= columns_of(arg)
    for when, then in node.get("when", []):
        found |= columns_of(when) | columns_of(then)
    return found | columns_of(node.get("else"))


class PairsWriter:
    """Streams (rule, row) pairs, rule in pack order then row ascending, into Parquet."""

    def __init__(self, path: Path, rule_ids: list[str], rows: int) -> None:
        self.dictionary = pa.array(rule_ids, pa.string())
        self.schema = pa.schema(
            [("rule", pa.dictionary(pa.int32(), pa.string())), ("row", pa.int32())]
        )
        # Dictionary encoding only where it pays: pyarrow would otherwise try it on `row` too,
        # and give up after building a dictionary page per row group.
        self.writer = pq.ParquetWriter(path, self.schema, use_dictionary=["rule"])
        # Rows go straight into one int32 buffer (the int64 indices are narrowed on the copy).
        self.buffer = np.empty(max(PAIRS_BATCH_ROWS, rows), dtype=np.int32)
        self.rules: list[int] = []
        self.sizes: list[int] = []
        self.buffered = 0

    def add(self, rule: int, rows: np.ndarray) -> None:
        if not rows.size:
            return
        if self.buffered + rows.size > self.buffer.size:
            self.flush()
        self.buffer[self.buffered : self.buffered + rows.size] = rows
        self.rules.append(rule)
        self.sizes.append(rows.size)
        self.buffered += rows.size
        if self.buffered >= PAIRS_BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.buffered:
            return
        codes = np.repeat(np.array(self.rules, dtype=np.int32), self.sizes)
        rule = pa.DictionaryArray.from_arrays(pa.array(codes), self.dictionary)
        rows = pa.array(self.buffer[: self.buffered])  # zero-copy view, written before reuse
        self.writer.write_table(pa.Table.from_arrays([rule, rows], schema=self.schema))
        self.rules, self.sizes, self.buffered = [], [], 0

    def close(self) -> None:
        self.flush()
        self.writer.close()


def evaluate(
    rules: Path, data: Path, output: Path, pairs: Path | None
) -> dict[str, dict[str, int]]:
    pack = json.loads(rules.read_text(encoding="utf-8"))
    names: set[str] = set()
    for rule in pack:
        names |= columns_of(rule["expr"])
    started = time.perf_counter()
    columns, rows = load(data, names)
    loaded = time.perf_counter()
    evaluator = Evaluator(columns, rows, pack)
    writer = PairsWriter(pairs, [r["id"] for r in pack], rows) if pairs is not None else None
    counts: dict[str, dict[str, int]] = {}
    for position, rule in enumerate(pack):
        true, false = evaluator.truth(rule["expr"])
        eligible = Bits.count(true)
        counts[rule["id"]] = {
            "eligible": eligible,
            "unknown": rows - eligible - Bits.count(false),
        }
        if writer is not None and eligible:
            writer.add(position, np.flatnonzero(evaluator.bits.unpack(true)))
    if writer is not None:
        writer.close()
    output.write_text(json.dumps(counts, ensure_ascii=False, indent=1), encoding="utf-8")
    print(
        f"load {loaded - started:.2f} s, evaluate{' and write pairs' if pairs else ''} "
        f"{time.perf_counter() - loaded:.2f} s",
        end="; ",
    )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--pairs", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = evaluate(args.rules, args.data, args.output, args.pairs)
    total = sum(c["eligible"] for c in counts.values())
    print(f"{len(counts)} rules, {total} eligible pairs in {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
