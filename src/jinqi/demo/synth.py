"""A synthetic population of Jinshan enterprises, for the demo and for benchmarks.

Vectorised with numpy and pyarrow so that millions of rows take seconds. The same count and seed
always give the same file: rows are generated in fixed blocks, each from a generator seeded by
(seed, block), and the unique codes and names are bijections of the row's position.

The figures are skewed the way a real register is (log-normal and Pareto sizes) and consistent
with one another: taxable income, R&D, high-tech and export revenue and tax stay below revenue,
technical and insured staff below employees, no figures before the year of establishment.

The columns, sectors and word pools are in `synth_vocabulary`, the figures in `synth_figures`;
this module draws the registration records (codes, names, addresses, people) and writes blocks.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jinqi.demo.synth_figures import Figures
from jinqi.demo.synth_vocabulary import (
    BLOCK_ROWS,
    ENTERPRISE_TYPE_WEIGHTS,
    ENTERPRISE_TYPES,
    GIVEN,
    INTEGER_KEYS,
    JOINT_STOCK_TYPES,
    MOBILE_PREFIXES,
    OLD_CODE_BEFORE,
    REFERENCE_DATE,
    REGISTRATION_COLUMNS,
    ROADS,
    SECTORS,
    STATUS_KEYS,
    STATUS_WEIGHTS,
    STATUSES,
    SURNAME_WEIGHTS,
    SURNAMES,
    TOWN_CODES,
    TOWN_NAMES,
    TOWN_WEIGHTS,
    YEARLY_KEYS,
    YEARS,
    ZIHAO_FIRST,
    ZIHAO_SECOND,
)
from jinqi.registry.size_class import INDUSTRY_TABLE
from jinqi.registry.uscc import ALPHABET, JINSHAN_REGION, ORG_ALPHABET, ORG_WEIGHTS, WEIGHTS


def columns() -> list[str]:
    """The columns of a synthetic file, in order."""
    yearly = [f"{key}_{year}" for year in YEARS for key in YEARLY_KEYS]
    return [*REGISTRATION_COLUMNS, *yearly, *STATUS_KEYS]


Progress = Callable[[int, int], None]


def synth_write(path: Path, *, count: int, seed: int, on_progress: Progress | None = None) -> int:
    """Write `count` synthetic enterprises to a Parquet file; returns the number written.

    The file appears only when complete (written beside it first, then renamed)."""
    if count < 0:
        raise ValueError("count must not be negative")
    generator = _Generator(seed)
    partial = path.with_name(path.name + ".partial")
    writer: pq.ParquetWriter | None = None
    done = 0
    try:
        for block, start in enumerate(range(0, max(count, 1), BLOCK_ROWS)):
            size = min(BLOCK_ROWS, count - start)
            table = generator.block(block, size)
            if writer is None:
                writer = pq.ParquetWriter(str(partial), table.schema, compression="zstd")
            writer.write_table(table)
            done += size
            if on_progress is not None:
                on_progress(done, count)
        if writer is not None:
            writer.close()
            writer = None
        partial.replace(path)
    finally:
        if writer is not None:
            writer.close()
        partial.unlink(missing_ok=True)
    return done


def synth_table(*, count: int, seed: int) -> pa.Table:
    """The same rows as `synth_write`, in memory (for tests and small demos)."""
    generator = _Generator(seed)
    blocks = [
        generator.block(block, min(BLOCK_ROWS, count - start))
        for block, start in enumerate(range(0, max(count, 1), BLOCK_ROWS))
    ]
    return pa.concat_tables(blocks)


@dataclass(frozen=True)
class _Classes:
    codes: tuple[str, ...]
    weights: tuple[float, ...]


def sector_classes(table: Path = INDUSTRY_TABLE) -> list[_Classes]:
    """Each sector's class codes: from the shipped GB/T 4754-2017 table when there is one (the
    sector's typical classes weighted up), else the built-in typical classes."""
    known = _table_classes(table)
    result = []
    for sector in SECTORS:
        if not known:
            result.append(_Classes(sector.classes, tuple(1.0 for _ in sector.classes)))
            continue
        codes = sorted(c for c in known if c[:3] in sector.divisions)
        typical = set(sector.classes)
        if not codes:
            codes = list(sector.classes)
        result.append(_Classes(tuple(codes), tuple(8.0 if c in typical else 1.0 for c in codes)))
    return result


def _table_classes(table: Path) -> set[str]:
    """The class codes (letter and four digits) of the industry table, if it is shipped."""
    if not table.is_file():
        return set()
    with table.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        codes = {(row.get("code") or "").strip() for row in reader}
    return {c for c in codes if len(c) == 5 and c[0].isalpha() and c[1:].isdigit()}


class _Generator:
    """Generates blocks in order; remembers the names used so far so they stay unique."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        setup = np.random.default_rng([seed, 0x5EED])
        self.old_codes = _Permutation(10**8, setup)
        self.new_codes = _Permutation(31**5, setup)
        self.old_used = 0
        self.new_used = 0
        self.used_names = np.empty(0, dtype=np.int64)
        classes = sector_classes()
        self.class_pool = [pa.array(c.codes) for c in classes]
        self.class_weights = [np.array(c.weights) / sum(c.weights) for c in classes]
        words: list[str] = []
        self.word_ranges: list[tuple[int, int]] = []
        for sector in SECTORS:
            self.word_ranges.append((len(words), len(sector.words)))
            words.extend(sector.words)
        self.words = pa.array(words)

    def block(self, index: int, size: int) -> pa.Table:
        rng = np.random.default_rng([self.seed, index])
        n = size
        sector_weights = np.array([s.weight for s in SECTORS])
        sector = rng.choice(len(SECTORS), size=n, p=sector_weights / sector_weights.sum())
        age_days = np.minimum(rng.exponential(8.5 * 365.25, n), 45 * 365.25).astype(np.int64)
        established = np.datetime64(REFERENCE_DATE.isoformat()) - age_days.astype("timedelta64[D]")
        established_year = established.astype("datetime64[Y]").astype(np.int64) + 1970
        status = rng.choice(len(STATUSES), size=n, p=STATUS_WEIGHTS)
        kind = rng.choice(len(ENTERPRISE_TYPES), size=n, p=_normalised(ENTERPRISE_TYPE_WEIGHTS))

        columns: dict[str, pa.Array] = {}
        columns["uscc"] = self._codes(established, rng)
        columns["name"] = self._names(sector, kind, rng)
        columns["status"] = pa.array([str(s) for s in STATUSES]).take(pa.array(status))
        columns["established_on"] = pa.array(established.astype("datetime64[D]"), pa.date32())
        columns["registered_capital"] = pa.array(_capital(rng, n))
        columns["enterprise_type"] = pa.array(ENTERPRISE_TYPES).take(pa.array(kind))
        columns["industry_code"] = self._industries(sector, rng)
        town = self._towns(sector, rng)
        columns["town"] = pa.array(TOWN_CODES).take(pa.array(town))
        columns["registered_address"] = _addresses(town, rng)
        columns["legal_representative"] = _person_names(rng, n)
        columns["contact_person"] = _person_names(rng, n)
        columns["contact_phone"] = _phones(rng, n)
        figures = Figures(rng, sector, established_year, age_days, status)
        for year in YEARS:
            for key in YEARLY_KEYS:
                values, missing = figures.yearly[key][year]
                arrow_type = pa.int64() if key in INTEGER_KEYS else pa.float64()
                columns[f"{key}_{year}"] = pa.array(values, arrow_type, mask=missing)
        for key in STATUS_KEYS:
            columns[key] = figures.status[key]
        return pa.table(columns)

    def _codes(self, established: np.ndarray, rng: np.random.Generator) -> pa.Array:
        """Unique valid codes: positions 9–16 a bijection of the row's place in its family."""
        n = len(established)
        old = established < np.datetime64(OLD_CODE_BEFORE.isoformat())
        body = np.empty((n, 8), dtype=np.uint8)
        count_old = int(old.sum())
        old_numbers = self.old_codes(np.arange(self.old_used, self.old_used + count_old))
        self.old_used += count_old
        body[old] = _digits(old_numbers, 8, np.frombuffer(b"0123456789", np.uint8))
        new_numbers = self.new_codes(np.arange(self.new_used, self.new_used + n - count_old))
        self.new_used += n - count_old
        new_body = np.empty((n - count_old, 8), dtype=np.uint8)
        new_body[:, :3] = np.frombuffer(b"MA1", np.uint8)
        new_body[:, 3:] = _digits(new_numbers, 5, np.frombuffer(ALPHABET.encode(), np.uint8))
        body[~old] = new_body
        org_values = _ORG_VALUE[body]
        org_total = org_values @ np.array(ORG_WEIGHTS)
        org_check = 11 - org_total % 11
        org_char = np.where(
            org_check == 10, ord("X"), np.where(org_check == 11, ord("0"), org_check + ord("0"))
        ).astype(np.uint8)
        code = np.empty((n, 18), dtype=np.uint8)
        code[:, :8] = np.frombuffer(("91" + JINSHAN_REGION).encode(), np.uint8)
        code[:, 8:16] = body
        code[:, 16] = org_char
        total = _USCC_VALUE[code[:, :17]] @ np.array(WEIGHTS)
        code[:, 17] = np.frombuffer(ALPHABET.encode(), np.uint8)[(31 - total % 31) % 31]
        return pc.cast(pa.array(code.reshape(-1).view("S18")), pa.string())

    def _names(self, sector: np.ndarray, kind: np.ndarray, rng: np.random.Generator) -> pa.Array:
        """上海 + 字号 + 行业词 + 有限公司, unique over the whole file."""
        n = len(sector)
        offset = np.array([r[0] for r in self.word_ranges])[sector]
        length = np.array([r[1] for r in self.word_ranges])[sector]
        word = offset + (rng.random(n) * length).astype(np.int64)
        p1, p2, nwords = len(ZIHAO_FIRST), len(ZIHAO_SECOND), len(self.words)
        first = rng.integers(0, p1, n)
        second = rng.integers(0, p2, n)
        third = np.full(n, -1, dtype=np.int64)  # a third 字号 character when needed
        keys = (first * p2 + second) * nwords + word
        base3 = p1 * p2 * nwords
        # Rows whose name is taken draw a new three-character 字号 until none clashes.
        taken = [self.used_names]
        pending = np.arange(n)
        for _round in range(100):
            candidate = keys[pending]
            clash = _repeated(candidate)
            for sorted_keys in taken:
                clash |= _in_sorted(candidate, sorted_keys)
            taken.append(np.sort(candidate[~clash]))
            pending = pending[clash]
            if not len(pending):
                break
            size = len(pending)
            first[pending] = rng.integers(0, p1, size)
            second[pending] = rng.integers(0, p2, size)
            third[pending] = rng.integers(0, p2, size)
            keys[pending] = (
                base3
                + ((first[pending] * p2 + second[pending]) * p2 + third[pending]) * nwords
                + word[pending]
            )
        else:  # pragma: no cover -- 100 rounds of clashes would need billions of rows
            raise RuntimeError("could not find unique names")
        self.used_names = np.sort(np.concatenate(taken))
        third_chars = pa.array(("", *ZIHAO_SECOND)).take(pa.array(third + 1))
        suffix = pa.array(("有限公司", "股份有限公司")).take(
            pa.array(np.isin(kind, JOINT_STOCK_TYPES).astype(np.int64))
        )
        return pc.binary_join_element_wise(
            pa.array(["上海"] * n),
            pa.array(ZIHAO_FIRST).take(pa.array(first)),
            pa.array(ZIHAO_SECOND).take(pa.array(second)),
            third_chars,
            self.words.take(pa.array(word)),
            suffix,
            "",
        )

    def _industries(self, sector: np.ndarray, rng: np.random.Generator) -> pa.Array:
        codes = np.empty(len(sector), dtype=object)
        for index in range(len(SECTORS)):
            rows = np.flatnonzero(sector == index)
            if not len(rows):
                continue
            pool = self.class_pool[index]
            picked = rng.choice(len(pool), size=len(rows), p=self.class_weights[index])
            codes[rows] = pool.take(pa.array(picked)).to_numpy(zero_copy_only=False)
        return pa.array(codes, pa.string())

    def _towns(self, sector: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        town = np.empty(len(sector), dtype=np.int64)
        kinds = np.array([s.towns for s in SECTORS])[sector]
        for kind, weights in TOWN_WEIGHTS.items():
            rows = np.flatnonzero(kinds == kind)
            town[rows] = rng.choice(len(TOWN_CODES), size=len(rows), p=_normalised(weights))
        return town


class _Permutation:
    """x ↦ (a·x + b) mod m with a coprime to m: a bijection of [0, m) that looks random."""

    def __init__(self, modulus: int, rng: np.random.Generator) -> None:
        self.modulus = modulus
        a = int(rng.integers(modulus // 3, modulus - 1))
        while math.gcd(a, modulus) != 1:
            a += 1
        self.a = a
        self.b = int(rng.integers(0, modulus))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if len(x) and int(x[-1]) >= self.modulus:
            raise ValueError("more synthetic codes than the code space holds")
        return (x.astype(np.int64) * self.a + self.b) % self.modulus


def _value_table(alphabet: str) -> np.ndarray:
    table = np.zeros(256, dtype=np.int64)
    for index, char in enumerate(alphabet):
        table[ord(char)] = index
    return table


_ORG_VALUE = _value_table(ORG_ALPHABET)
_USCC_VALUE = _value_table(ALPHABET)


def _digits(numbers: np.ndarray, width: int, symbols: np.ndarray) -> np.ndarray:
    """`numbers` written in base len(symbols) with `width` characters (as bytes)."""
    base = len(symbols)
    out = np.empty((len(numbers), width), dtype=np.uint8)
    rest = numbers.copy()
    for position in range(width - 1, -1, -1):
        out[:, position] = symbols[rest % base]
        rest //= base
    return out


def _repeated(keys: np.ndarray) -> np.ndarray:
    """Which keys repeat an earlier key of the same array (the first one stays)."""
    _, first = np.unique(keys, return_index=True)
    repeated = np.ones(len(keys), dtype=bool)
    repeated[first] = False
    return repeated


def _in_sorted(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=bool)
    position = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[position] == keys


def _normalised(weights: Sequence[float]) -> np.ndarray:
    array = np.asarray(weights, dtype=np.float64)
    return array / array.sum()


def _capital(rng: np.random.Generator, n: int) -> np.ndarray:
    """Registered capital in 万元: log-normal, written the round way people register it."""
    raw = np.exp(rng.normal(math.log(100), 1.3, n))
    raw = np.clip(raw, 1, 5_000_000)
    magnitude = 10 ** np.floor(np.log10(raw))
    rounder = np.where(rng.random(n) < 0.6, magnitude, magnitude / 10)
    return np.maximum(np.round(raw / rounder) * rounder, 1).round(2)


def _addresses(town: np.ndarray, rng: np.random.Generator) -> pa.Array:
    n = len(town)
    road = rng.integers(0, len(ROADS), n)
    number = rng.integers(1, 9000, n)
    with_room = rng.random(n) < 0.35
    building = rng.integers(1, 20, n)
    room = rng.integers(1, 12, n) * 100 + rng.integers(1, 20, n)
    room_text = pc.if_else(
        pa.array(with_room),
        pc.binary_join_element_wise(
            pc.cast(pa.array(building), pa.string()),
            "幢",
            pc.cast(pa.array(room), pa.string()),
            "室",
            "",
        ),
        pa.array([""] * n),
    )
    return pc.binary_join_element_wise(
        pa.array(["上海市金山区"] * n),
        pa.array(TOWN_NAMES).take(pa.array(town)),
        pa.array(ROADS).take(pa.array(road)),
        pc.cast(pa.array(number), pa.string()),
        pa.array(["号"] * n),
        room_text,
        "",
    )


def _person_names(rng: np.random.Generator, n: int) -> pa.Array:
    surname = rng.choice(len(SURNAMES), size=n, p=_normalised(SURNAME_WEIGHTS))
    given = pa.array(GIVEN)
    first = rng.integers(0, len(GIVEN), n)
    second = rng.integers(0, len(GIVEN) + 1, n)  # the extra index: a one-character given name
    second = np.where(rng.random(n) < 0.3, len(GIVEN), second)
    return pc.binary_join_element_wise(
        pa.array(SURNAMES).take(pa.array(surname)),
        given.take(pa.array(first)),
        pa.array((*GIVEN, "")).take(pa.array(second)),
        "",
    )


def _phones(rng: np.random.Generator, n: int) -> pa.Array:
    prefix = np.array(MOBILE_PREFIXES, dtype=np.int64)[rng.integers(0, len(MOBILE_PREFIXES), n)]
    number = prefix * 100_000_000 + rng.integers(0, 100_000_000, n)
    return pc.cast(pa.array(number), pa.string())
